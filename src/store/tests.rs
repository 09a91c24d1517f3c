//! Store behaviour: events in, state out. No async, no sleeps; time is an argument.

use std::time::Duration;

use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceKind, SourceSpec, SourceStats};
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::{RouteDelta, TrafficBatch};

use super::ranking::ranked_rows;
use super::source_state::Health;
use super::window::window_stats;
use super::{Action, Effect, Event, Store, StoreConfig};

const T0: i64 = 1_700_000_000_000;

fn spec(id: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        id: SourceId::new(id),
        kind,
        target: id.to_string(),
    }
}

fn store() -> Store {
    Store::new(
        StoreConfig::default(),
        vec![
            spec("scrape:gw", SourceKind::Scrape),
            spec("log:gw", SourceKind::Log),
        ],
        Timestamp(T0),
    )
}

fn delta(route: &str, at: i64, statuses: &[(u16, u64)]) -> RouteDelta {
    let mut d = RouteDelta::new(RouteKey::new(None, route), Timestamp(at));
    for &(code, n) in statuses {
        d.add(Status::Code(code), Responder::Upstream, n);
    }
    d
}

fn scrape(from: i64, to: i64, deltas: Vec<RouteDelta>) -> Event {
    Event::Traffic {
        source: SourceId::new("scrape:gw"),
        batch: TrafficBatch {
            deltas,
            covers: Some((Timestamp(from), Timestamp(to))),
            ..TrafficBatch::default()
        },
    }
}

#[test]
fn scrape_rates_divide_by_covered_time() {
    let mut s = store();
    let at1 = T0 + 5_000;
    let at2 = T0 + 10_000;
    s.apply(
        scrape(T0, at1, vec![delta("orders", at1, &[(200, 90), (502, 10)])]),
        Timestamp(at1),
    );
    s.apply(
        scrape(
            at1,
            at2,
            vec![delta("orders", at2, &[(200, 40), (502, 10)])],
        ),
        Timestamp(at2),
    );
    let src = &s.sources[0];
    let route = &s.routes[&src.spec.id][&RouteKey::new(None, "orders")];
    let w = window_stats(route, src, Timestamp(at2), Duration::from_secs(60));
    assert_eq!(w.requests, 150);
    assert_eq!(w.rate_per_s, Some(15.0));
    assert_eq!(w.ratio_5xx().part, 20);
    // A window that holds only the second scrape divides by its interval alone.
    let w = window_stats(route, src, Timestamp(at2), Duration::from_secs(5));
    assert_eq!(w.requests, 50);
    assert_eq!(w.rate_per_s, Some(10.0));
}

#[test]
fn no_rate_before_time_is_covered() {
    let mut s = store();
    s.apply(
        Event::SourceOk {
            source: SourceId::new("scrape:gw"),
            stats: SourceStats::default(),
        },
        Timestamp(T0),
    );
    assert_eq!(s.sources[0].health, Health::Healthy);
    assert_eq!(
        s.sources[0].covered_secs(Timestamp(T0), Duration::from_secs(60), 1000),
        None
    );
}

#[test]
fn failures_mark_one_source_and_sanitise_the_error() {
    let mut s = store();
    s.apply(
        Event::SourceFailed {
            source: SourceId::new("scrape:gw"),
            error: "connect refused \x1b[2J\x1b]0;pwned\x07".into(),
        },
        Timestamp(T0),
    );
    assert_eq!(s.sources[0].health, Health::Failing);
    assert_eq!(s.sources[0].last_error.as_deref(), Some("connect refused "));
    assert_eq!(s.sources[1].health, Health::Pending);
}

