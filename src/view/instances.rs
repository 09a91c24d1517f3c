//! A gateway's instances side by side for the selected route, so that one bad instance stands
//! out of the sum: each one's rate, error ratios, p99 and health.

use crate::model::route::RouteKey;
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;
use crate::store::feed::Feed;
use crate::store::source_state::Health;
use crate::store::Store;

use super::format;
use super::routes::{ratio_severity, Severity};

#[derive(Clone, Debug, PartialEq)]
pub struct InstanceDetail {
    /// The instance's name (`10.0.0.7:8405`: its source id without the kind), sanitised.
    pub name: String,
    pub health: Health,
    pub rate: String,
    pub window_requests: u64,
    pub r4xx: String,
    pub r5xx: String,
    pub severity_5xx: Severity,
    pub p99: Option<String>,
    /// Why this instance has no numbers: its last error, or that it has not seen the route.
    pub note: Option<String>,
}

/// `scrape:10.0.0.7:8405` → `10.0.0.7:8405`: within a gateway every instance is a scrape.
fn short_name(id: &str) -> String {
    let name = id.split_once(':').map_or(id, |(_, rest)| rest);
    sanitize(name).into_owned()
}

/// Every instance of `feed` (a gateway) for `key`; empty for a lone source.
pub fn build(store: &Store, feed: &Feed, key: &RouteKey, now: Timestamp) -> Vec<InstanceDetail> {
    if !feed.is_gateway {
        return Vec::new();
    }
    feed.instances(store, key, now)
        .into_iter()
        .map(|i| {
            let source = &store.sources[i.source];
            let note = match (source.health, &i.stats) {
                (Health::Failing, _) => Some(format!(
                    "failing: {}",
                    source.last_error.as_deref().unwrap_or("no answer")
                )),
                (Health::Pending, None) => Some("not scraped yet".to_string()),
                (_, None) => Some("has not reported this route".to_string()),
                _ => None,
            };
            let w = i.stats.unwrap_or_default();
            InstanceDetail {
                name: short_name(source.spec.id.as_str()),
                health: source.health,
                rate: format::rate(w.rate_per_s),
                window_requests: w.requests,
                r4xx: format::ratio(w.ratio_4xx()),
                r5xx: format::ratio(w.ratio_5xx()),
                severity_5xx: ratio_severity(w.ratio_5xx(), 0.01, 0.05),
                p99: w.latency.as_ref().map(|h| format::millis(h.quantile(0.99))),
                note,
            }
        })
        .collect()
}

/// Instances of one gateway should agree on a route's 5xx ratio; name the outlier when they
/// don't (the highest against the lowest, each over enough requests to judge).
pub fn disagreement(store: &Store, feed: &Feed, key: &RouteKey, now: Timestamp) -> Option<String> {
    if !feed.is_gateway {
        return None;
    }
    let ratios: Vec<(String, f64)> = feed
        .instances(store, key, now)
        .into_iter()
        .filter_map(|i| {
            let r = i.stats?.ratio_5xx();
            r.is_confident().then(|| {
                (
                    short_name(store.sources[i.source].spec.id.as_str()),
                    r.value().unwrap_or(0.0),
                )
            })
        })
        .collect();
    super::detail::spread("instances disagree", &ratios)
}
