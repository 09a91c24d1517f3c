//! The headless snapshot: the store's state as a document (JSON, text, Markdown).
//! The JSON schema is documented in docs/snapshot.md and pinned by tests.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::route::RouteKey;
use crate::model::status::StatusClass;
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;
use crate::store::ring::class_slot;
use crate::store::route_stats::RouteStats;
use crate::store::source_state::{Health, SourceState};
use crate::store::Store;

#[derive(Debug, Serialize, PartialEq)]
pub struct Snapshot {
    pub generated_at: String,
    pub window_seconds: f64,
    pub demo: Option<String>,
    pub sources: Vec<SourceEntry>,
    /// Scrape targets grouped as instances of one gateway; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<GatewayEntry>,
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
    /// The gateway (`gateway:NAME`) this source is an instance of; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct GatewayEntry {
    pub id: String,
    pub instances: Vec<String>,
    /// Instances whose last scrape succeeded.
    pub up: usize,
    pub total: usize,
}

/// One instance's share of a gateway's route.
#[derive(Debug, Serialize, PartialEq)]
pub struct InstanceEntry {
    pub source: String,
    pub state: &'static str,
    pub requests: u64,
    pub rate_per_s: Option<f64>,
    pub ratio_4xx: Option<f64>,
    pub ratio_5xx: Option<f64>,
    pub ratio_429: Option<f64>,
    pub latency_ms: Latency,
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
    /// For a gateway's route: each instance's share (the entry itself is their sum); absent
    /// for a lone source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<InstanceEntry>>,
}

fn round(v: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (v * m).round() / m
}

/// Everything a source covered since it began: its scrape intervals, or for a log the time
/// since its first line (a backfilled log covers the span it was written in).
fn covered_since_start(source: &SourceState, store: &Store, now: Timestamp) -> Option<f64> {
    source.covered_secs(
        now,
        std::time::Duration::from_millis(now.millis().max(0) as u64),
        store.config.resolution.as_millis() as i64,
    )
}

/// Sum of per-instance rates; `None` until some instance has covered time.
fn summed_rate(parts: impl Iterator<Item = (u64, Option<f64>)>) -> Option<f64> {
    parts
        .filter_map(|(requests, covered)| covered.map(|s| requests as f64 / s))
        .fold(None, |sum, r| Some(sum.unwrap_or(0.0) + r))
}

fn route_entry(
    key: &RouteKey,
    stats: &RouteStats,
    source: String,
    rate_per_s: Option<f64>,
    status_detail: &'static str,
) -> (RouteEntry, [u64; 6]) {
    let requests = stats.total_requests();
    let mut by_status = BTreeMap::new();
    let mut classes = [0u64; 6];
    let mut rate_limited = 0u64;
    for (status, n) in stats.by_status() {
        *by_status.entry(status.to_string()).or_default() += n;
        classes[class_slot(status.class())] += n;
        if status.is_rate_limited() {
            rate_limited += n;
        }
    }
    let mut by_responder = BTreeMap::new();
    for (&(_, who), &n) in &stats.totals {
        *by_responder.entry(who.label()).or_default() += n;
    }
    let ratio = |part: u64| (requests > 0).then(|| round(part as f64 / requests as f64, 6));
    let entry = RouteEntry {
        route: sanitize(&key.route).into_owned(),
        method: key.method.as_ref().map(|m| sanitize(m).into_owned()),
        source,
        requests,
        rate_per_s: rate_per_s.map(|r| round(r, 6)),
        by_status,
        by_responder,
        ratio_4xx: ratio(classes[3]),
        ratio_5xx: ratio(classes[4]),
        ratio_429: ratio(rate_limited),
        latency_ms: latency(stats),
        saturation: stats.saturation.as_ref().map(|(_, s)| SaturationEntry {
            value: round(s.value, 4),
            source: sanitize(&s.signal).into_owned(),
        }),
        status_detail,
        instances: None,
    };
    (entry, classes)
}

fn latency(stats: &RouteStats) -> Latency {
    let q = |p: f64| {
        stats
            .latency_total
            .as_ref()
            .and_then(|h| h.quantile(p))
            .map(|v| round(v, 3))
    };
    Latency {
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
    }
}

