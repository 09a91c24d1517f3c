//! What the dashboard knows about the selected route, handed to [`super::evidence`].
//!
//! Every field is optional: `None` (or an empty list where noted) means "not known", and the
//! lines that need it are left out rather than guessed. Strings from outside (route names,
//! check names, reasons, signal names, header values) are sanitised when the lines are built.

use std::time::Duration;

use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvidenceInput {
    /// The moment the evidence describes, for "4m ago". Without it, times are shown absolute.
    pub now: Option<Timestamp>,
    /// The selected route, as the dashboard names it.
    pub route: Option<String>,
    /// The gateway preset of the route's source (`haproxy`, `aws`, `nginx-vts` …): selects the
    /// known default timeout and gateway-specific caveats.
    pub preset: Option<String>,
    /// The window the counts cover ("in the last 5m").
    pub window: Option<Duration>,
    /// All requests on the route in the window; when `None`, the sum of `by_status` is used.
    pub requests: Option<u64>,
    /// The route's responses in the window by status and by who made them. Empty = unknown.
    pub by_status: Vec<StatusCount>,
    /// Share (0..=1) of the route's requests that had the selected error, oldest first, one
    /// point per resolution step. Empty = unknown.
    pub error_ratio: Vec<RatioPoint>,
    /// When the store already knows when the current burst began; overrides detection from
    /// `error_ratio`.
    pub burst_started_at: Option<Timestamp>,
    /// Other routes that had the same error in the window. `None` = not looked up;
    /// `Some(empty)` = no other route had it.
    pub other_routes: Option<Vec<RouteHits>>,
    /// The route's p99 latency in the window.
    pub latency_p99_ms: Option<f64>,
    /// The gateway timeout for this route from config; without it a known default for the
    /// preset is assumed (and said to be assumed).
    pub gateway_timeout: Option<GatewayTimeout>,
    /// Rate-limit saturation of the route and the signal it came from.
    pub rate_limit: Option<Saturation>,
    /// The rate-limit headers last seen on this route (from a check, a probe or a log).
    pub last_rate_limit: Option<RateLimitSeen>,
    /// The gateway's own name for the error, where its logs carry one: AWS
    /// `$context.error.responseType` (`THROTTLED`, `QUOTA_EXCEEDED`), Envoy response flags.
    pub gateway_error_type: Option<String>,
    /// The latest result of each check that belongs to this route. `None` = not looked up;
    /// `Some(empty)` = no check covers the route.
    pub checks: Option<Vec<CheckSeen>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCount {
    pub status: Status,
    pub responder: Responder,
    pub count: u64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatioPoint {
    pub at: Timestamp,
    /// 0..=1; NaN points are ignored.
    pub ratio: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteHits {
    pub route: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GatewayTimeout {
    pub ms: f64,
    /// Where the number comes from, for the reader: `config`, `timeout server in haproxy.cfg`.
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Saturation {
    /// 0..=1 of the limit in use.
    pub value: f64,
    /// What the number came from: `envoy local rate limit`, `haproxy stick table`,
    /// `429 share (gateway-made)`.
    pub signal: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimitSeen {
    pub at: Option<Timestamp>,
    /// `Retry-After`, as a delay.
    pub retry_after: Option<Duration>,
    /// `RateLimit-Limit` / `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `RateLimit-Remaining` / `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `RateLimit-Reset` / `X-RateLimit-Reset`, as a delay from `at`.
    pub reset: Option<Duration>,
    /// `RateLimit-Policy` as sent, e.g. `100;w=60`.
    pub policy: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckSeen {
    pub name: String,
    /// The check's last run passed (degraded counts as passed).
    pub ok: bool,
    /// The failure reason of the last run when it failed: `connect_refused`, `http_status` …
    pub reason: Option<String>,
    /// The status of the last run, when a response came back.
    pub status: Option<u16>,
    /// The check sends credentials known to be valid (a canary token), so its result tells
    /// the gateway's auth apart from the callers' credentials.
    pub known_good_credentials: bool,
}
