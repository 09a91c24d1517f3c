//! The runbook pane for the selected route: the runbook of its dominant error (left/right cycle
//! through its other error codes), filled with the route, and evidence computed from the store.

use std::time::Duration;

use crate::model::status::Status;
use crate::model::time::Timestamp;
use crate::runbook::evidence::{
    CheckSeen, RateLimitSeen, RatioPoint, RouteHits, Saturation, StatusCount,
};
use crate::runbook::selection::{error_statuses, route_query};
use crate::runbook::{
    compose, evidence, Catalog, EvidenceInput, FillContext, StyledLine, ViewOptions,
};
use crate::sanitize::sanitize;
use crate::store::ranking::RankedRow;
use crate::store::ring::class_slot;
use crate::store::Store;

#[derive(Clone, Debug, PartialEq)]
pub struct RunbookPaneView {
    /// `502 (3 of 4)`: the error the runbook is for, and where it is among the route's errors.
    pub title: String,
    pub lines: Vec<StyledLine>,
    pub scroll: usize,
}

/// The evidence the store holds about `row` and one of its error statuses.
pub fn evidence_input(
    store: &Store,
    row: &RankedRow,
    status: Status,
    now: Timestamp,
) -> EvidenceInput {
    let feed = store.feed(&row.primary);
    let stats = feed.and_then(|f| f.route_stats(store, &row.key));
    let mut input = EvidenceInput {
        now: Some(now),
        route: Some(sanitize(&row.key.to_string()).into_owned()),
        window: Some(store.config.window),
        ..EvidenceInput::default()
    };
    if let Some(f) = feed {
        if f.kind == crate::model::source::SourceKind::Scrape {
            input.preset = f.sources(store).find_map(|s| s.stats.detected.clone());
        }
    }
    let (Some(feed), Some(stats)) = (feed, stats) else {
        return input;
    };
    // Per-status counts are kept since start; say so through `window: None`.
    input.window = None;
    input.requests = Some(stats.total_requests());
    input.by_status = stats
        .totals
        .iter()
        .map(|(&(status, responder), &count)| StatusCount {
            status,
            responder,
            count,
        })
        .collect();
    let window = store.config.window;
    input.error_ratio = stats
        .history
        .range(now.minus(window), now)
        .filter(|b| b.requests > 0)
        .map(|b| {
            let part = match status {
                Status::Code(429) => b.rate_limited,
                s => b.by_class[class_slot(s.class())],
            };
            RatioPoint {
                at: Timestamp(b.index * stats.history.resolution_ms()),
                ratio: part as f64 / b.requests as f64,
            }
        })
        .collect();
    // The same status on the feed's other routes, summed over a gateway's instances.
    let mut hits: std::collections::BTreeMap<&crate::model::route::RouteKey, u64> =
        std::collections::BTreeMap::new();
    for src in feed.sources(store) {
        let Some(map) = store.routes.get(&src.spec.id) else {
            continue;
        };
        for (k, s) in map.iter().filter(|(k, _)| *k != &row.key) {
            let n: u64 = s
                .totals
                .iter()
                .filter(|((st, _), _)| *st == status)
                .map(|(_, n)| n)
                .sum();
            if n > 0 {
                *hits.entry(k).or_default() += n;
            }
        }
    }
    let mut others: Vec<RouteHits> = hits
        .into_iter()
        .map(|(k, count)| RouteHits {
            route: sanitize(&k.to_string()).into_owned(),
            count,
        })
        .collect();
    others.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.route.cmp(&b.route)));
    others.truncate(5);
    input.other_routes = Some(others);
    if let Some(w) = feed.window_over(store, &row.key, now, window) {
        input.latency_p99_ms = w.latency.as_ref().and_then(|h| h.quantile(0.99));
    }
    input.rate_limit = stats.saturation.as_ref().map(|(_, s)| Saturation {
        value: s.value,
        signal: sanitize(&s.signal).into_owned(),
    });
    let checks: Vec<_> = store.checks.for_route(&row.key).collect();
    input.last_rate_limit = checks.iter().find_map(|c| {
        let rl = c.rate_limit()?;
        Some(RateLimitSeen {
            at: c.last_response.as_ref().map(|(at, _)| *at),
            retry_after: rl.retry_after_secs.map(Duration::from_secs),
            limit: rl.limit,
            remaining: rl.remaining,
            reset: rl.reset_secs.map(Duration::from_secs),
            policy: rl.policy.clone(),
        })
    });
    input.checks = Some(
        checks
            .iter()
            .map(|c| CheckSeen {
                name: sanitize(&c.last.name).into_owned(),
                ok: c.last.passed(false),
                reason: c.last.reason.as_ref().map(|r| r.code().to_string()),
                status: c.last.status(),
                known_good_credentials: false,
            })
            .collect(),
    );
    input
}

pub fn build(
    store: &Store,
    row: &RankedRow,
    now: Timestamp,
    catalog: &Catalog,
    base_url: Option<&str>,
) -> RunbookPaneView {
    let stats = store
        .feed(&row.primary)
        .and_then(|f| f.route_stats(store, &row.key));
    let counts: Vec<StatusCount> = stats
        .as_ref()
        .map(|s| {
            s.totals
                .iter()
                .map(|(&(status, responder), &count)| StatusCount {
                    status,
                    responder,
                    count,
                })
                .collect()
        })
        .unwrap_or_default();
    let errors = error_statuses(&counts);
    let Some(&(status, _)) = errors.get(store.ui.runbook_choice % errors.len().max(1)) else {
        return RunbookPaneView {
            title: "runbook".into(),
            lines: vec![StyledLine::new(
                0,
                vec![crate::runbook::StyledSpan::new(
                    "No errors on this route: nothing to look up.",
                    crate::runbook::Role::Muted,
                )],
            )],
            scroll: 0,
        };
    };
    let input = evidence_input(store, row, status, now);
    let query = route_query(status, &input);
    let title = format!(
        "runbook · {status}{}",
        if errors.len() > 1 {
            format!(
                " ({} of {}, ←/→)",
                store.ui.runbook_choice % errors.len() + 1,
                errors.len()
            )
        } else {
            String::new()
        }
    );
    let Some(found) = catalog.best(&query) else {
        return RunbookPaneView {
            title,
            lines: vec![StyledLine::new(
                0,
                vec![crate::runbook::StyledSpan::new(
                    format!("No runbook matches {status}."),
                    crate::runbook::Role::Muted,
                )],
            )],
            scroll: 0,
        };
    };
    let ev = evidence(found.runbook, &input);
    let ctx = FillContext {
        route: Some(row.key.route.to_string()).filter(|r| r.starts_with('/')),
        method: row.key.method.as_ref().map(|m| m.to_string()),
        base_url: base_url.map(str::to_string),
        request_id: stats.as_ref().and_then(|s| {
            s.errors
                .iter()
                .rev()
                .find(|e| e.status == status)
                .and_then(|e| e.request_id.as_ref().map(|r| r.to_string()))
        }),
        ..FillContext::default()
    };
    let opts = ViewOptions {
        preset: input.preset.as_deref(),
        all_gateway_notes: false,
    };
    RunbookPaneView {
        title,
        lines: compose(found.runbook, &ctx, &ev, &opts),
        scroll: store.ui.runbook_scroll,
    }
}
