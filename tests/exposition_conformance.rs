//! The OpenMetrics project's own parser test cases, read from the shared folder at test time.
//!
//! Valid cases must parse with zero bad lines, conforming, with one series per sample line.
//! Invalid cases must be reported (bad lines or not conforming), never silently accepted.

use std::path::PathBuf;

use gatewatch::parse::exposition::{parse, ParseOptions, ParseReport};

fn shared_dir() -> PathBuf {
    std::env::var_os("GATEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")))
}

struct Case {
    name: String,
    body: Vec<u8>,
    should_parse: bool,
}

fn cases() -> Option<Vec<Case>> {
    let dir = shared_dir().join("conformance/openmetrics/parsers");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "SKIPPED: OpenMetrics conformance cases not found at {}",
            dir.display()
        );
        return None;
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.expect("readable conformance dir").path();
        let spec = std::fs::read_to_string(path.join("test.json")).expect("test.json");
        let spec: serde_json::Value = serde_json::from_str(&spec).expect("test.json is JSON");
        let file = spec["file"].as_str().unwrap_or("metrics");
        out.push(Case {
            name: path
                .file_name()
                .expect("case name")
                .to_string_lossy()
                .into_owned(),
            body: std::fs::read(path.join(file)).expect("metrics file"),
            should_parse: spec["shouldParse"].as_bool().expect("shouldParse"),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// An independent count: every line that is neither blank nor a comment is one sample.
fn sample_lines(body: &[u8]) -> u64 {
    body.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty() && !l.starts_with(b"#"))
        .count() as u64
}

fn run(case: &Case) -> ParseReport {
    let opts = ParseOptions {
        openmetrics: Some(true),
        ..ParseOptions::default()
    };
    parse(&case.body, &opts, &|_| true, &mut |_, _| {}).expect("under the size limit")
}

#[test]
fn openmetrics_conformance_suite() {
    let Some(cases) = cases() else { return };
    let (mut valid_ok, mut valid_total, mut invalid_flagged, mut invalid_total) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let report = run(case);
        if case.should_parse {
            valid_total += 1;
            let want = sample_lines(&case.body);
            if report.bad_line_count == 0 && report.conforming && report.series == want {
                valid_ok += 1;
            } else {
                failures.push(format!(
                    "valid {}: series {} (want {want}), bad {:?}, reason {:?}",
                    case.name, report.series, report.bad_lines, report.nonconforming_reason
                ));
            }
        } else {
            invalid_total += 1;
            if report.bad_line_count > 0 || !report.conforming {
                invalid_flagged += 1;
            } else {
                failures.push(format!("invalid {} accepted silently", case.name));
            }
        }
    }
    eprintln!(
        "OpenMetrics conformance: valid {valid_ok}/{valid_total} parsed cleanly, \
         invalid {invalid_flagged}/{invalid_total} reported"
    );
    assert!(
        valid_total > 0 && invalid_total > 0,
        "the suite has both kinds of case"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn invalid_cases_say_why() {
    let Some(cases) = cases() else { return };
    for case in cases.iter().filter(|c| !c.should_parse) {
        let report = run(case);
        for bad in &report.bad_lines {
            assert!(bad.line >= 1, "{}: line numbers are 1-based", case.name);
            assert!(
                !bad.reason.is_empty(),
                "{}: a bad line has a reason",
                case.name
            );
        }
        if !report.conforming && report.bad_line_count == 0 {
            let reason = report.nonconforming_reason.as_deref().unwrap_or("");
            assert!(
                reason.starts_with("line "),
                "{}: reason {reason:?}",
                case.name
            );
        }
    }
}
