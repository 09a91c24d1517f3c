//! The selected route in detail: per-source numbers side by side, per-status counts, latency,
//! rate-limit saturation and recent error lines.

use crate::model::route::RouteKey;
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;
use crate::sanitize::sanitize;
use crate::store::ranking::RankedRow;
use crate::store::window::window_stats;
use crate::store::Store;

use super::format;

#[derive(Clone, Debug, PartialEq)]
pub struct StatusCell {
    pub label: String,
    pub count: u64,
    /// Share of this status that the gateway made itself, when the source can tell.
    pub by_gateway: Option<u64>,
    pub is_error: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceDetail {
    pub source: String,
    pub tag: String,
    pub rate: String,
    pub window_requests: u64,
    pub total_requests: u64,
    pub statuses: Vec<StatusCell>,
    pub latency: Option<[String; 3]>,
    pub saturation: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteDetailView {
    pub title: String,
    pub sources: Vec<SourceDetail>,
    pub disagreement: Option<String>,
    pub recent_errors: Vec<String>,
}

pub fn build(store: &Store, row: &RankedRow, now: Timestamp) -> RouteDetailView {
    let sources = row
        .sources
        .iter()
        .filter_map(|id| {
            let source = store.source(id)?;
            let stats = store.routes.get(id)?.get(&row.key)?;
            let w = window_stats(stats, source, now, store.config.window);
            let mut statuses: Vec<StatusCell> = Vec::new();
            for (&(status, responder), &n) in &stats.totals {
                let label = match status {
                    Status::Code(c) => c.to_string(),
                    Status::Class(c) if source.status_detail == StatusDetail::ClassOnly => {
                        c.label().to_string()
                    }
                    Status::Class(c) => format!("{}?", c.label()),
                };
                let gw = (responder == Responder::Gateway).then_some(n);
                match statuses.iter_mut().find(|c| c.label == label) {
                    Some(cell) => {
                        cell.count += n;
                        if let Some(g) = gw {
                            cell.by_gateway = Some(cell.by_gateway.unwrap_or(0) + g);
                        }
                    }
                    None => statuses.push(StatusCell {
                        label,
                        count: n,
                        by_gateway: gw,
                        is_error: status.class() >= crate::model::status::StatusClass::ClientError,
                    }),
                }
            }
            statuses.sort_by(|a, b| b.is_error.cmp(&a.is_error).then(b.count.cmp(&a.count)));
            let latency = w
                .latency
                .as_ref()
                .or(stats.latency_total.as_ref())
                .map(|h| [0.5, 0.95, 0.99].map(|q| format::millis(h.quantile(q))));
            let saturation = stats
                .saturation
                .as_ref()
                .map(|(_, s)| format!("{:.0}% ({})", s.value * 100.0, sanitize(&s.signal)));
            let mut notes = Vec::new();
            if source.status_detail == StatusDetail::ClassOnly {
                notes.push("class only: this source reports 1xx–5xx, not exact codes".into());
            }
            if source.status_detail == StatusDetail::TotalsOnly {
                notes.push("totals only: this source reports request counts, no statuses".into());
            }
            if source.gateway_only {
                notes.push("no route label: gateway-level numbers; use logs for routes".into());
            }
            if statuses.iter().any(|c| c.label.ends_with('?')) {
                notes.push(
                    "5xx? = server errors whose exact code the source does not export".into(),
                );
            }
            Some(SourceDetail {
                source: sanitize(id.as_str()).into_owned(),
                tag: super::routes::source_tag(store, id),
                rate: format::rate(w.rate_per_s),
                window_requests: w.requests,
                total_requests: stats.total_requests(),
                statuses,
                latency,
                saturation,
                notes,
            })
        })
        .collect::<Vec<_>>();
    RouteDetailView {
        title: sanitize(&row.key.to_string()).into_owned(),
        disagreement: disagreement(store, row, now),
        recent_errors: recent_errors(store, row),
        sources,
    }
}

/// Two sources seeing one route should agree on its 5xx ratio; say so when they don't.
fn disagreement(store: &Store, row: &RankedRow, now: Timestamp) -> Option<String> {
    let ratios: Vec<(String, f64)> = row
        .sources
        .iter()
        .filter_map(|id| {
            let source = store.source(id)?;
            let w = window_stats(
                store.routes.get(id)?.get(&row.key)?,
                source,
                now,
                store.config.window,
            );
            let r = w.ratio_5xx();
            r.is_confident().then(|| {
                (
                    super::routes::source_tag(store, id),
                    r.value().unwrap_or(0.0),
                )
            })
        })
        .collect();
    let (lo, hi) = ratios.iter().fold(
        (None::<&(String, f64)>, None::<&(String, f64)>),
        |(lo, hi), r| {
            (
                Some(lo.map_or(r, |l| if r.1 < l.1 { r } else { l })),
                Some(hi.map_or(r, |h| if r.1 > h.1 { r } else { h })),
            )
        },
    );
    let (lo, hi) = (lo?, hi?);
    (hi.1 - lo.1 > 0.02).then(|| {
        format!(
            "sources disagree: 5xx {} {:.1}% vs {} {:.1}%",
            hi.0,
            hi.1 * 100.0,
            lo.0,
            lo.1 * 100.0
        )
    })
}

fn recent_errors(store: &Store, row: &RankedRow) -> Vec<String> {
    let key: &RouteKey = &row.key;
    let mut lines: Vec<(Timestamp, String)> = row
        .sources
        .iter()
        .filter_map(|id| store.routes.get(id)?.get(key))
        .flat_map(|s| {
            s.errors
                .iter()
                .map(|e| (e.at, sanitize(&e.line).into_owned()))
        })
        .collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.0));
    lines.into_iter().take(5).map(|(_, l)| l).collect()
}
