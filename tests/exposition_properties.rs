//! Property tests: the parser never panics, its report is self-consistent, and generated
//! expositions (any label text, escapes included) come back exactly as written, in both
//! formats.

use std::collections::BTreeSet;

use gatewatch::parse::exposition::{parse, Format, ParseOptions, ParseReport};
use proptest::prelude::*;

fn opts(openmetrics: Option<bool>) -> ParseOptions {
    ParseOptions {
        openmetrics,
        ..ParseOptions::default()
    }
}

/// Parses and checks what must hold for any input.
fn parse_consistent(body: &[u8], openmetrics: Option<bool>) -> ParseReport {
    let mut delivered = 0u64;
    let report = parse(body, &opts(openmetrics), &|_| true, &mut |f, s| {
        delivered += 1;
        assert!(
            s.name.starts_with(f.name),
            "{} in family {}",
            s.name,
            f.name
        );
        for (n, _) in s.labels.iter() {
            assert!(!n.is_empty());
        }
        assert_eq!(s.labels.iter().count(), s.labels.len());
    })
    .expect("small bodies are under the limit");
    assert_eq!(report.series, delivered);
    assert_eq!(
        report.families.iter().map(|f| f.series).sum::<u64>(),
        report.series
    );
    assert!(report.bad_line_count >= report.bad_lines.len() as u64);
    assert!(
        !report.conforming || (report.bad_line_count == 0 && report.nonconforming_reason.is_none())
    );
    let lines = body.split(|&b| b == b'\n').count();
    for bad in &report.bad_lines {
        assert!(
            bad.line >= 1 && bad.line <= lines + 1,
            "line {} of {lines}",
            bad.line
        );
        assert!(!bad.excerpt.chars().any(char::is_control));
    }
    report
}

/// Pieces that make the scanner take its deeper paths.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let token = prop::sample::select(vec![
        "a",
        "b_c",
        "x:y",
        "0",
        "1",
        "-2.5",
        "1e3",
        "NaN",
        "+Inf",
        "-Inf",
        "0x1",
        "{",
        "}",
        "=",
        ",",
        "\"",
        "\\",
        "\\\"",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "#",
        "# ",
        "# HELP ",
        "# TYPE ",
        "# UNIT ",
        "# EOF",
        "counter",
        "gauge",
        "histogram",
        "summary",
        "info",
        "stateset",
        "unknown",
        "_total",
        "_bucket",
        "_sum",
        "_count",
        "_created",
        "le",
        "quantile",
        "é",
        "\u{1b}[2J",
        "\u{0}",
    ]);
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..400)) {
        for om in [None, Some(false), Some(true)] {
            parse_consistent(&body, om);
        }
    }

    #[test]
    fn never_panics_on_token_soup(body in soup()) {
        for om in [None, Some(false), Some(true)] {
            parse_consistent(&body, om);
        }
    }
}

// ---- round trip -------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

#[derive(Debug, Clone)]
struct FamilyModel {
    kind: Kind,
    help: Option<String>,
    /// One label set per series; values are arbitrary text.
    series: Vec<Vec<(String, String)>>,
    values: Vec<f64>,
    timestamp_s: Option<i64>,
}

/// Label values from characters that need escaping or confuse naive parsers.
fn label_value() -> impl Strategy<Value = String> {
    let ch = prop::sample::select(vec![
        'a', 'Z', '0', ' ', '"', '\\', '\n', ',', '=', '{', '}', '#', '/', 'é', '☃', '\t', 'n',
    ]);
    prop::collection::vec(ch, 0..12).prop_map(|c| c.into_iter().collect())
}

fn label_set() -> impl Strategy<Value = Vec<(String, String)>> {
    let names =
        prop::sample::subsequence(vec!["route", "code", "method", "service", "a_b9"], 0..=4);
    (names, prop::collection::vec(label_value(), 4)).prop_map(|(names, values)| {
        names
            .into_iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), v))
            .collect()
    })
}

fn family() -> impl Strategy<Value = FamilyModel> {
    let kind = prop::sample::select(vec![
        Kind::Counter,
        Kind::Gauge,
        Kind::Histogram,
        Kind::Summary,
        Kind::Untyped,
    ]);
    let help = prop::option::of(label_value());
    let series = prop::collection::vec(label_set(), 1..5);
    let values = prop::collection::vec(0u32..100_000, 8);
    let ts = prop::option::of(0i64..4_000_000_000);
    (kind, help, series, values, ts).prop_map(|(kind, help, series, values, timestamp_s)| {
        // One series per distinct label set.
        let mut seen = BTreeSet::new();
        let series = series
            .into_iter()
            .filter(|s| seen.insert(s.clone()))
            .collect();
        let values = values.into_iter().map(|v| f64::from(v) / 8.0).collect();
        FamilyModel {
            kind,
            help,
            series,
            values,
            timestamp_s,
        }
    })
}

fn escape_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn escape_help(v: &str, om: bool) -> String {
    let s = v.replace('\\', "\\\\").replace('\n', "\\n");
    if om {
        s.replace('"', "\\\"")
    } else {
        s
    }
}

/// An expected sample: sample name, labels (unescaped), value, timestamp in ms.
type Expected = (String, Vec<(String, String)>, f64, Option<i64>);

