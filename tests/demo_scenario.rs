//! The demo's incident loop, driven by passing timestamps: deterministic, in order, soon after
//! startup, and each incident shows up on the right route with the right status.

use std::collections::BTreeMap;
use std::time::Duration;

use gatewatch::demo::outcome::Origin;
use gatewatch::demo::routes::ROUTES;
use gatewatch::demo::scenario::{ForcedPhase, IncidentKind, Phase, Scenario, LEAD_IN};
use gatewatch::demo::traffic::{DemoRequest, TrafficGenerator};
use gatewatch::model::time::Timestamp;

const START: Timestamp = Timestamp(1_764_626_841_000);

/// Requests generated over `[from, to)` in 100 ms batches, as the running demo does.
fn traffic(
    seed: u64,
    from: Timestamp,
    to: Timestamp,
    forced: Option<ForcedPhase>,
) -> Vec<DemoRequest> {
    let mut generator = TrafficGenerator::new(Scenario::new(seed, START), seed, 300);
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let next = t.plus(Duration::from_millis(100)).min(to);
        generator.generate(t, next, forced, &mut out);
        t = next;
    }
    out
}

#[derive(Default, Debug)]
struct Tally {
    total: u64,
    by_status: BTreeMap<u16, u64>,
}

impl Tally {
    fn share(&self, pred: impl Fn(u16) -> bool) -> f64 {
        let n: u64 = self
            .by_status
            .iter()
            .filter(|(s, _)| pred(**s))
            .map(|(_, n)| n)
            .sum();
        n as f64 / self.total.max(1) as f64
    }

    fn dominant(&self) -> Option<u16> {
        self.by_status
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(s, _)| *s)
    }
}

fn per_route(reqs: &[DemoRequest]) -> BTreeMap<&'static str, Tally> {
    let mut out: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for r in reqs {
        if let Some(i) = r.route {
            let t = out.entry(ROUTES[i].name).or_default();
            t.total += 1;
            *t.by_status.entry(r.outcome.status).or_insert(0) += 1;
        }
    }
    out
}

/// (kind, start, end) of each incident in the first `n` seconds, found by stepping through time.
fn incidents(s: &Scenario, seconds: i64) -> Vec<(IncidentKind, Timestamp, Timestamp)> {
    let mut out: Vec<(IncidentKind, Timestamp, Timestamp)> = Vec::new();
    for sec in 0..seconds {
        let t = Timestamp(START.0 + sec * 1000);
        if let Phase::Incident {
            kind,
            started_at,
            ends_at,
            ..
        } = s.phase_at(t)
        {
            if out.last().is_none_or(|l| l.1 != started_at) {
                out.push((kind, started_at, ends_at));
            }
        }
    }
    out
}

#[test]
fn incidents_come_in_order_soon_and_loop() {
    let s = Scenario::new(42, START);
    let found = incidents(&s, 2 * s.cycle().as_secs() as i64 + 20);
    assert!(found.len() >= 10, "two loops: {}", found.len());
    for (i, (kind, start, end)) in found.iter().enumerate() {
        assert_eq!(*kind, IncidentKind::ALL[i % 5], "incident #{i}");
        let len = end.since(*start);
        assert!(
            (Duration::from_secs(40)..=Duration::from_secs(60)).contains(&len),
            "{kind:?} lasts {len:?}"
        );
        if let Some((_, next_start, _)) = found.get(i + 1) {
            let gap = next_start.since(*end);
            assert!(
                (Duration::from_secs(20)..=Duration::from_secs(30)).contains(&gap),
                "gap {gap:?}"
            );
        }
    }
    assert_eq!(found[0].1, START.plus(LEAD_IN));
    assert!(LEAD_IN <= Duration::from_secs(10));
    assert_eq!(s.phase_at(START), Phase::Baseline);
    // The second loop repeats the first, one cycle later.
    assert_eq!(found[5].1, found[0].1.plus(s.cycle()));
}

