//! PURE: the demo's incident loop and what each route answers at a given moment.
//!
//! Time is passed in; randomness comes from a [`DemoRng`] the caller owns, so the same seed and
//! the same timestamps give the same story. The loop: a short healthy lead-in, then five
//! incidents in a fixed order, each followed by a healthy gap, repeated forever.

use std::time::Duration;

use super::rng::DemoRng;
use super::routes::{route_index, RouteIdx, ROUTES};
use crate::model::time::Timestamp;

/// The first incident starts this long after startup, so a watcher sees one soon.
pub const LEAD_IN: Duration = Duration::from_secs(8);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// The payments upstream is down: Kong answers 502 (and 503 once health checks trip).
    UpstreamDown,
    /// A client floods search; Kong's rate-limiting plugin answers 429.
    RateLimitBurst,
    /// A signing-key rotation expires tokens; the jwt plugin answers 401.
    ExpiredTokens,
    /// The reports upstream slows down until requests hit its read timeout: 504.
    LatencyClimb,
    /// A bad route change strips the wrong path prefix; the catalog upstream answers 404.
    BadRoute,
}

impl IncidentKind {
    /// The loop order.
    pub const ALL: [IncidentKind; 5] = [
        IncidentKind::UpstreamDown,
        IncidentKind::RateLimitBurst,
        IncidentKind::ExpiredTokens,
        IncidentKind::LatencyClimb,
        IncidentKind::BadRoute,
    ];

    /// Kong route name of the route that suffers most.
    pub fn route_name(self) -> &'static str {
        match self {
            IncidentKind::UpstreamDown => "payments-create",
            IncidentKind::RateLimitBurst => "search-query",
            IncidentKind::ExpiredTokens => "users-get",
            IncidentKind::LatencyClimb => "reports-get",
            IncidentKind::BadRoute => "catalog-list",
        }
    }

    pub fn route(self) -> RouteIdx {
        route_index(self.route_name()).unwrap_or(0)
    }

    /// The status that dominates the incident route.
    pub fn status(self) -> u16 {
        match self {
            IncidentKind::UpstreamDown => 502,
            IncidentKind::RateLimitBurst => 429,
            IncidentKind::ExpiredTokens => 401,
            IncidentKind::LatencyClimb => 504,
            IncidentKind::BadRoute => 404,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            IncidentKind::UpstreamDown => "502 storm: payments upstream down",
            IncidentKind::RateLimitBurst => "429 burst: search rate limit exceeded",
            IncidentKind::ExpiredTokens => "401 wave: expired tokens after key rotation",
            IncidentKind::LatencyClimb => "latency climb on reports, ending in 504s",
            IncidentKind::BadRoute => "404 spike: catalog route strips the wrong path",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            IncidentKind::UpstreamDown => "upstream-down",
            IncidentKind::RateLimitBurst => "rate-limit-burst",
            IncidentKind::ExpiredTokens => "expired-tokens",
            IncidentKind::LatencyClimb => "latency-climb",
            IncidentKind::BadRoute => "bad-route",
        }
    }

    pub fn from_slug(s: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// What the header shows about the running incident.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentInfo {
    pub kind: IncidentKind,
    pub title: &'static str,
    pub service: &'static str,
    pub route: &'static str,
    pub status: u16,
    pub started_at: Timestamp,
    pub ends_at: Timestamp,
}

/// Where the loop is at one instant.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Baseline,
    Incident {
        kind: IncidentKind,
        started_at: Timestamp,
        ends_at: Timestamp,
        /// 0 at the start, 1 at the end.
        progress: f64,
    },
}

/// A phase set from outside (tests, and anyone who wants to show one incident on demand).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum ForcedPhase {
    Baseline,
    /// `progress` in 0..=1; 0.5 is the plateau of every incident, 0.85 the worst of the climb.
    Incident {
        kind: IncidentKind,
        progress: f64,
    },
}

impl Phase {
    pub fn forced(f: ForcedPhase, now: Timestamp) -> Phase {
        match f {
            ForcedPhase::Baseline => Phase::Baseline,
            ForcedPhase::Incident { kind, progress } => {
                let progress = progress.clamp(0.0, 1.0);
                let len_ms = 60_000.0;
                let started_at = Timestamp(now.0 - (progress * len_ms) as i64);
                Phase::Incident {
                    kind,
                    started_at,
                    ends_at: Timestamp(started_at.0 + len_ms as i64),
                    progress,
                }
            }
        }
    }

    pub fn incident(&self) -> Option<IncidentInfo> {
        match *self {
            Phase::Baseline => None,
            Phase::Incident {
                kind,
                started_at,
                ends_at,
                ..
            } => {
                let route = &ROUTES[kind.route()];
                Some(IncidentInfo {
                    kind,
                    title: kind.title(),
                    service: route.service,
                    route: route.name,
                    status: kind.status(),
                    started_at,
                    ends_at,
                })
            }
        }
    }

