//! PURE: what one request to one route gets at a given phase of the scenario — status, who
//! answered (Kong or the upstream), and the latencies Kong would measure.

use super::rng::DemoRng;
use super::routes::{RouteIdx, ROUTES};
use super::scenario::{IncidentKind, Phase};
use crate::model::time::Timestamp;

/// Who produced the response: Kong's `source` label.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Kong answered itself (plugin exit, proxy error).
    Kong,
    /// The upstream service answered.
    Service,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::Kong => "kong",
            Origin::Service => "service",
        }
    }
}

/// Why a response has its status; the server picks the body and headers from it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    Ok,
    NotModified,
    UpstreamClientError,
    UpstreamServerError,
    RateLimited,
    TokenExpired,
    PayloadTooLarge,
    UpstreamConnectFailed,
    NoHealthyTarget,
    UpstreamTimeout,
    PathNotFoundUpstream,
    /// No Kong route matches the request (the router's own 404; not in the metrics).
    NoRouteMatched,
    /// A CORS preflight answered by the cors plugin.
    Preflight,
}

/// What one request to one route gets.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub origin: Origin,
    pub cause: Cause,
    /// Kong's own time (routing, plugins).
    pub kong_ms: u32,
    /// Time spent on the upstream; `None` when Kong never proxied.
    pub upstream_ms: Option<u32>,
}

impl Outcome {
    pub fn request_ms(&self) -> u32 {
        self.kong_ms + self.upstream_ms.unwrap_or(0)
    }
}

/// Relative traffic on `route` during `phase` (1.0 = baseline share).
pub fn traffic_multiplier(phase: &Phase, route: RouteIdx) -> f64 {
    match phase.kind() {
        Some(IncidentKind::RateLimitBurst) if route == IncidentKind::RateLimitBurst.route() => {
            1.0 + 3.0 * phase.intensity()
        }
        // Clients retry failed payments, so the failing route sees more requests.
        Some(IncidentKind::UpstreamDown) if route == IncidentKind::UpstreamDown.route() => {
            1.0 + 0.8 * phase.intensity()
        }
        _ => 1.0,
    }
}

/// The outcome of one request to `route` during `phase`.
pub fn outcome(phase: &Phase, route: RouteIdx, rng: &mut DemoRng) -> Outcome {
    let kong_ms = kong_latency_ms(rng);
    incident_outcome(phase, route, kong_ms, rng)
        .unwrap_or_else(|| baseline_outcome(route, kong_ms, rng))
}

/// The incident's effect on this request, or `None` when the request goes through as usual.
fn incident_outcome(
    phase: &Phase,
    route: RouteIdx,
    kong_ms: u32,
    rng: &mut DemoRng,
) -> Option<Outcome> {
    let r = &ROUTES[route];
    let i = phase.intensity();
    let kind = phase.kind()?;
    let gateway = |status, cause| Outcome {
        status,
        origin: Origin::Kong,
        cause,
        kong_ms,
        upstream_ms: None,
    };
    match kind {
        IncidentKind::UpstreamDown if route == kind.route() => rng.chance(0.93 * i).then(|| {
            // Once the health checker marks both targets down, Kong stops trying: 503.
            if phase.progress() > 0.3 && rng.chance(0.25) {
                gateway(503, Cause::NoHealthyTarget)
            } else {
                Outcome {
                    upstream_ms: Some(1 + rng.below(4) as u32),
                    ..gateway(502, Cause::UpstreamConnectFailed)
                }
            }
        }),
        IncidentKind::RateLimitBurst if route == kind.route() => {
            // The limit sits at 1.4 times the normal load; everything above it is refused.
            let offered = traffic_multiplier(phase, route);
            rng.chance((1.0 - 1.4 / offered).max(0.0))
                .then(|| gateway(429, Cause::RateLimited))
        }
        IncidentKind::ExpiredTokens if r.authenticated => {
            let share = if route == kind.route() { 0.6 } else { 0.2 };
            rng.chance(share * i)
                .then(|| gateway(401, Cause::TokenExpired))
        }
        IncidentKind::LatencyClimb if route == kind.route() => {
            let timeout = f64::from(r.read_timeout_ms);
            let median =
                r.upstream_median_ms * (1.4 * timeout / r.upstream_median_ms).powf(climb_of(phase));
            let ms = rng.log_normal(median, 0.35);
            Some(if ms >= timeout {
                Outcome {
                    upstream_ms: Some(r.read_timeout_ms),
                    ..gateway(504, Cause::UpstreamTimeout)
                }
            } else {
                upstream(200, Cause::Ok, kong_ms, ms)
            })
        }
        IncidentKind::BadRoute if route == kind.route() => rng.chance(0.88 * i).then(|| {
            let ms = rng.log_normal(4.0, 0.3);
            upstream(404, Cause::PathNotFoundUpstream, kong_ms, ms)
        }),
        _ => None,
    }
}

