use super::*;

type Pairs = Vec<(String, String)>;
/// name, labels, value, timestamp in ms, has an exemplar
type Scanned = (String, Pairs, f64, Option<i64>, bool);

fn sample(line: &str, om: bool) -> ScanResult<Scanned> {
    let mut scratch = Scratch::default();
    let s = scan_sample(line, om, "", &mut scratch)?;
    let pairs = scratch
        .pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Ok((
        s.name.to_string(),
        pairs,
        s.value,
        s.timestamp.map(|t| t.ms),
        s.exemplar,
    ))
}

/// One accepted line: `(line, openmetrics, expected scan)`.
struct Accepted(&'static str, bool, Scanned);

fn scanned(name: &str, pairs: &[(&str, &str)], value: f64, ts: Option<i64>, ex: bool) -> Scanned {
    let pairs = pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    (name.to_string(), pairs, value, ts, ex)
}

#[test]
fn accepted_samples() {
    let cases = [
        Accepted("a 1", true, scanned("a", &[], 1.0, None, false)),
        Accepted("a{} 1", true, scanned("a", &[], 1.0, None, false)),
        Accepted("a:b_c 2.5", false, scanned("a:b_c", &[], 2.5, None, false)),
        Accepted(
            r#"a{x="1",y="2"} 3 1000"#,
            false,
            scanned("a", &[("x", "1"), ("y", "2")], 3.0, Some(1000), false),
        ),
        Accepted(
            r#"a{x="1"} 3 1.5"#,
            true,
            scanned("a", &[("x", "1")], 3.0, Some(1500), false),
        ),
        Accepted(
            r#"a{x="a,b=c}d"} 1"#,
            true,
            scanned("a", &[("x", "a,b=c}d")], 1.0, None, false),
        ),
        Accepted(
            r#"a{x="q\"\\\n"} 1"#,
            true,
            scanned("a", &[("x", r#"q\"\\\n"#)], 1.0, None, false),
        ),
        Accepted(
            r#"a{x="1",} 1"#,
            false,
            scanned("a", &[("x", "1")], 1.0, None, false),
        ),
        Accepted(
            "a{ x = \"1\" ,\ty=\"2\" }\t 1  \t",
            false,
            scanned("a", &[("x", "1"), ("y", "2")], 1.0, None, false),
        ),
        Accepted(
            "a_total 1 # {id=\"x\"} 0.5 12",
            true,
            scanned("a_total", &[], 1.0, None, true),
        ),
        Accepted(
            "a_total 1 5 # {id=\"x\"} 0.5",
            true,
            scanned("a_total", &[], 1.0, Some(5000), true),
        ),
        Accepted(
            "a_total 1 # anything goes",
            false,
            scanned("a_total", &[], 1.0, None, true),
        ),
        Accepted(
            r#"a{foo="bar # "} 1 # {a="b # c"} 1"#,
            true,
            scanned("a", &[("foo", "bar # ")], 1.0, None, true),
        ),
        Accepted(
            "a -Inf",
            true,
            scanned("a", &[], f64::NEG_INFINITY, None, false),
        ),
        Accepted("a 1 -3", false, scanned("a", &[], 1.0, Some(-3), false)),
    ];
    for Accepted(line, om, want) in cases {
        let got = sample(line, om).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(got, want, "{line:?}");
    }
    let nan = sample("a NaN", true).expect("NaN parses");
    assert!(nan.2.is_nan());
}

#[test]
fn rejected_samples() {
    let cases: &[(&str, bool)] = &[
        ("0a 1", true),
        ("a.b 1", false),
        ("a-b 1", false),
        ("a", false),
        ("a ", true),
        ("a  1", true),
        ("a 1 ", true),
        ("a 1\t", true),
        ("a a", false),
        ("a 1_2", false),
        ("a 0x1p-3", false),
        ("a 1 z", false),
        ("a 1 1.5", false),
        ("a 1 NaN", true),
        ("a 1 1 2", false),
        (r#"a{1="1"} 1"#, false),
        (r#"a{a="1",a="1"} 1"#, false),
        (r#"a{a="1"b} 1"#, false),
        (r#"a{a} 1"#, false),
        (r#"a{a""} 1"#, false),
        (r#"a{a=} 1"#, false),
        (r#"a{a="} 1"#, false),
        (r#"a{a=1} 1"#, false),
        (r#"a{a='1'} 1"#, false),
        (r#"a{a="1"b="2"} 1"#, false),
        (r#"a{a="1",,b="2"} 1"#, false),
        (r#"a{a="1",b="2",} 1"#, true),
        (r#"a{ a="1"} 1"#, true),
        (r#"a{a="1\"} 1"#, false),
        (r#"a{a="1"}1"#, false),
        ("a_total 1 #", true),
        ("a_total 1 # {} 1 ", true),
        ("a_total 1 #{} 1", true),
        ("a_total 1 # {}1", true),
        ("a_total 1 # {} 0x1", true),
        ("a_total 1 # {} 1 Inf", true),
        ("a_total 1 1 # id=\"a\"} 1", true),
        ("a_total 1 1 id=\"a\"} 1", true),
        ("a_total 1 # {id=\"a\"}  ", true),
    ];
    for (line, om) in cases {
        assert!(sample(line, *om).is_err(), "accepted {line:?} (om={om})");
    }
    let long = format!("a_total 1 # {{a=\"{}\"}} 1", "x".repeat(128));
    assert!(sample(&long, true).is_err());
    let fits = format!("a_total 1 # {{a=\"{}\"}} 1", "x".repeat(127));
    assert!(sample(&fits, true).is_ok());
}

#[test]
fn comments() {
    use MetricType::*;
    let cases: &[(&str, bool, Option<Comment<'static>>)] = &[
        (
            "# HELP a some text",
            true,
            Some(Comment::Help {
                name: "a",
                text: "some text",
            }),
        ),
        (
            "# HELP a ",
            true,
            Some(Comment::Help {
                name: "a",
                text: "",
            }),
        ),
        ("# HELP a", true, None),
        ("# HELP a\t", true, None),
        ("# HELP", true, None),
        (
            "#  HELP a  x",
            false,
            Some(Comment::Help {
                name: "a",
                text: "x",
            }),
        ),
        (
            "# HELP a",
            false,
            Some(Comment::Help {
                name: "a",
                text: "",
            }),
        ),
        (
            "# TYPE a counter",
            true,
            Some(Comment::Type {
                name: "a",
                kind: Counter,
            }),
        ),
        ("# TYPE a gauge ", true, None),
        (
            "# TYPE a gauge ",
            false,
            Some(Comment::Type {
                name: "a",
                kind: Gauge,
            }),
        ),
        ("# TYPE a untyped", true, None),
        (
            "# TYPE a untyped",
            false,
            Some(Comment::Type {
                name: "a",
                kind: Unknown,
            }),
        ),
        ("# TYPE a meh", false, None),
        ("# TYPE a", false, None),
        ("# TYPE 0a gauge", false, None),
        (
            "# UNIT a_s s",
            true,
            Some(Comment::Unit {
                name: "a_s",
                unit: "s",
            }),
        ),
        (
            "# UNIT a ",
            true,
            Some(Comment::Unit {
                name: "a",
                unit: "",
            }),
        ),
        ("# UNIT a_s s ", true, None),
        ("# EOF", true, Some(Comment::Eof)),
        ("# EOF", false, Some(Comment::Eof)),
        ("# EOFblah", true, None),
        ("# FOO a x", true, None),
        ("# FOO a x", false, Some(Comment::Other)),
        ("#a_sum 0", true, None),
        ("# just a note", false, Some(Comment::Other)),
    ];
    for (line, om, want) in cases {
        let got = scan_comment(line, *om).ok();
        assert_eq!(got.as_ref(), want.as_ref(), "{line:?} om={om}");
    }
}

#[test]
fn duplicate_names_are_caught_after_a_cached_name_set() {
    let mut scratch = Scratch::default();
    let scan = |line: &'static str, scratch: &mut Scratch<'static>| {
        scan_sample(line, false, "", scratch).map(|_| scratch.same_names)
    };
    assert_eq!(scan(r#"a{x="1",y="2"} 1"#, &mut scratch), Ok(false));
    assert_eq!(scan(r#"a{x="3",y="4"} 1"#, &mut scratch), Ok(true));
    // A failing set is never cached, so the same duplicate fails twice.
    for _ in 0..2 {
        assert!(scan(r#"a{x="1",x="2"} 1"#, &mut scratch).is_err());
    }
    assert_eq!(scan(r#"a{y="1",x="2"} 1"#, &mut scratch), Ok(false));
    assert_eq!(scan("a 1", &mut scratch), Ok(false));
    assert_eq!(scan("b 1", &mut scratch), Ok(true));
}

#[test]
fn word_search_matches_a_plain_search() {
    let texts: [&[u8]; 5] = [
        br#"plain value without stops"#,
        br#"0123456"x"#,
        br#"01234567\"89abcdef"0"#,
        "caf\u{e9} \u{2603} \\ \"".as_bytes(),
        b"\x80\x81\xff\"\x22\x5c",
    ];
    for text in texts {
        for start in 0..=text.len() {
            let plain = text[start..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map(|o| start + o);
            assert_eq!(
                find_quote_or_backslash(text, start),
                plain,
                "{text:?} from {start}"
            );
        }
    }
}

#[test]
fn known_name_matching_never_confuses_names() {
    let mut scratch = Scratch::default();
    let lines = [
        r#"a{code="1",le="2"} 1"#,
        r#"a{codex="1",le="2"} 1"#,
        r#"a{cod="1",le="2"} 1"#,
        r#"a{cod="1",l="2"} 1"#,
        r#"a{service="x",seven77="y"} 1"#,
        r#"a{service="x",seven77="y"} 1"#,
        r#"a{service="x",seven777="y"} 1"#,
        r#"a{service="x",seven77 ="y"} 1"#,
        r#"a{x="1"} 1"#,
    ];
    for line in lines {
        let sample = scan_sample(line, false, "", &mut scratch).expect("valid");
        let got: Vec<&str> = scratch.pairs.iter().map(|(n, _)| *n).collect();
        let want: Vec<&str> = sample
            .labels
            .split(',')
            .map(|kv| kv.split('=').next().unwrap_or("").trim())
            .collect();
        assert_eq!(got, want, "{line}");
    }
    assert!(scan_sample(r#"a{x="#, false, "", &mut scratch).is_err());
    assert!(scan_sample(r#"a{x"#, false, "", &mut scratch).is_err());
}
