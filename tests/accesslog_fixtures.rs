//! Every shared fixture log, parsed and aggregated: exact status counts against the fixtures
//! README's table and against an independent field count of the raw file; routes against the
//! README's route list.

mod common;

use std::collections::BTreeMap;

use common::{aggregate_file, fixture, readme_counts, readme_routes, status_counts};
use gatewatch::model::status::Responder;
use gatewatch::parse::accesslog::FormatName;

/// `awk '{print $9}' | sort | uniq -c` for a combined log: the status is the field after the
/// quoted request.
fn combined_status_by_fields(text: &str) -> BTreeMap<u16, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let after_request = line.splitn(3, '"').nth(2).unwrap_or("");
        let status = after_request
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok());
        *out.entry(status.unwrap_or(0)).or_default() += 1;
    }
    out
}

#[test]
fn nginx_combined_counts_are_exact() {
    let Some((path, text)) = fixture("nginx-1.22/access-combined.log") else {
        return;
    };
    let Some(want) = readme_counts("nginx-1.22/access-combined.log") else {
        return;
    };
    for format in [Some(FormatName::Combined), None] {
        let run = aggregate_file(&path, format);
        assert_eq!(run.detected, Some(FormatName::Combined));
        assert_eq!(run.bad, 0, "{:?}", run.last_bad);
        let got = status_counts(&run.batch);
        assert_eq!(got, want, "README table");
        assert_eq!(
            got,
            combined_status_by_fields(&text),
            "field count of the raw file"
        );
        assert_eq!(run.routes, readme_routes().unwrap(), "routes");
        assert!(run.responders.iter().all(|r| *r == Responder::Unknown));
    }
}