#[test]
fn same_seed_same_story_and_traffic() {
    let a = Scenario::new(9, START);
    let b = Scenario::new(9, START);
    for sec in (0..600).step_by(7) {
        let t = Timestamp(START.0 + sec * 1000);
        assert_eq!(a.phase_at(t), b.phase_at(t));
    }
    let to = START.plus(Duration::from_secs(20));
    assert_eq!(traffic(9, START, to, None), traffic(9, START, to, None));
    let lengths = |s: &Scenario| {
        incidents(s, 400)
            .iter()
            .map(|(_, a, b)| b.since(*a))
            .collect::<Vec<_>>()
    };
    assert_ne!(
        lengths(&Scenario::new(9, START)),
        lengths(&Scenario::new(10, START))
    );
}

#[test]
fn next_incident_is_announced() {
    let s = Scenario::new(5, START);
    let found = incidents(&s, 300);
    assert_eq!(
        s.next_incident_after(START),
        (IncidentKind::UpstreamDown, found[0].1)
    );
    let during_first = found[0].1.plus(Duration::from_secs(5));
    assert_eq!(
        s.next_incident_after(during_first),
        (found[1].0, found[1].1)
    );
    let in_gap = found[1].2.plus(Duration::from_secs(1));
    assert_eq!(s.next_incident_after(in_gap), (found[2].0, found[2].1));
}

#[test]
fn baseline_is_healthy_with_a_little_noise() {
    let reqs = traffic(3, START, START.plus(LEAD_IN), None);
    assert!(
        (2_000..2_800).contains(&reqs.len()),
        "about 300 rps: {}",
        reqs.len()
    );
    let routes = per_route(&reqs);
    assert_eq!(routes.len(), ROUTES.len(), "every route gets traffic");
    let all = routes.values().fold(Tally::default(), |mut acc, t| {
        acc.total += t.total;
        for (s, n) in &t.by_status {
            *acc.by_status.entry(*s).or_insert(0) += n;
        }
        acc
    });
    assert!(all.share(|s| s >= 500) < 0.01, "{all:?}");
    assert!(all.share(|s| (400..500).contains(&s)) < 0.04, "{all:?}");
    assert!(all.share(|s| s < 400) > 0.95);
    assert!(
        all.by_status.keys().any(|s| *s >= 400),
        "a little noise, not a flat line"
    );
    for (name, t) in &routes {
        assert!(t.share(|s| s >= 500) < 0.03, "{name}: {t:?}");
    }
}

/// The plateau of `kind`'s first incident.
fn plateau(s: &Scenario, kind: IncidentKind, from: f64, to: f64) -> (Timestamp, Timestamp) {
    let (_, start, end) = incidents(s, 400)
        .into_iter()
        .find(|(k, _, _)| *k == kind)
        .expect("incident in the first loop");
    let len = (end.0 - start.0) as f64;
    (
        Timestamp(start.0 + (len * from) as i64),
        Timestamp(start.0 + (len * to) as i64),
    )
}

#[test]
fn each_incident_hits_its_route_with_its_status() {
    let s = Scenario::new(3, START);
    for kind in IncidentKind::ALL {
        // The latency climb only turns into 504s late in the incident.
        let (from, to) = if kind == IncidentKind::LatencyClimb {
            (0.76, 0.88)
        } else {
            (0.3, 0.8)
        };
        let (a, b) = plateau(&s, kind, from, to);
        let reqs = traffic(3, a, b, None);
        let routes = per_route(&reqs);
        let hit = &routes[kind.route_name()];
        assert_eq!(hit.dominant(), Some(kind.status()), "{kind:?}: {hit:?}");
        let wanted = if kind == IncidentKind::UpstreamDown {
            |s| s >= 500
        } else {
            |s: u16| s >= 400
        };
        assert!(hit.share(wanted) > 0.5, "{kind:?}: {hit:?}");
        for (name, t) in &routes {
            if *name != kind.route_name() {
                assert!(
                    t.share(|s| s >= 500) < 0.03,
                    "{kind:?} spills 5xx onto {name}: {t:?}"
                );
            }
        }
        let info = s.phase_at(a).incident().expect("incident info");
        assert_eq!(
            (info.kind, info.route, info.status),
            (kind, kind.route_name(), kind.status())
        );
    }
}

