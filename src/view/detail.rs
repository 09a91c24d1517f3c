//! The selected route in detail: per-source numbers side by side (a gateway's instances summed,
//! then each instance), per-status counts, latency, rate-limit saturation and recent error lines.

use crate::model::route::RouteKey;
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;
use crate::sanitize::sanitize;
use crate::store::ranking::RankedRow;
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
    /// A gateway's instances for this route (empty for a lone source).
    pub instances: Vec<super::instances::InstanceDetail>,
    /// The instance that stands out of the others on 5xx, when one does.
    pub instance_disagreement: Option<String>,
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
            let feed = store.feed(id)?;
            let stats = feed.route_stats(store, &row.key)?;
            let w = feed.window(store, &row.key, now)?;
            let status_detail = feed.status_detail(store);
            let mut statuses: Vec<StatusCell> = Vec::new();
            for (&(status, responder), &n) in &stats.totals {
                let label = match status {
                    Status::Code(c) => c.to_string(),
                    Status::Class(c) if status_detail == StatusDetail::ClassOnly => {
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
            if status_detail == StatusDetail::ClassOnly {
                notes.push("class only: this source reports 1xx–5xx, not exact codes".into());
            }
            if status_detail == StatusDetail::TotalsOnly {
                notes.push("totals only: this source reports request counts, no statuses".into());
            }
            if feed.gateway_only(store) {
                notes.push("no route label: gateway-level numbers; use logs for routes".into());
            }
            if statuses.iter().any(|c| c.label.ends_with('?')) {
                notes.push(
                    "5xx? = server errors whose exact code the source does not export".into(),
                );
            }
            let mut source = sanitize(id.as_str()).into_owned();
            if feed.is_gateway {
                let up = feed.instances_up(store);
                source = format!("{source} · {}/{} up", up.up, up.total);
            }
            Some(SourceDetail {
                source,
                tag: super::routes::source_tag(store, id),
                rate: format::rate(w.rate_per_s),
                window_requests: w.requests,
                total_requests: stats.total_requests(),
                statuses,
                latency,
                saturation,
                notes,
                instances: super::instances::build(store, feed, &row.key, now),
                instance_disagreement: super::instances::disagreement(store, feed, &row.key, now),
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
            let w = store.feed(id)?.window(store, &row.key, now)?;
            let r = w.ratio_5xx();
            r.is_confident().then(|| {
                (
                    super::routes::source_tag(store, id),
                    r.value().unwrap_or(0.0),
                )
            })
        })
        .collect();
    spread("sources disagree", &ratios)
}

/// `what: 5xx HIGH x% vs LOW y%` when the highest and lowest 5xx ratios are more than two
/// points apart.
pub(super) fn spread(what: &str, ratios: &[(String, f64)]) -> Option<String> {
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
            "{what}: 5xx {} {:.1}% vs {} {:.1}%",
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
        .filter_map(|id| store.feed(id))
        .flat_map(|f| f.route_members(store, key).map(|(_, s)| s))
        .flat_map(|s| {
            s.errors
                .iter()
                .map(|e| (e.at, sanitize(&e.line).into_owned()))
        })
        .collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.0));
    lines.into_iter().take(5).map(|(_, l)| l).collect()
}
