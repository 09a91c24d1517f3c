//! Shared helpers for the access-log integration tests: locating shared fixtures, reading the
//! fixtures README, and running a file through the aggregator.
#![allow(dead_code)]

pub mod real;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use gatewatch::model::route_template::RouteTemplates;
use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::model::traffic::TrafficBatch;
use gatewatch::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};

pub fn shared_dir() -> PathBuf {
    match std::env::var_os("GATEWATCH_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")),
    }
}

/// A fixture's path and text, or `None` after a loud SKIPPED line.
pub fn fixture(rel: &str) -> Option<(PathBuf, String)> {
    let path = shared_dir().join("fixtures").join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => Some((path, String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) => {
            eprintln!(
                "SKIPPED: shared fixture {} not readable ({e})",
                path.display()
            );
            None
        }
    }
}

fn readme() -> Option<String> {
    fixture("README.md").map(|(_, t)| t)
}

/// The README's "by status" cell for the row naming `file`.
pub fn readme_counts(file: &str) -> Option<BTreeMap<u16, u64>> {
    let text = readme()?;
    let row = text
        .lines()
        .find(|l| l.starts_with("| ") && l.contains(file) && l.contains(": "))?;
    let cell = row.trim_end_matches('|').rsplit('|').next()?;
    let mut out = BTreeMap::new();
    for part in cell.split(',') {
        let (code, n) = part.trim().split_once(": ")?;
        out.insert(code.parse().ok()?, n.parse().ok()?);
    }
    Some(out)
}

/// The README's "Routes in the traffic" list, as `METHOD /template`.
pub fn readme_routes() -> Option<BTreeSet<String>> {
    let text = readme()?;
    let start = text.find("Routes in the traffic:")?;
    let para = &text[start..];
    let para = &para[..para.find("\n\n").unwrap_or(para.len())];
    let routes = para
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains(" /"))
        .map(str::to_string)
        .collect();
    Some(routes)
}

pub struct Run {
    pub detected: Option<FormatName>,
    pub batch: TrafficBatch,
    pub bad: u64,
    pub not_access: u64,
    pub records: u64,
    pub last_bad: Option<String>,
    pub routes: BTreeSet<String>,
    pub responders: BTreeSet<Responder>,
}

pub fn aggregate_file(path: &std::path::Path, format: Option<FormatName>) -> Run {
    let choice = match format {
        None => FormatChoice::Auto,
        Some(name) => FormatChoice::Fixed(LogFormat::builtin(name).expect("built-in format")),
    };
    let bytes = std::fs::read(path).expect("fixture readable");
    aggregate_bytes(&bytes, choice)
}

pub fn aggregate_bytes(bytes: &[u8], choice: FormatChoice) -> Run {
    let mut agg = LogAggregator::new(choice, RouteTemplates::auto(), AggregateOptions::default());
    for line in bytes.split(|&b| b == b'\n') {
        if !line.is_empty() {
            agg.push_line(line, Timestamp(0));
        }
    }
    let batch = agg.take_batch();
    let routes = batch.deltas.iter().map(|d| d.route.to_string()).collect();
    let responders = batch
        .deltas
        .iter()
        .flat_map(|d| d.statuses.iter().map(|s| s.responder))
        .collect();
    let stats = agg.stats();
    Run {
        detected: agg.detected(),
        bad: stats.bad_lines,
        not_access: agg.counts().not_access,
        records: agg.counts().records,
        last_bad: stats.last_bad_line,
        batch,
        routes,
        responders,
    }
}

pub fn status_counts(batch: &TrafficBatch) -> BTreeMap<u16, u64> {
    let mut out = BTreeMap::new();
    for d in &batch.deltas {
        for s in &d.statuses {
            if let Status::Code(c) = s.status {
                *out.entry(c).or_default() += s.count;
            }
        }
    }
    out
}

/// Count per (route, status, responder), for attribution checks.
pub fn route_status_responder(batch: &TrafficBatch) -> BTreeMap<(String, u16, Responder), u64> {
    let mut out = BTreeMap::new();
    for d in &batch.deltas {
        for s in &d.statuses {
            if let Status::Code(c) = s.status {
                *out.entry((d.route.to_string(), c, s.responder))
                    .or_default() += s.count;
            }
        }
    }
    out
}