/// 0..1: how far the latency climb has gone; it tops out at 75 % and recovers in the last 10 %.
fn climb_of(phase: &Phase) -> f64 {
    let p = phase.progress();
    if p >= 0.9 {
        ((1.0 - p) / 0.1).clamp(0.0, 1.0)
    } else {
        (p / 0.75).min(1.0)
    }
}

fn kong_latency_ms(rng: &mut DemoRng) -> u32 {
    if rng.chance(0.02) {
        3 + rng.below(12) as u32
    } else {
        rng.below(3) as u32
    }
}

fn upstream(status: u16, cause: Cause, kong_ms: u32, ms: f64) -> Outcome {
    Outcome {
        status,
        origin: Origin::Service,
        cause,
        kong_ms,
        upstream_ms: Some(ms.round().max(1.0) as u32),
    }
}

/// Healthy traffic: mostly successes, the route's usual client errors, a rare 5xx.
fn baseline_outcome(route: RouteIdx, kong_ms: u32, rng: &mut DemoRng) -> Outcome {
    let r = &ROUTES[route];
    if r.rate_limit_per_minute.is_some() && rng.chance(0.002) {
        return Outcome {
            status: 429,
            origin: Origin::Kong,
            cause: Cause::RateLimited,
            kong_ms,
            upstream_ms: None,
        };
    }
    if r.request_body_bytes > 10_000 && rng.chance(0.004) {
        return Outcome {
            status: 413,
            origin: Origin::Kong,
            cause: Cause::PayloadTooLarge,
            kong_ms,
            upstream_ms: None,
        };
    }
    let ms = rng.log_normal(r.upstream_median_ms, 0.45);
    if rng.chance(0.0015) {
        let status = if rng.chance(0.5) { 500 } else { 503 };
        return upstream(status, Cause::UpstreamServerError, kong_ms, ms);
    }
    let x = rng.unit();
    let mut acc = 0.0;
    for &(status, share) in r.baseline_4xx {
        acc += share;
        if x < acc {
            return upstream(status, Cause::UpstreamClientError, kong_ms, ms * 0.4);
        }
    }
    if r.conditional && rng.chance(0.08) {
        return upstream(304, Cause::NotModified, kong_ms, ms * 0.3);
    }
    let status = if r.method == "POST" && r.name != "auth-login" {
        201
    } else {
        200
    };
    upstream(status, Cause::Ok, kong_ms, ms)
}

/// The rate-limiting plugin's view of a route: what its `RateLimit-*` headers say.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RateLimitState {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the current minute window resets.
    pub reset_secs: u32,
}

pub fn rate_limit_state(
    phase: &Phase,
    route: RouteIdx,
    now: Timestamp,
    limited: bool,
) -> Option<RateLimitState> {
    let limit = ROUTES[route].rate_limit_per_minute?;
    let second_of_minute = now.0.div_euclid(1000).rem_euclid(60) as u32;
    let reset_secs = 60 - second_of_minute;
    // Usage grows through the window: about 55 % of the limit by the end of a normal minute.
    let window_fraction = f64::from(second_of_minute) / 60.0;
    let load = 0.55 * traffic_multiplier(phase, route);
    let used = (load * window_fraction * f64::from(limit)).round() as u32;
    let remaining = if limited {
        0
    } else {
        limit.saturating_sub(used).max(1)
    };
    Some(RateLimitState {
        limit,
        remaining,
        reset_secs,
    })
}

/// Whether the upstream targets of `service` pass Kong's health checks.
pub fn targets_healthy(phase: &Phase, service: &str) -> bool {
    !matches!(phase.kind(), Some(IncidentKind::UpstreamDown)
        if service == ROUTES[IncidentKind::UpstreamDown.route()].service && phase.progress() > 0.3 && phase.progress() < 0.95)
}
