//! Shared helpers for the exposition integration tests: run the parser over a body and keep
//! every delivered sample, owned.

#![allow(dead_code)] // each test file uses a different subset

use gatewatch::parse::exposition::{parse, MetricType, ParseOptions, ParseReport};

/// One delivered sample, owned: family name and type, sample name, labels, value, timestamp.
#[derive(Debug, Clone, PartialEq)]
pub struct Got {
    pub family: String,
    pub kind: MetricType,
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub ts: Option<i64>,
}

pub fn run_with(body: &str, openmetrics: Option<bool>) -> (ParseReport, Vec<Got>) {
    let opts = ParseOptions {
        openmetrics,
        ..ParseOptions::default()
    };
    let mut got = Vec::new();
    let report = parse(body.as_bytes(), &opts, &|_| true, &mut |f, s| {
        got.push(Got {
            family: f.name.to_string(),
            kind: f.kind,
            name: s.name.to_string(),
            labels: s
                .labels
                .iter()
                .map(|(n, v)| (n.to_string(), v.into_owned()))
                .collect(),
            value: s.value,
            ts: s.timestamp_ms,
        });
    })
    .expect("under the size limit");
    (report, got)
}

pub fn run(body: &str) -> (ParseReport, Vec<Got>) {
    run_with(body, None)
}