#[test]
fn sources_are_kept_apart_and_logs_rank_first() {
    let mut s = store();
    let at = T0 + 2_000;
    s.apply(
        scrape(T0, at, vec![delta("orders", at, &[(200, 10)])]),
        Timestamp(at),
    );
    s.apply(
        Event::Traffic {
            source: SourceId::new("log:gw"),
            batch: TrafficBatch {
                deltas: vec![delta("orders", at, &[(200, 7), (500, 1)])],
                ..TrafficBatch::default()
            },
        },
        Timestamp(at),
    );
    let rows = ranked_rows(&s, Timestamp(at));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].primary, SourceId::new("log:gw"));
    assert_eq!(rows[0].sources.len(), 2);
    assert_eq!(
        rows[0].stats.requests, 8,
        "numbers come from one source, never added"
    );
}

#[test]
fn ranking_puts_the_worst_route_first_and_selection_follows_it() {
    let mut s = store();
    let at = T0 + 5_000;
    s.apply(
        scrape(
            T0,
            at,
            vec![
                delta("healthy", at, &[(200, 1000)]),
                delta("broken", at, &[(200, 50), (502, 50)]),
                delta("limited", at, &[(200, 80), (429, 20)]),
                delta("tiny", at, &[(500, 1)]),
            ],
        ),
        Timestamp(at),
    );
    let names: Vec<String> = ranked_rows(&s, Timestamp(at))
        .iter()
        .map(|r| r.key.route.to_string())
        .collect();
    assert_eq!(names, ["broken", "limited", "tiny", "healthy"]);
    // The first row is selected from the start; one step down is the second.
    s.apply(Event::Action(Action::SelectNext), Timestamp(at));
    assert_eq!(s.ui.selected, Some(RouteKey::new(None, "limited")));
    // The limited route gets worse than broken: the selection stays on it.
    let at2 = at + 5_000;
    s.apply(
        scrape(at, at2, vec![delta("limited", at2, &[(502, 5000)])]),
        Timestamp(at2),
    );
    let rows = ranked_rows(&s, Timestamp(at2));
    assert_eq!(rows[0].key.route.as_ref(), "limited");
    assert_eq!(s.ui.selected_position(&rows), Some(0));
    assert_eq!(
        s.apply(Event::Action(Action::Quit), Timestamp(at2)),
        vec![Effect::Quit]
    );
}

#[test]
fn route_cap_folds_the_overflow_and_counts_what_it_hides() {
    let mut s = store();
    s.config.route_cap = 2;
    let at = T0 + 1_000;
    let deltas = (0..5)
        .map(|i| delta(&format!("r{i}"), at, &[(200, 1)]))
        .collect();
    s.apply(scrape(T0, at, deltas), Timestamp(at));
    let again = (3..6)
        .map(|i| delta(&format!("r{i}"), at, &[(200, 1)]))
        .collect();
    s.apply(scrape(T0, at, again), Timestamp(at));
    let routes = &s.routes[&SourceId::new("scrape:gw")];
    assert_eq!(routes.len(), 3, "two routes plus (other)");
    assert_eq!(routes[&RouteKey::other()].total_requests(), 6);
    assert_eq!(
        s.folded_routes[&SourceId::new("scrape:gw")].count(),
        4,
        "r2..r5 are hidden"
    );
}

#[test]
fn a_gap_is_not_a_zero() {
    let mut s = store();
    let (a, b, c) = (T0 + 5_000, T0 + 10_000, T0 + 20_000);
    s.apply(
        scrape(T0, a, vec![delta("orders", a, &[(200, 50)])]),
        Timestamp(a),
    );
    s.apply(
        Event::SourceFailed {
            source: SourceId::new("scrape:gw"),
            error: "timeout".into(),
        },
        Timestamp(b),
    );
    // The next good scrape covers the whole gap: 100 requests over 15 s.
    s.apply(
        scrape(a, c, vec![delta("orders", c, &[(200, 150)])]),
        Timestamp(c),
    );
    let src = &s.sources[0];
    let w = window_stats(
        &s.routes[&src.spec.id][&RouteKey::new(None, "orders")],
        src,
        Timestamp(c),
        Duration::from_secs(60),
    );
    assert_eq!(w.rate_per_s, Some(10.0));
}
