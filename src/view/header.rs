//! The header: is it us, and how bad? Overall rate, the status-class split, source health.

use crate::model::source::SourceKind;
use crate::model::status::StatusClass;
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;
use crate::store::source_state::{Health, SourceState};
use crate::store::window::{window_stats, Ratio, WindowStats};
use crate::store::Store;

use super::format;

#[derive(Clone, Debug, PartialEq)]
pub struct ClassShare {
    pub label: &'static str,
    pub class: StatusClass,
    pub ratio: Ratio,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceBadge {
    pub name: String,
    pub kind: SourceKind,
    pub health: Health,
    pub detail: Option<String>,
    /// While a log is read from the start: how far, e.g. `backfill 42%`.
    pub backfill: Option<String>,
    /// For a gateway: how many of its instances are up (the badge says `2/3 up`).
    pub instances: Option<crate::store::feed::InstancesUp>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HeaderView {
    pub demo: Option<String>,
    /// Which source the headline numbers come from (numbers of different sources are not added).
    pub headline_source: Option<String>,
    pub rate: String,
    pub requests: u64,
    pub window: String,
    pub shares: Vec<ClassShare>,
    pub sources: Vec<SourceBadge>,
    /// Why there are no numbers yet, when there aren't.
    pub waiting: Option<String>,
}

/// A source's totals over the window, all routes summed (within the one source).
pub fn source_window(store: &Store, index: usize, now: Timestamp) -> WindowStats {
    let source = &store.sources[index];
    let mut out = WindowStats::default();
    if let Some(routes) = store.routes.get(&source.spec.id) {
        for r in routes.values() {
            let w = window_stats(r, source, now, store.config.window);
            out.add(&WindowStats { latency: None, ..w });
        }
    }
    out
}

/// How far a source's backfill has got, while it runs: `backfill 42%`.
pub fn backfill(s: &SourceState) -> Option<String> {
    if s.backfill_done {
        return None;
    }
    let (read, total) = s.stats.progress?;
    Some(match total {
        Some(total) if total > 0 => {
            // Floor, so that 100% means done.
            let pct = (read.min(total) as u128 * 100 / total as u128) as u64;
            format!("backfill {pct}%")
        }
        Some(_) => "backfill 0%".to_string(),
        None => format!("backfill {}B", format::count(read)),
    })
}

/// A feed's totals over the window, all routes summed: one source's, or a gateway's instances'.
pub fn feed_window(store: &Store, feed: &crate::store::Feed, now: Timestamp) -> WindowStats {
    let mut out = WindowStats::default();
    for &i in &feed.members {
        out.add(&source_window(store, i, now));
    }
    out
}

pub fn build(store: &Store, now: Timestamp) -> HeaderView {
    let totals: Vec<WindowStats> = store
        .feeds
        .iter()
        .map(|f| feed_window(store, f, now))
        .collect();
    // The headline is the busiest feed, so that two sources seeing the same traffic are not
    // added up (a gateway's instances are: they see different requests); each feed's own rate
    // is on its badge.
    let headline = totals
        .iter()
        .enumerate()
        .filter(|(i, _)| store.feeds[*i].kind != SourceKind::Check)
        .max_by(|a, b| a.1.requests.cmp(&b.1.requests).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let stats = headline.map(|i| totals[i].clone()).unwrap_or_default();
    let shares = [
        StatusClass::Success,
        StatusClass::Redirection,
        StatusClass::ClientError,
        StatusClass::ServerError,
    ]
    .into_iter()
    .map(|class| ClassShare {
        label: class.label(),
        class,
        ratio: stats.ratio(stats.class(class)),
    })
    .collect();
    let sources = store
        .feeds
        .iter()
        .zip(&totals)
        .map(|(f, w)| {
            let health = f.health(store);
            let failing = f.sources(store).find(|s| s.health == Health::Failing);
            SourceBadge {
                name: sanitize(f.id.as_str()).into_owned(),
                kind: f.kind,
                health,
                detail: match (health, failing) {
                    (Health::Pending, _) => None,
                    (Health::Failing, Some(s)) if !f.is_gateway => s.last_error.clone(),
                    (_, Some(s)) => Some(format!(
                        "{}: {}",
                        sanitize(s.spec.id.as_str()),
                        s.last_error.as_deref().unwrap_or("failing")
                    )),
                    (_, None) => Some(format::rate(w.rate_per_s)),
                },
                instances: f.is_gateway.then(|| f.instances_up(store)),
                backfill: f.sources(store).find_map(backfill),
            }
        })
        .collect();
    let reading = store.sources.iter().find_map(backfill);
    let waiting = if store.sources.is_empty() {
        Some("no sources configured".to_string())
    } else if let (None, Some(reading)) = (stats.rate_per_s, &reading) {
        Some(format!("reading logs from the start: {reading}"))
    } else if stats.rate_per_s.is_none() {
        Some(
            if store
                .sources
                .iter()
                .any(|s| s.spec.kind == SourceKind::Scrape && s.health != Health::Failing)
            {
                "waiting for a second scrape to compute rates".to_string()
            } else {
                "waiting for data".to_string()
            },
        )
    } else {
        None
    };
    HeaderView {
        demo: store.demo.clone(),
        headline_source: headline.map(|i| sanitize(store.feeds[i].id.as_str()).into_owned()),
        rate: format::rate(stats.rate_per_s),
        requests: stats.requests,
        window: format::duration(store.config.window),
        shares,
        sources,
        waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::{SourceId, SourceSpec, SourceStats};
    use crate::store::{Event, StoreConfig};

    fn log_store() -> (Store, SourceId) {
        let id = SourceId::new("log:access.log");
        let spec = SourceSpec {
            id: id.clone(),
            kind: SourceKind::Log,
            target: "access.log".into(),
        };
        (
            Store::new(StoreConfig::default(), vec![spec], Timestamp(0)),
            id,
        )
    }

    fn progress(store: &mut Store, id: &SourceId, read: u64, total: Option<u64>) {
        let stats = SourceStats {
            progress: Some((read, total)),
            ..SourceStats::default()
        };
        store.apply(
            Event::SourceOk {
                source: id.clone(),
                stats,
            },
            Timestamp(1000),
        );
    }

    #[test]
    fn backfill_progress_shows_on_the_badge_until_it_is_done() {
        let (mut store, id) = log_store();
        assert_eq!(build(&store, Timestamp(1000)).sources[0].backfill, None);
        progress(&mut store, &id, 429, Some(1000));
        let v = build(&store, Timestamp(1000));
        assert_eq!(v.sources[0].backfill.as_deref(), Some("backfill 42%"));
        assert_eq!(
            v.waiting.as_deref(),
            Some("reading logs from the start: backfill 42%")
        );
        progress(&mut store, &id, 999, Some(1000));
        let v = build(&store, Timestamp(1000));
        assert_eq!(v.sources[0].backfill.as_deref(), Some("backfill 99%"));
        progress(&mut store, &id, 12_345, None);
        let v = build(&store, Timestamp(1000));
        assert_eq!(v.sources[0].backfill.as_deref(), Some("backfill 12.3kB"));
        assert!(store.backfill_pending());
        store.apply(Event::BackfillDone { source: id }, Timestamp(1000));
        assert!(!store.backfill_pending());
        let v = build(&store, Timestamp(1000));
        assert_eq!(v.sources[0].backfill, None);
        assert_eq!(v.waiting.as_deref(), Some("waiting for data"));
    }
}