    /// 0 at an incident's start, 1 at its end; 0 at baseline.
    pub fn progress(&self) -> f64 {
        match *self {
            Phase::Baseline => 0.0,
            Phase::Incident { progress, .. } => progress,
        }
    }

    /// How strongly the incident is felt: ramps up over the first 15 %, holds, and eases off
    /// over the last 10 %.
    pub fn intensity(&self) -> f64 {
        match *self {
            Phase::Baseline => 0.0,
            Phase::Incident { progress, .. } => (progress / 0.15)
                .min((1.0 - progress) / 0.10)
                .clamp(0.0, 1.0),
        }
    }

    pub fn kind(&self) -> Option<IncidentKind> {
        match *self {
            Phase::Baseline => None,
            Phase::Incident { kind, .. } => Some(kind),
        }
    }
}

/// One incident slot of the loop and the healthy gap after it.
#[derive(Clone, Debug, PartialEq)]
struct Slot {
    kind: IncidentKind,
    length_ms: i64,
    gap_after_ms: i64,
}

/// The incident timeline for one run.
#[derive(Clone, Debug)]
pub struct Scenario {
    started_at: Timestamp,
    slots: Vec<Slot>,
    cycle_ms: i64,
}

impl Scenario {
    /// Incident lengths (40–60 s) and gaps (20–30 s) are drawn once from the seed.
    pub fn new(seed: u64, started_at: Timestamp) -> Scenario {
        let mut rng = DemoRng::derive(seed, 0x5CE7_A210);
        let slots: Vec<Slot> = IncidentKind::ALL
            .into_iter()
            .map(|kind| Slot {
                kind,
                length_ms: 40_000 + rng.below(20_001) as i64,
                gap_after_ms: 20_000 + rng.below(10_001) as i64,
            })
            .collect();
        let cycle_ms = slots.iter().map(|s| s.length_ms + s.gap_after_ms).sum();
        Scenario {
            started_at,
            slots,
            cycle_ms,
        }
    }

    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    /// Length of one full loop through all incidents.
    pub fn cycle(&self) -> Duration {
        Duration::from_millis(self.cycle_ms as u64)
    }

    pub fn phase_at(&self, now: Timestamp) -> Phase {
        let lead = LEAD_IN.as_millis() as i64;
        let elapsed = now.0 - self.started_at.0;
        if elapsed < lead || self.cycle_ms <= 0 {
            return Phase::Baseline;
        }
        let since_loop = elapsed - lead;
        let cycle_start =
            self.started_at.0 + lead + since_loop.div_euclid(self.cycle_ms) * self.cycle_ms;
        let mut offset = since_loop.rem_euclid(self.cycle_ms);
        let mut slot_start = cycle_start;
        for slot in &self.slots {
            if offset < slot.length_ms {
                return Phase::Incident {
                    kind: slot.kind,
                    started_at: Timestamp(slot_start),
                    ends_at: Timestamp(slot_start + slot.length_ms),
                    progress: offset as f64 / slot.length_ms as f64,
                };
            }
            offset -= slot.length_ms;
            slot_start += slot.length_ms;
            if offset < slot.gap_after_ms {
                return Phase::Baseline;
            }
            offset -= slot.gap_after_ms;
            slot_start += slot.gap_after_ms;
        }
        Phase::Baseline
    }

    /// When the next incident begins, seen from `now` (the running one is not "next").
    pub fn next_incident_after(&self, now: Timestamp) -> (IncidentKind, Timestamp) {
        // Step through the timeline a slot boundary at a time; at most one loop is needed.
        let mut t = now;
        let in_incident = matches!(self.phase_at(now), Phase::Incident { .. });
        for _ in 0..(2 * self.slots.len() + 2) {
            match self.phase_at(t) {
                Phase::Incident {
                    kind,
                    started_at,
                    ends_at,
                    ..
                } => {
                    if !in_incident || started_at > now {
                        return (kind, started_at.max(now));
                    }
                    t = ends_at;
                }
                Phase::Baseline => t = self.baseline_end(t),
            }
        }
        (IncidentKind::ALL[0], now)
    }

    fn baseline_end(&self, t: Timestamp) -> Timestamp {
        // Baselines are at least a second long; stepping by 1 s finds the end within 30 steps.
        let mut probe = t;
        for _ in 0..40 {
            probe = probe.plus(Duration::from_secs(1));
            if let Phase::Incident { started_at, .. } = self.phase_at(probe) {
                return started_at;
            }
        }
        probe
    }
}