#[test]
fn gateway_made_answers_are_source_kong() {
    let s = Scenario::new(3, START);
    for (kind, origin) in [
        (IncidentKind::RateLimitBurst, Origin::Kong),
        (IncidentKind::ExpiredTokens, Origin::Kong),
        (IncidentKind::UpstreamDown, Origin::Kong),
        (IncidentKind::BadRoute, Origin::Service),
    ] {
        let (a, b) = plateau(&s, kind, 0.3, 0.6);
        let reqs = traffic(3, a, b, None);
        let with_status: Vec<_> = reqs
            .iter()
            .filter(|r| r.route == Some(kind.route()) && r.outcome.status == kind.status())
            .collect();
        assert!(!with_status.is_empty(), "{kind:?}");
        assert!(
            with_status.iter().all(|r| r.outcome.origin == origin),
            "{kind:?}"
        );
        if origin == Origin::Kong && kind != IncidentKind::UpstreamDown {
            assert!(
                with_status.iter().all(|r| r.outcome.upstream_ms.is_none()),
                "never proxied"
            );
        }
    }
}

#[test]
fn latency_climbs_before_the_504s() {
    let s = Scenario::new(3, START);
    let route = IncidentKind::LatencyClimb.route();
    let median_ms = |from: f64, to: f64| {
        let (a, b) = plateau(&s, IncidentKind::LatencyClimb, from, to);
        let mut ms: Vec<u32> = traffic(3, a, b, None)
            .iter()
            .filter(|r| r.route == Some(route))
            .map(|r| r.outcome.request_ms())
            .collect();
        ms.sort_unstable();
        ms[ms.len() / 2]
    };
    let early = median_ms(0.0, 0.15);
    let middle = median_ms(0.4, 0.55);
    let late = median_ms(0.76, 0.88);
    assert!(
        early < middle && middle < late,
        "{early} < {middle} < {late}"
    );
    let timeout = ROUTES[route].read_timeout_ms;
    assert!(
        late >= timeout,
        "the worst phase sits at the read timeout: {late}"
    );
    // Latencies stay bounded by the timeout (plus Kong's few ms).
    let (a, b) = plateau(&s, IncidentKind::LatencyClimb, 0.0, 1.0);
    assert!(traffic(3, a, b, None)
        .iter()
        .all(|r| r.outcome.request_ms() <= timeout + 20 || r.route != Some(route)));
}

#[test]
fn rate_limit_burst_comes_from_one_client() {
    let reqs = traffic(
        3,
        START,
        START.plus(Duration::from_secs(5)),
        Some(ForcedPhase::Incident {
            kind: IncidentKind::RateLimitBurst,
            progress: 0.5,
        }),
    );
    let limited: Vec<_> = reqs.iter().filter(|r| r.outcome.status == 429).collect();
    assert!(limited.len() > 100);
    let top = limited
        .iter()
        .filter(|r| r.client_ip == "198.51.100.23")
        .count();
    assert!(
        top * 10 >= limited.len() * 8,
        "most 429s go to the scraper: {top}/{}",
        limited.len()
    );
}

#[test]
fn forced_phase_overrides_the_loop() {
    let reqs = traffic(
        4,
        START,
        START.plus(Duration::from_secs(3)),
        Some(ForcedPhase::Incident {
            kind: IncidentKind::BadRoute,
            progress: 0.5,
        }),
    );
    let routes = per_route(&reqs);
    assert_eq!(routes["catalog-list"].dominant(), Some(404));
    let calm = traffic(
        4,
        START,
        START.plus(Duration::from_secs(3)),
        Some(ForcedPhase::Baseline),
    );
    assert_eq!(per_route(&calm)["catalog-list"].dominant(), Some(200));
}
