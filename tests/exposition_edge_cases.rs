//! Table tests for the exposition parser's edge cases, through the public API.

use std::borrow::Cow;

use gatewatch::parse::exposition::{parse, Format, MetricType, ParseOptions};

mod exposition_support;
use exposition_support::run;

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Cases that must parse cleanly: body, then for each sample (name, labels, value, ts).
#[test]
fn clean_inputs_deliver_exactly_these_samples() {
    type Want = (
        &'static str,
        &'static [(&'static str, &'static str)],
        f64,
        Option<i64>,
    );
    let cases: &[(&str, &str, &[Want])] = &[
        ("bare sample", "up 1\n", &[("up", &[], 1.0, None)]),
        ("no final newline", "up 1", &[("up", &[], 1.0, None)]),
        (
            "CRLF",
            "a 1\r\nb 2\r\n",
            &[("a", &[], 1.0, None), ("b", &[], 2.0, None)],
        ),
        (
            "escaped quote, backslash, newline",
            "a{p=\"say \\\"hi\\\"\",q=\"C:\\\\x\",r=\"l1\\nl2\"} 1\n",
            &[(
                "a",
                &[("p", "say \"hi\""), ("q", "C:\\x"), ("r", "l1\nl2")],
                1.0,
                None,
            )],
        ),
        (
            "comma, equals and braces inside a value",
            "a{route=\"/v1/orders/{id}\",q=\"x=1,y=2\"} 3\n",
            &[(
                "a",
                &[("route", "/v1/orders/{id}"), ("q", "x=1,y=2")],
                3.0,
                None,
            )],
        ),
        (
            "hash inside a value is not an exemplar",
            "a{q=\"a # b\"} 4\n",
            &[("a", &[("q", "a # b")], 4.0, None)],
        ),
        (
            "unknown escape kept",
            "a{p=\"\\d+\"} 1\n",
            &[("a", &[("p", "\\d+")], 1.0, None)],
        ),
        (
            "empty braces and value",
            "a{} 1\nb{x=\"\"} 2\n",
            &[("a", &[], 1.0, None), ("b", &[("x", "")], 2.0, None)],
        ),
        (
            "infinities and timestamps",
            "a +Inf 1700000000000\nb -Inf -5\n",
            &[
                ("a", &[], f64::INFINITY, Some(1_700_000_000_000)),
                ("b", &[], f64::NEG_INFINITY, Some(-5)),
            ],
        ),
        (
            "Prometheus blanks and trailing comma",
            "a{ x = \"1\" , y=\"2\", }\t7   123\n",
            &[("a", &[("x", "1"), ("y", "2")], 7.0, Some(123))],
        ),
        (
            "leading blanks and blank lines",
            "\n   a 1\n\n",
            &[("a", &[], 1.0, None)],
        ),
        (
            "free comments",
            "# just a note\na 1\n#\n",
            &[("a", &[], 1.0, None)],
        ),
        (
            "exemplar skipped",
            "a_total 5 # {trace_id=\"abc\"} 1 1\n",
            &[("a_total", &[], 5.0, None)],
        ),
        (
            "colons in names",
            "job:rate5m 0.5\n",
            &[("job:rate5m", &[], 0.5, None)],
        ),
        (
            "big integer",
            "a 9223372036854775808\n",
            &[("a", &[], 9_223_372_036_854_775_808.0, None)],
        ),
        ("scientific", "a 1.5e-3\n", &[("a", &[], 0.0015, None)]),
    ];
    for (what, body, want) in cases {
        let (report, got) = run(body);
        assert_eq!(report.bad_line_count, 0, "{what}: {:?}", report.bad_lines);
        assert!(
            report.conforming,
            "{what}: {:?}",
            report.nonconforming_reason
        );
        assert_eq!(report.series, want.len() as u64, "{what}");
        let got: Vec<_> = got
            .iter()
            .map(|g| (g.name.clone(), g.labels.clone(), g.value, g.ts))
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|(n, l, v, t)| (n.to_string(), labels(l), *v, *t))
            .collect();
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn nan_is_a_value() {
    let (report, got) = run("a NaN\nb nan\n");
    assert_eq!(report.bad_line_count, 0);
    assert!(got.iter().all(|g| g.value.is_nan()));
    assert_eq!(got.len(), 2);
}

#[test]
fn families_types_and_suffixes() {
    let body = "\
# HELP req_total Requests.
# TYPE req_total counter
req_total{code=\"200\"} 10
# TYPE lat histogram
lat_bucket{le=\"0.1\"} 1
lat_bucket{le=\"+Inf\"} 2
lat_sum 0.3
lat_count 2
# TYPE rpc summary
rpc{quantile=\"0.5\"} 0.01
rpc_sum 1
rpc_count 9
untyped_thing 3
# HELP only_help Has help, no type.
only_help 4
# TYPE legacy untyped
legacy 5
";
    let (report, got) = run(body);
    assert_eq!(report.format, Format::Prometheus004);
    assert_eq!(report.bad_line_count, 0, "{:?}", report.bad_lines);
    let placed: Vec<(&str, MetricType, &str)> = got
        .iter()
        .map(|g| (g.family.as_str(), g.kind, g.name.as_str()))
        .collect();
    use MetricType::*;
    assert_eq!(
        placed,
        vec![
            ("req_total", Counter, "req_total"),
            ("lat", Histogram, "lat_bucket"),
            ("lat", Histogram, "lat_bucket"),
            ("lat", Histogram, "lat_sum"),
            ("lat", Histogram, "lat_count"),
            ("rpc", Summary, "rpc"),
            ("rpc", Summary, "rpc_sum"),
            ("rpc", Summary, "rpc_count"),
            ("untyped_thing", Unknown, "untyped_thing"),
            ("only_help", Unknown, "only_help"),
            ("legacy", Unknown, "legacy"),
        ]
    );
    let stats: Vec<(&str, MetricType, u64, Vec<&str>)> = report
        .families
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.kind,
                f.series,
                f.label_names.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        stats,
        vec![
            ("req_total", Counter, 1, vec!["code"]),
            ("lat", Histogram, 4, vec!["le"]),
            ("rpc", Summary, 3, vec!["quantile"]),
            ("untyped_thing", Unknown, 1, vec![]),
            ("only_help", Unknown, 1, vec![]),
            ("legacy", Unknown, 1, vec![]),
        ]
    );
}

#[test]
fn help_and_unit_reach_the_family() {
    let body = "# TYPE a_seconds counter\n# UNIT a_seconds seconds\n# HELP a_seconds Time \\\\ \\\"spent\\\"\\n.\na_seconds_total 1\na_seconds_created 1700000000\n# EOF\n";
    let mut seen = Vec::new();
    let report = parse(
        body.as_bytes(),
        &ParseOptions::default(),
        &|_| true,
        &mut |f, s| {
            seen.push((f.name, f.help.clone(), f.unit, s.name));
        },
    )
    .expect("small");
    assert_eq!(report.format, Format::OpenMetrics1);
    assert!(
        report.conforming,
        "{:?} {:?}",
        report.nonconforming_reason, report.bad_lines
    );
    let help = Some(Cow::Owned("Time \\ \"spent\"\n.".to_string()));
    assert_eq!(
        seen,
        vec![
            (
                "a_seconds",
                help.clone(),
                Some("seconds"),
                "a_seconds_total"
            ),
            ("a_seconds", help, Some("seconds"), "a_seconds_created"),
        ]
    );
}

#[test]
fn openmetrics_timestamps_are_seconds() {
    let (report, got) = run("a 1 1.5\nb 2 1700000000\n# EOF\n");
    assert_eq!(report.format, Format::OpenMetrics1);
    assert!(report.conforming);
    assert_eq!(got[0].ts, Some(1500));
    assert_eq!(got[1].ts, Some(1_700_000_000_000));
}

#[test]
fn unwanted_families_are_counted_not_delivered() {
    let body = "# TYPE a counter\na_total{x=\"1\"} 1\na_total{x=\"2\"} 2\n# TYPE b gauge\nb{y=\"1\"} 3\nc 4\n";
    let mut asked = Vec::new();
    let mut delivered = Vec::new();
    let wanted = |name: &str| name == "b";
    let report = parse(
        body.as_bytes(),
        &ParseOptions::default(),
        &|n| wanted(n),
        &mut |f, s| {
            delivered.push((f.name, s.name));
        },
    )
    .expect("small");
    asked.extend(
        report
            .families
            .iter()
            .map(|f| (f.name.clone(), f.series, f.label_names.clone())),
    );
    assert_eq!(delivered, vec![("b", "b")]);
    assert_eq!(report.series, 4);
    assert_eq!(
        asked,
        vec![
            ("a".to_string(), 2, vec!["x".to_string()]),
            ("b".to_string(), 1, vec!["y".to_string()]),
            ("c".to_string(), 1, vec![]),
        ]
    );
}

#[test]
fn labels_api() {
    let body = "a{route=\"/v1/{id}\",ua=\"x \\\"y\\\"\"} 1\n";
    let mut checked = false;
    parse(
        body.as_bytes(),
        &ParseOptions::default(),
        &|_| true,
        &mut |_, s| {
            assert_eq!(s.labels.len(), 2);
            assert!(matches!(
                s.labels.get("route"),
                Some(Cow::Borrowed("/v1/{id}"))
            ));
            assert!(matches!(s.labels.get("ua"), Some(Cow::Owned(ref v)) if v == "x \"y\""));
            assert_eq!(s.labels.get("nope"), None);
            let names: Vec<&str> = s.labels.iter().map(|(n, _)| n).collect();
            assert_eq!(names, vec!["route", "ua"]);
            checked = true;
        },
    )
    .expect("small");
    assert!(checked);
}
