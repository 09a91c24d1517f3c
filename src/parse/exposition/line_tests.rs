use super::*;

type Pairs = Vec<(String, String)>;
/// name, labels, value, timestamp in ms, has an exemplar
type Scanned = (String, Pairs, f64, Option<i64>, bool);

fn sample(line: &str, om: bool) -> ScanResult<Scanned> {
    let mut scratch = Scratch::default();
    let s = scan_sample(line, om, "", &mut scratch)?;
    let pairs = scratch
        .labels
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