/// One gateway instance's share of a route; an instance that has not reported it has 0
/// requests (and a rate of 0 once it has covered time).
fn instance_entry(
    source: &SourceState,
    stats: Option<&RouteStats>,
    covered: Option<f64>,
) -> InstanceEntry {
    let requests = stats.map_or(0, |s| s.total_requests());
    let (mut c4, mut c5, mut c429) = (0, 0, 0);
    for (status, n) in stats.map(|s| s.by_status()).unwrap_or_default() {
        match status.class() {
            StatusClass::ClientError => c4 += n,
            StatusClass::ServerError => c5 += n,
            _ => {}
        }
        if status.is_rate_limited() {
            c429 += n;
        }
    }
    let ratio = |part: u64| (requests > 0).then(|| round(part as f64 / requests as f64, 6));
    InstanceEntry {
        source: source.spec.id.to_string(),
        state: source.health.label(),
        requests,
        rate_per_s: covered.map(|s| round(requests as f64 / s, 6)),
        ratio_4xx: ratio(c4),
        ratio_5xx: ratio(c5),
        ratio_429: ratio(c429),
        latency_ms: stats.map(latency).unwrap_or(Latency {
            p50: None,
            p95: None,
            p99: None,
        }),
    }
}

pub fn build(store: &Store, now: Timestamp) -> Snapshot {
    let since = now.since(store.started_at);
    let mut routes = Vec::new();
    // Per feed: requests, rate, classes.
    let mut per_feed_totals: Vec<(u64, Option<f64>, [u64; 6])> = Vec::new();
    for feed in &store.feeds {
        let members: Vec<(&SourceState, Option<f64>)> = feed
            .sources(store)
            .map(|s| (s, covered_since_start(s, store, now)))
            .collect();
        let mut feed_classes = [0u64; 6];
        let mut keys: Vec<&RouteKey> = members
            .iter()
            .filter_map(|(s, _)| store.routes.get(&s.spec.id))
            .flat_map(|m| m.keys())
            .collect();
        keys.sort();
        keys.dedup();
        let status_detail = feed.status_detail(store).label();
        for key in keys {
            let Some(stats) = feed.route_stats(store, key) else {
                continue;
            };
            let per_instance: Vec<(&SourceState, Option<&RouteStats>, Option<f64>)> = members
                .iter()
                .map(|&(s, covered)| {
                    let r = store.routes.get(&s.spec.id).and_then(|m| m.get(key));
                    (s, r, covered)
                })
                .collect();
            let rate = summed_rate(
                per_instance
                    .iter()
                    .map(|(_, r, c)| (r.map_or(0, |r| r.total_requests()), *c)),
            );
            let (mut entry, classes) =
                route_entry(key, &stats, feed.id.to_string(), rate, status_detail);
            if feed.is_gateway {
                entry.instances = Some(
                    per_instance
                        .iter()
                        .map(|&(s, r, c)| instance_entry(s, r, c))
                        .collect(),
                );
            }
            for (a, b) in feed_classes.iter_mut().zip(classes) {
                *a += b;
            }
            routes.push(entry);
        }
        let feed_requests: Vec<(u64, Option<f64>)> = members
            .iter()
            .map(|&(s, covered)| {
                let n = store
                    .routes
                    .get(&s.spec.id)
                    .map_or(0, |m| m.values().map(|r| r.total_requests()).sum());
                (n, covered)
            })
            .collect();
        per_feed_totals.push((
            feed_requests.iter().map(|(n, _)| n).sum(),
            summed_rate(feed_requests.into_iter()),
            feed_classes,
        ));
    }
    let busiest = per_feed_totals
        .iter()
        .enumerate()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let totals = match busiest {
        Some(i) => {
            let (requests, rate, classes) = per_feed_totals[i];
            Totals {
                source: Some(store.feeds[i].id.to_string()),
                requests,
                rate_per_s: rate.map(|r| round(r, 6)),
                by_class: StatusClass::ALL
                    .iter()
                    .filter(|c| **c != StatusClass::Other || classes[5] > 0)
                    .map(|c| (c.label(), classes[class_slot(*c)]))
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
    let gateway_of = |id: &crate::model::source::SourceId| {
        store
            .gateways
            .iter()
            .find(|g| g.instances.contains(id))
            .map(|g| g.id.to_string())
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
                gateway: gateway_of(&s.spec.id),
            })
            .collect(),
        gateways: store
            .feeds
            .iter()
            .filter(|f| f.is_gateway)
            .map(|f| {
                let up = f.instances_up(store);
                GatewayEntry {
                    id: f.id.to_string(),
                    instances: f.sources(store).map(|s| s.spec.id.to_string()).collect(),
                    up: up.up,
                    total: up.total,
                }
            })
            .collect(),
        totals,
        routes,
        checks: store.checks.snapshot(now),
    }
}
