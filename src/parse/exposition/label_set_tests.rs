use super::*;

/// Scans `text` (what follows `{`) and returns the names the scanner now knows, the values it
/// collected when asked, and the generation.
fn scan<'a>(
    s: &mut LabelScanner<'a>,
    text: &'a str,
    om: bool,
    values: bool,
) -> ScanResult<(Vec<&'a str>, Vec<&'a str>, u64)> {
    s.scan(text, 0, om, values)?;
    let values = if values {
        s.pairs.iter().map(|(_, v)| *v).collect()
    } else {
        Vec::new()
    };
    Ok((s.names().collect(), values, s.generation()))
}

#[test]
fn fast_path_and_full_scan_agree_on_names() {
    let mut s = LabelScanner::default();
    let texts = [
        r#"code="1",le="2"}"#,
        r#"code="3",le="4"}"#,
        r#"codex="1",le="2"}"#,
        r#"cod="1",le="2"}"#,
        r#"cod="1",l="2"}"#,
        r#"service="x",seven77="y"}"#,
        r#"service="x",seven77="y"}"#,
        r#"service="x",seven777="y"}"#,
        r#"service="x",seven777="z"}"#,
        r#"service="x",seven77 ="y"}"#,
        r#"x="1"}"#,
        r#"x="1",y="2"}"#,
        r#"x="1"}"#,
        r#"}"#,
    ];
    for text in texts {
        let (names, _, _) = scan(&mut s, text, false, false).expect("valid");
        let want: Vec<&str> = text
            .trim_end_matches('}')
            .split(',')
            .filter(|kv| !kv.is_empty())
            .map(|kv| kv.split('=').next().unwrap_or("").trim())
            .collect();
        assert_eq!(names, want, "{text}");
    }
}

