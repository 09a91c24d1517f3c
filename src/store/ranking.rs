//! Routes ranked by how wrong they are, the order the route table shows and j/k walk.

use std::collections::BTreeMap;

use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceKind};
use crate::model::time::Timestamp;

use super::state::Store;
use super::window::{window_stats, WindowStats, CONFIDENT_REQUESTS};

#[derive(Clone, Debug, PartialEq)]
pub struct RankedRow {
    pub key: RouteKey,
    /// The feed whose numbers the row shows (logs before metrics: they carry exact codes): a
    /// source's id, or a gateway's, whose instances are summed.
    pub primary: SourceId,
    /// Every feed that sees this route, primary first.
    pub sources: Vec<SourceId>,
    pub stats: WindowStats,
    pub severity: f64,
}

fn kind_priority(kind: SourceKind) -> u8 {
    match kind {
        SourceKind::Log => 0,
        SourceKind::Scrape => 1,
        SourceKind::Promql => 2,
        SourceKind::Check => 3,
    }
}

/// How wrong a route looks: 5xx weigh most, then 429s, then other 4xx; a route with few
/// requests is damped so that one failed request out of two does not top the table.
pub fn severity(stats: &WindowStats) -> f64 {
    let Some(r5) = stats.ratio_5xx().value() else {
        return 0.0;
    };
    let r429 = stats.ratio_429().value().unwrap_or(0.0);
    let r4 = stats.ratio_4xx().value().unwrap_or(0.0) - r429;
    let confidence = (stats.requests as f64 / CONFIDENT_REQUESTS as f64).min(1.0);
    (4.0 * r5 + 2.0 * r429 + r4.max(0.0)) * confidence
}

/// Severity in steps of 0.05 (a 5xx ratio step of 1.25%, a 4xx step of 5%); below 0.01 is
/// noise, band 0.
pub fn severity_band(severity: f64) -> u32 {
    if severity < 0.01 {
        0
    } else {
        1 + (severity / 0.05) as u32
    }
}

pub fn ranked_rows(store: &Store, now: Timestamp) -> Vec<RankedRow> {
    let window = store.config.window;
    let mut by_key: BTreeMap<RouteKey, Vec<(u8, usize, SourceId, WindowStats)>> = BTreeMap::new();
    for (order, feed) in store.feeds.iter().enumerate() {
        let prio = kind_priority(feed.kind);
        if let [only] = feed.members[..] {
            let source = &store.sources[only];
            for (key, stats) in store.routes.get(&source.spec.id).into_iter().flatten() {
                let w = window_stats(stats, source, now, window);
                by_key
                    .entry(key.clone())
                    .or_default()
                    .push((prio, order, feed.id.clone(), w));
            }
            continue;
        }
        // A gateway's instances are summed per route.
        let mut summed: BTreeMap<&RouteKey, WindowStats> = BTreeMap::new();
        for source in feed.sources(store) {
            let Some(routes) = store.routes.get(&source.spec.id) else {
                continue;
            };
            for (key, stats) in routes {
                let w = window_stats(stats, source, now, window);
                match summed.get_mut(key) {
                    Some(sum) => sum.merge(&w),
                    None => {
                        summed.insert(key, w);
                    }
                }
            }
        }
        for (key, w) in summed {
            by_key
                .entry(key.clone())
                .or_default()
                .push((prio, order, feed.id.clone(), w));
        }
    }
    let mut rows: Vec<RankedRow> = by_key
        .into_iter()
        .map(|(key, mut seen)| {
            seen.sort_by_key(|(prio, order, _, _)| (*prio, *order));
            let sources = seen.iter().map(|(_, _, id, _)| id.clone()).collect();
            let (_, _, primary, stats) = seen.swap_remove(0);
            RankedRow {
                severity: severity(&stats),
                key,
                primary,
                sources,
                stats,
            }
        })
        .collect();
    // Sort by severity band, then by name: rows must not swap places every second over noise
    // while someone is reading them, so small differences in severity don't reorder.
    rows.sort_by(|a, b| {
        severity_band(b.severity)
            .cmp(&severity_band(a.severity))
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}
