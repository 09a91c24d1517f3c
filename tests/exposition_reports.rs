//! What the exposition parser reports: format detection, bad lines (numbers, reasons,
//! sanitised excerpts), the size limit and structural violations.

use std::borrow::Cow;

use gatewatch::parse::exposition::{parse, ExpositionError, Format, ParseOptions};

mod exposition_support;
use exposition_support::{run, run_with};

#[test]
fn format_detection_and_override() {
    assert_eq!(run("a 1\n# EOF\n").0.format, Format::OpenMetrics1);
    assert_eq!(run("a 1\n# EOF").0.format, Format::OpenMetrics1);
    assert_eq!(run("a 1\r\n# EOF\r\n").0.format, Format::OpenMetrics1);
    assert_eq!(run("a 1\n").0.format, Format::Prometheus004);
    assert_eq!(run("a 1\n# EOF\nb 2\n").0.format, Format::Prometheus004);
    assert_eq!(run_with("a 1\n", Some(true)).0.format, Format::OpenMetrics1);
    let (report, _) = run_with("a 1\n", Some(true));
    assert!(!report.conforming);
    assert!(report
        .nonconforming_reason
        .is_some_and(|r| r.contains("# EOF")));
    let (report, got) = run_with("a 1\n# EOF\n", Some(false));
    assert_eq!(report.format, Format::Prometheus004);
    assert_eq!((report.bad_line_count, got.len()), (0, 1));
}

/// Bad lines: each is skipped and reported with its line number; the rest still parses.
#[test]
fn bad_lines_are_reported_and_skipped() {
    let cases: &[(&str, &[usize])] = &[
        ("a 1\nb\nc 3\n", &[2]),
        ("a{x=\"1\" 2\nb 2\n", &[1]),
        ("a{x=\"1\",x=\"2\"} 2\nb 2\n", &[1]),
        ("a{x=1} 2\nb 2\n", &[1]),
        ("a 1 2 3\nb 2\n", &[1]),
        ("a one\nb 2\nc 0x10\n", &[1, 3]),
        ("a 1 1.5\n", &[1]),
        ("0abc 1\nb 2\n", &[1]),
        ("# TYPE a nonsense\na 1\n", &[1]),
        ("# TYPE a gauge\na 1\n# TYPE a counter\n", &[3]),
        ("# TYPE a gauge\n# TYPE a gauge\na 1\n", &[2]),
        ("a 1\nb 2\n# HELP a late\n", &[3]),
    ];
    for (body, lines) in cases {
        let (report, got) = run(body);
        let found: Vec<usize> = report.bad_lines.iter().map(|b| b.line).collect();
        assert_eq!(&found, lines, "{body:?}: {:?}", report.bad_lines);
        assert_eq!(report.bad_line_count, lines.len() as u64, "{body:?}");
        assert!(!report.conforming, "{body:?}");
        let sample_lines = body.lines().filter(|l| !l.starts_with('#')).count();
        let bad_samples = lines
            .iter()
            .filter(|&&n| !body.lines().nth(n - 1).unwrap_or("").starts_with('#'))
            .count();
        assert_eq!(got.len(), sample_lines - bad_samples, "{body:?}");
        assert_eq!(report.series, got.len() as u64);
    }
}

#[test]
fn excerpts_are_sanitised_and_short() {
    let body = format!(
        "a{{x=\"\u{1b}[31mred\u{202e}\"}} nope {}\n",
        "z".repeat(500)
    );
    let (report, _) = run(&body);
    let bad = &report.bad_lines[0];
    assert_eq!(bad.line, 1);
    assert!(!bad.excerpt.contains('\u{1b}') && !bad.excerpt.contains('\u{202e}'));
    assert!(bad.excerpt.contains("red"));
    assert!(bad.excerpt.chars().count() <= 120, "{}", bad.excerpt.len());
    assert_eq!(bad.reason, "invalid value");
}

#[test]
fn invalid_utf8_is_one_bad_line() {
    let mut body = b"a 1\nb{x=\"".to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(b"\"} 2\nc{x=\"caf\xc3\xa9\"} 3\n");
    let mut values = Vec::new();
    let report = parse(&body, &ParseOptions::default(), &|_| true, &mut |_, s| {
        values.push((s.name, s.labels.get("x").map(Cow::into_owned)));
    })
    .expect("small");
    assert_eq!(report.bad_line_count, 1);
    assert_eq!(report.bad_lines[0].line, 2);
    assert_eq!(values, vec![("a", None), ("c", Some("café".to_string()))]);
}

#[test]
fn many_bad_lines_are_counted_but_only_some_kept() {
    let body = "bad\n".repeat(1000);
    let (report, _) = run(&body);
    assert_eq!(report.bad_line_count, 1000);
    assert_eq!(
        report.bad_lines.len(),
        gatewatch::parse::exposition::MAX_BAD_LINES_KEPT
    );
    assert_eq!(report.bad_lines.last().map(|b| b.line), Some(100));
}

#[test]
fn size_limit() {
    let body = "a 1\n".repeat(100);
    let small = ParseOptions {
        max_bytes: 399,
        ..ParseOptions::default()
    };
    let err = parse(body.as_bytes(), &small, &|_| true, &mut |_, _| {}).expect_err("over");
    assert_eq!(
        err,
        ExpositionError::TooLarge {
            size: 400,
            limit: 399
        }
    );
    assert!(err.to_string().contains("400") && err.to_string().contains("399"));
    let exact = ParseOptions {
        max_bytes: 400,
        ..ParseOptions::default()
    };
    let ok = parse(body.as_bytes(), &exact, &|_| true, &mut |_, _| {}).expect("at the limit");
    assert_eq!(ok.series, 100);
    assert_eq!(ParseOptions::default().max_bytes, 50 * 1024 * 1024);
}

#[test]
fn groups_out_of_order_are_flagged_but_kept() {
    let (report, got) = run("a 1\nb 2\na 3\n");
    assert_eq!(report.bad_line_count, 0);
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].family, "a");
    assert!(!report.conforming);
    assert!(report
        .nonconforming_reason
        .is_some_and(|r| r.starts_with("line 3:")));
    assert_eq!(report.families.len(), 2);
}
