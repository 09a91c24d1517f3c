//! The headless snapshot: the store's state as a document (JSON, text, Markdown).
//! The JSON schema is documented in docs/snapshot.md and pinned by tests.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::status::StatusClass;
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;
use crate::store::source_state::Health;
use crate::store::Store;

#[derive(Debug, Serialize, PartialEq)]
pub struct Snapshot {
    pub generated_at: String,
    pub window_seconds: f64,
    pub demo: Option<String>,
    pub sources: Vec<SourceEntry>,
    pub totals: Totals,
    pub routes: Vec<RouteEntry>,
    pub checks: Vec<crate::store::checks::CheckSnapshot>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct SourceEntry {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub healthy: bool,
    pub state: &'static str,
    pub last_error: Option<String>,
    pub detected: Option<String>,
    pub requests: u64,
    pub bad_lines: u64,
    pub status_detail: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Totals {
    /// The source these totals come from: the busiest one (sources are never added together).
    pub source: Option<String>,
    pub requests: u64,
    pub rate_per_s: Option<f64>,
    pub by_class: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Latency {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct SaturationEntry {
    pub value: f64,
    pub source: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct RouteEntry {
    pub route: String,
    pub method: Option<String>,
    pub source: String,
    pub requests: u64,
    pub rate_per_s: Option<f64>,
    pub by_status: BTreeMap<String, u64>,
    pub by_responder: BTreeMap<&'static str, u64>,
    pub ratio_4xx: Option<f64>,
    pub ratio_5xx: Option<f64>,
    pub ratio_429: Option<f64>,
    pub latency_ms: Latency,
    pub saturation: Option<SaturationEntry>,
    pub status_detail: &'static str,
}

fn round(v: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (v * m).round() / m
}

pub fn build(store: &Store, now: Timestamp) -> Snapshot {
    let since = now.since(store.started_at);
    let mut routes = Vec::new();
    let mut per_source_totals: Vec<(u64, Option<f64>, [u64; 6])> = Vec::new();
    for source in &store.sources {
        let mut src_requests = 0u64;
        let mut src_classes = [0u64; 6];
        // Everything the source covered since it began: its scrape intervals, or for a log
        // the time since its first line (a backfilled log covers the span it was written in).
        let covered = source.covered_secs(
            now,
            std::time::Duration::from_millis(now.millis().max(0) as u64),
            store.config.resolution.as_millis() as i64,
        );
        if let Some(map) = store.routes.get(&source.spec.id) {
            let mut keys: Vec<_> = map.keys().collect();
            keys.sort();
            for key in keys {
                let stats = &map[key];
                let requests = stats.total_requests();
                src_requests += requests;
                let mut by_status = BTreeMap::new();
                let mut classes = [0u64; 6];
                let mut rate_limited = 0u64;
                for (status, n) in stats.by_status() {
                    *by_status.entry(status.to_string()).or_default() += n;
                    classes[crate::store::ring::class_slot(status.class())] += n;
                    if status.is_rate_limited() {
                        rate_limited += n;
                    }
                }
                for (a, b) in src_classes.iter_mut().zip(classes) {
                    *a += b;
                }
                let mut by_responder = BTreeMap::new();
                for (&(_, who), &n) in &stats.totals {
                    *by_responder.entry(who.label()).or_default() += n;
                }
                let ratio =
                    |part: u64| (requests > 0).then(|| round(part as f64 / requests as f64, 6));
                let q = |p: f64| {
                    stats
                        .latency_total
                        .as_ref()
                        .and_then(|h| h.quantile(p))
                        .map(|v| round(v, 3))
                };
                routes.push(RouteEntry {
                    route: sanitize(&key.route).into_owned(),
                    method: key.method.as_ref().map(|m| sanitize(m).into_owned()),
                    source: source.spec.id.to_string(),
                    requests,
                    rate_per_s: covered.map(|s| round(requests as f64 / s, 6)),
                    by_status,
                    by_responder,
                    ratio_4xx: ratio(classes[3]),
                    ratio_5xx: ratio(classes[4]),
                    ratio_429: ratio(rate_limited),
                    latency_ms: Latency {
                        p50: q(0.5),
                        p95: q(0.95),
                        p99: q(0.99),
                    },
                    saturation: stats.saturation.as_ref().map(|(_, s)| SaturationEntry {
                        value: round(s.value, 4),
                        source: sanitize(&s.signal).into_owned(),
                    }),
                    status_detail: source.status_detail.label(),
                });
            }
        }
        per_source_totals.push((src_requests, covered, src_classes));
    }
    let busiest = per_source_totals
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let totals = match busiest {
        Some(i) => {
            let (requests, covered, classes) = per_source_totals[i];
            Totals {
                source: Some(store.sources[i].spec.id.to_string()),
                requests,
                rate_per_s: covered.map(|s| round(requests as f64 / s, 6)),
                by_class: StatusClass::ALL
                    .iter()
                    .filter(|c| **c != StatusClass::Other || classes[5] > 0)
                    .map(|c| (c.label(), classes[crate::store::ring::class_slot(*c)]))
                    .collect(),
            }
        }
        None => Totals {
            source: None,
            requests: 0,
            rate_per_s: None,
            by_class: BTreeMap::new(),
        },
    };
    Snapshot {
        generated_at: now.rfc3339(),
        window_seconds: round(since.as_secs_f64(), 3),
        demo: store.demo.clone(),
        sources: store
            .sources
            .iter()
            .map(|s| SourceEntry {
                id: s.spec.id.to_string(),
                kind: s.spec.kind.label(),
                target: sanitize(&s.spec.target).into_owned(),
                healthy: s.health == Health::Healthy,
                state: s.health.label(),
                last_error: s.last_error.clone(),
                detected: s.stats.detected.clone(),
                requests: s.requests,
                bad_lines: s.stats.bad_lines,
                status_detail: s.status_detail.label(),
            })
            .collect(),
        totals,
        routes,
        checks: store.checks.snapshot(now),
    }
}
