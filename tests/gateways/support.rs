//! Helpers shared by the metrics tests (included with `#[path]`; not a test crate itself).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use gatewatch::model::route::RouteKey;
use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::model::traffic::{RouteDelta, TrafficBatch};
use gatewatch::parse::exposition::ParseOptions;
use gatewatch::parse::presets::{MetricsMapper, PresetChoice, PresetOptions, ScrapeOutcome};

/// The shared data folder, or None (after a loud SKIPPED line) when it is absent.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("GATEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    if dir.join("fixtures").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {test}: shared data not found at {} (set GATEWATCH_SHARED)",
            dir.display()
        );
        None
    }
}

pub fn mapper(preset: &str, options: PresetOptions) -> MetricsMapper {
    MetricsMapper::new(PresetChoice::parse(preset), None)
        .and_then(|m| m.with_options(options))
        .expect("preset builds")
}

pub fn ingest(m: &mut MetricsMapper, body: &str, at_ms: i64) -> ScrapeOutcome {
    m.ingest(body.as_bytes(), Timestamp(at_ms), &ParseOptions::default())
        .expect("scrape ingests")
}

pub fn delta<'a>(batch: &'a TrafficBatch, route: &str) -> &'a RouteDelta {
    batch
        .deltas
        .iter()
        .find(|d| d.route == RouteKey::new(None, route))
        .unwrap_or_else(|| panic!("no route {route:?} in {:?}", routes(batch)))
}

pub fn routes(batch: &TrafficBatch) -> Vec<String> {
    batch.deltas.iter().map(|d| d.route.to_string()).collect()
}

/// A route's counts by status label (`"502"`, `"5xx"`), all responders together.
pub fn by_status(d: &RouteDelta) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for s in &d.statuses {
        *m.entry(s.status.to_string()).or_insert(0) += s.count;
    }
    m
}

/// A route's counts by (status label, responder).
pub fn by_status_responder(d: &RouteDelta) -> BTreeMap<(String, &'static str), u64> {
    let mut m = BTreeMap::new();
    for s in &d.statuses {
        *m.entry((s.status.to_string(), s.responder.label()))
            .or_insert(0) += s.count;
    }
    m
}

pub fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

pub fn count_of(d: &RouteDelta, status: Status, responder: Responder) -> u64 {
    d.statuses
        .iter()
        .filter(|s| s.status == status && s.responder == responder)
        .map(|s| s.count)
        .sum()
}