/// Renders the families and lists the samples a parser must return.
fn render(families: &[FamilyModel], om: bool) -> (String, Vec<Expected>) {
    let mut out = String::new();
    let mut want = Vec::new();
    for (i, f) in families.iter().enumerate() {
        let name = format!("fam{i}_seconds");
        let type_word = match (f.kind, om) {
            (Kind::Counter, _) => "counter",
            (Kind::Gauge, _) => "gauge",
            (Kind::Histogram, _) => "histogram",
            (Kind::Summary, _) => "summary",
            (Kind::Untyped, true) => "unknown",
            (Kind::Untyped, false) => "untyped",
        };
        if let Some(h) = &f.help {
            out.push_str(&format!("# HELP {name} {}\n", escape_help(h, om)));
        }
        out.push_str(&format!("# TYPE {name} {type_word}\n"));
        if om {
            out.push_str(&format!("# UNIT {name} seconds\n"));
        }
        let ts_ms = f.timestamp_s.map(|s| if om { s * 1000 } else { s });
        let ts_text = f.timestamp_s.map(|s| format!(" {s}")).unwrap_or_default();
        for (k, labels) in f.series.iter().enumerate() {
            let base = f.values[k % f.values.len()];
            let mut line = |suffix: &str, extra: Option<(&str, String)>, value: f64| {
                let mut all = labels.clone();
                if let Some((n, v)) = extra {
                    all.push((n.to_string(), v));
                }
                let body: Vec<String> = all
                    .iter()
                    .map(|(n, v)| format!("{n}=\"{}\"", escape_value(v)))
                    .collect();
                let sample = format!("{name}{suffix}");
                let value_text = if value == f64::INFINITY {
                    "+Inf".to_string()
                } else {
                    value.to_string()
                };
                out.push_str(&format!(
                    "{sample}{{{}}} {value_text}{ts_text}\n",
                    body.join(",")
                ));
                want.push((sample, all, value, ts_ms));
            };
            match f.kind {
                Kind::Counter => line(if om { "_total" } else { "" }, None, base),
                Kind::Gauge | Kind::Untyped => line("", None, base - 100.0),
                Kind::Histogram => {
                    let mut cumulative = 0.0;
                    for (b, le) in ["0.005", "0.5", "1e2", "+Inf"].iter().enumerate() {
                        cumulative += f.values[(k + b) % f.values.len()];
                        line("_bucket", Some(("le", le.to_string())), cumulative);
                    }
                    line("_sum", None, base);
                    line("_count", None, cumulative);
                }
                Kind::Summary => {
                    for q in ["0", "0.5", "0.99"] {
                        line("", Some(("quantile", q.to_string())), base);
                    }
                    line("_sum", None, base * 3.0);
                    line("_count", None, 3.0);
                }
            }
        }
    }
    if om {
        out.push_str("# EOF\n");
    }
    (out, want)
}

fn round_trip(families: &[FamilyModel], om: bool) {
    let (body, want) = render(families, om);
    let mut got: Vec<Expected> = Vec::new();
    let mut helps = Vec::new();
    let report = parse(body.as_bytes(), &opts(None), &|_| true, &mut |f, s| {
        if helps.last().map(|(n, _)| *n) != Some(f.name) {
            helps.push((f.name, f.help.as_ref().map(|h| h.to_string())));
        }
        let labels = s
            .labels
            .iter()
            .map(|(n, v)| (n.to_string(), v.into_owned()))
            .collect();
        got.push((s.name.to_string(), labels, s.value, s.timestamp_ms));
    })
    .expect("small");
    let format = if om {
        Format::OpenMetrics1
    } else {
        Format::Prometheus004
    };
    assert_eq!(report.format, format, "{body}");
    assert_eq!(report.bad_line_count, 0, "{:?}\n{body}", report.bad_lines);
    assert!(
        report.conforming,
        "{:?}\n{body}",
        report.nonconforming_reason
    );
    assert_eq!(got, want, "{body}");
    assert_eq!(report.series, want.len() as u64);
    assert_eq!(report.families.len(), families.len());
    for (i, (stats, model)) in report.families.iter().zip(families).enumerate() {
        assert_eq!(stats.name, format!("fam{i}_seconds"));
        let names: BTreeSet<&str> = model
            .series
            .iter()
            .flatten()
            .map(|(n, _)| n.as_str())
            .collect();
        for n in names {
            assert!(
                stats.label_names.iter().any(|m| m == n),
                "{n} missing from {stats:?}"
            );
        }
    }
    // Prometheus text skips the blanks between the name and the docstring.
    let want_help: Vec<Option<String>> = families
        .iter()
        .map(|f| {
            f.help.as_ref().map(|h| {
                if om {
                    h.clone()
                } else {
                    h.trim_start_matches([' ', '\t']).to_string()
                }
            })
        })
        .collect();
    let got_help: Vec<Option<String>> = helps.into_iter().map(|(_, h)| h).collect();
    assert_eq!(got_help, want_help);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prometheus_text_round_trips(families in prop::collection::vec(family(), 1..5)) {
        round_trip(&families, false);
    }

    #[test]
    fn openmetrics_round_trips(families in prop::collection::vec(family(), 1..5)) {
        round_trip(&families, true);
    }
}