#[test]
fn generation_changes_exactly_when_names_do() {
    let mut s = LabelScanner::default();
    let (_, _, g1) = scan(&mut s, r#"a="1",b="2"}"#, false, false).expect("valid");
    let (_, _, g2) = scan(&mut s, r#"a="3",b="4"}"#, false, false).expect("valid");
    assert_eq!(g1, g2);
    let (_, _, g3) = scan(&mut s, r#"b="3",a="4"}"#, false, false).expect("valid");
    assert_ne!(g2, g3);
    // A failing set changes nothing; the same duplicate fails every time.
    for _ in 0..2 {
        assert_eq!(
            s.scan(r#"a="1",a="2"}"#, 0, false, false),
            Err("duplicate label name")
        );
        assert_eq!(s.generation(), g3);
    }
    s.none();
    let g4 = s.generation();
    assert_ne!(g3, g4);
    s.none();
    assert_eq!(s.generation(), g4);
    let (names, _, g5) = scan(&mut s, "}", false, false).expect("empty set");
    assert!(names.is_empty());
    assert_eq!(g4, g5);
}

#[test]
fn values_are_collected_when_asked() {
    let mut s = LabelScanner::default();
    scan(&mut s, r#"a="1",b="2"}"#, false, false).expect("valid");
    let (_, values, _) = scan(&mut s, r#"a="x,y",b="q\"}"}"#, true, true).expect("valid");
    assert_eq!(values, vec!["x,y", r#"q\"}"#]);
    let end = s
        .scan(r#"a="x,y",b="q\"}"} 1"#, 0, true, true)
        .expect("valid");
    assert!(end.escaped);
    assert_eq!(end.close, 16);
}

#[test]
fn fast_path_rejects_what_the_full_scan_rejects() {
    let mut s = LabelScanner::default();
    scan(&mut s, r#"a="1",b="2"}"#, true, false).expect("valid");
    for bad in [
        r#"a="1",b="2",}"#,
        r#"a="1",b="2""#,
        r#"a="1",b="2"#,
        r#"a="1"b="2"}"#,
        r#"a="1",b=2}"#,
    ] {
        assert!(s.scan(bad, 0, true, false).is_err(), "{bad}");
    }
    assert!(s.scan(r#"a="1",b="2",}"#, 0, false, false).is_ok());
    assert!(s.scan(r#"a = "1" , b="2" }"#, 0, false, false).is_ok());
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
fn two_alternating_name_lists_keep_their_generations() {
    let mut s = LabelScanner::default();
    let (_, _, with_le) = scan(&mut s, r#"a="1",le="1"}"#, false, false).expect("valid");
    let (names, _, without) = scan(&mut s, r#"a="1"}"#, false, false).expect("valid");
    assert_eq!(names, vec!["a"]);
    assert_ne!(with_le, without);
    let (names, _, again) = scan(&mut s, r#"a="2",le="+Inf"}"#, false, false).expect("valid");
    assert_eq!(names, vec!["a", "le"]);
    assert_eq!(again, with_le);
    assert_eq!(
        scan(&mut s, r#"a="2"}"#, false, false).expect("valid").2,
        without
    );
    // A third list evicts the one not used last.
    let (_, _, third) = scan(&mut s, r#"b="2"}"#, false, false).expect("valid");
    assert!(third != with_le && third != without);
    assert_eq!(
        scan(&mut s, r#"a="2"}"#, false, false).expect("valid").2,
        without
    );
    let (_, _, back) = scan(&mut s, r#"a="1",le="1"}"#, false, false).expect("valid");
    assert!(back != with_le && back != third && back != without);
}

#[test]
fn lines_repeating_all_but_the_last_label() {
    let mut s = LabelScanner::default();
    // (text after `{`, expected names, expected escaped)
    let lines: &[(&str, &[&str], bool)] = &[
        (r#"r="/a\"b",c="1",le="0.1"}"#, &["r", "c", "le"], true),
        (r#"r="/a\"b",c="1",le="+Inf"}"#, &["r", "c", "le"], true),
        (r#"r="/a\"b",c="1",lx="1"}"#, &["r", "c", "lx"], true),
        (
            r#"r="/a\"b",c="1",lx="1",z="2"}"#,
            &["r", "c", "lx", "z"],
            true,
        ),
        (
            r#"r="/a",c="1",lx="1",z="2"}"#,
            &["r", "c", "lx", "z"],
            false,
        ),
        (
            r#"r="/a",c="1",lx="1",z="3"}"#,
            &["r", "c", "lx", "z"],
            false,
        ),
        (
            r#"r="/a",c="1",lx="1",z="3",}"#,
            &["r", "c", "lx", "z"],
            false,
        ),
        (r#"r="/a",c="1",lx="1"}"#, &["r", "c", "lx"], false),
    ];
    for (text, names, escaped) in lines {
        let end = s.scan(text, 0, false, false).expect("valid");
        assert_eq!(s.names().collect::<Vec<_>>(), *names, "{text}");
        assert_eq!(end.escaped, *escaped, "{text}");
        assert_eq!(end.close, text.len() - 1, "{text}");
    }
    // Same prefix, broken last label: still an error.
    assert!(s.scan(r#"r="/a",c="1",lx=1}"#, 0, false, false).is_err());
    assert!(s.scan(r#"r="/a",c="1",lx="1""#, 0, false, false).is_err());
    // The scanner is not confused by a shifted start.
    let shifted = r#"{r="/a",c="1",lx="2"}"#;
    let end = s.scan(shifted, 1, false, false).expect("valid");
    assert_eq!(end.close, shifted.len() - 1);
}

mod fast_paths_agree_with_the_full_scan {
    use super::*;
    use proptest::prelude::*;

    /// A label set to render: `(name, value, separator before it)` and the closing text.
    type LabelText = (
        Vec<(&'static str, &'static str, &'static str)>,
        &'static str,
    );

    /// Label texts built from a few names and values, often repeating the previous one with
    /// small changes, the shapes the fast paths are for.
    fn texts() -> impl Strategy<Value = Vec<String>> {
        let name = prop::sample::select(vec!["le", "code", "route", "service", "a", "quantile_x9"]);
        let value =
            prop::sample::select(vec!["", "1", "+Inf", "/v1/{id}", "a\\\"b", "x,y=z", "\\\\"]);
        let sep = prop::sample::select(vec![",", ",", ",", " ,", ", ", ",,", ""]);
        let label = (name, value.clone(), sep);
        let set = (
            prop::collection::vec(label, 0..5),
            prop::sample::select(vec!["}", "}", " }", ",}", ""]),
        );
        let sets = prop::collection::vec((set, any::<bool>(), value), 1..12).prop_map(|sets| {
            // Half the sets repeat the previous one with a new last value.
            let mut out: Vec<LabelText> = Vec::new();
            for ((labels, close), repeat, new_last) in sets {
                match out.last().cloned() {
                    Some((mut prev, prev_close)) if repeat && !prev.is_empty() => {
                        if let Some(last) = prev.last_mut() {
                            last.1 = new_last;
                        }
                        out.push((prev, prev_close));
                    }
                    _ => out.push((labels, close)),
                }
            }
            out
        });
        sets.prop_map(|sets| {
            sets.into_iter()
                .map(|(labels, close)| {
                    let mut t = String::new();
                    for (k, (n, v, sep)) in labels.iter().enumerate() {
                        if k > 0 {
                            t.push_str(sep);
                        }
                        t.push_str(&format!("{n}=\"{v}\""));
                    }
                    t.push_str(close);
                    t.push_str(" 1");
                    t
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn same_outcome(texts in texts(), om in any::<bool>(), values in any::<bool>()) {
            let mut fast = LabelScanner::default();
            for text in &texts {
                let got = fast.scan(text, 0, om, values);
                let mut pairs = Vec::new();
                let want = scan_pairs(text, 0, om, &mut pairs).and_then(|(end, _)| {
                    if has_duplicate(&pairs) { Err("duplicate label name") } else { Ok(end) }
                });
                prop_assert_eq!(got.is_ok(), want.is_ok(), "{}", text);
                if let (Ok(g), Ok(w)) = (got, want) {
                    prop_assert_eq!(g, w, "{}", text);
                    let names: Vec<&str> = pairs.iter().map(|(n, _)| *n).collect();
                    prop_assert_eq!(fast.names().collect::<Vec<_>>(), names, "{}", text);
                    if values {
                        prop_assert_eq!(&fast.pairs, &pairs, "{}", text);
                    }
                }
            }
        }
    }
}
