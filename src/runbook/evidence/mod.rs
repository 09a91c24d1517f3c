//! PURE evidence: lines under a runbook, computed from what the dashboard sees for the
//! selected route, so the runbook speaks of this incident and not of incidents in general.
//!
//! The caller fills an [`EvidenceInput`]; [`evidence`] picks the lines that fit the runbook:
//! traffic share and who made the responses (every code runbook), quota-or-throttle (429),
//! p99 against the gateway timeout (504, timeouts, 499), connect-failing checks (502, 503,
//! connect, dns), the known-good credential check (401), and when a 5xx burst began and which
//! other routes it hit (5xx).

mod burst;
mod checks;
mod format;
mod input;
mod latency;
mod rate_limit;
mod traffic;

pub use burst::{burst_start, BURST_ALWAYS_RATIO, BURST_MIN_RATIO};
pub use input::{
    CheckSeen, EvidenceInput, GatewayTimeout, RateLimitSeen, RatioPoint, RouteHits, Saturation,
    StatusCount,
};
pub use latency::{timeout_for, KNOWN_DEFAULT_TIMEOUTS_MS};
pub use rate_limit::{judge_rate_limit, RateLimitJudgement, RateLimitKind, QUOTA_MIN_WAIT};
pub use traffic::MIN_REQUESTS_FOR_RATIO;

use super::model::Runbook;
use crate::model::status::StatusClass;

/// How a line should read at a glance (symbols and styles come from the widget).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    Info,
    Ok,
    Warn,
    Crit,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Info => "info",
            Tone::Ok => "ok",
            Tone::Warn => "warn",
            Tone::Crit => "crit",
        }
    }
}

/// What a line is about.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    Traffic,
    RateLimit,
    Latency,
    Checks,
    Credentials,
    Burst,
    Spread,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Traffic => "traffic",
            Topic::RateLimit => "rate_limit",
            Topic::Latency => "latency",
            Topic::Checks => "checks",
            Topic::Credentials => "credentials",
            Topic::Burst => "burst",
            Topic::Spread => "spread",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceLine {
    pub topic: Topic,
    pub tone: Tone,
    /// One sentence; outside strings in it are already sanitised.
    pub text: String,
}

impl EvidenceLine {
    pub fn new(topic: Topic, tone: Tone, text: String) -> Self {
        EvidenceLine { topic, tone, text }
    }
}

/// The evidence lines for `runbook` given what the dashboard knows. Empty when it knows
/// nothing relevant.
pub fn evidence(runbook: &Runbook, input: &EvidenceInput) -> Vec<EvidenceLine> {
    let mut out = Vec::new();
    traffic::lines(runbook, input, &mut out);
    let claims_any = |reasons: &[&str]| reasons.iter().any(|r| runbook.claims_reason(r));
    if runbook.claims_code(429) || claims_any(&["quota_exceeded", "throttled"]) {
        rate_limit::lines(runbook, input, &mut out);
    }
    if runbook.claims_code(504) || claims_any(&["timeout_headers", "timeout_body"]) {
        latency::lines(input, false, &mut out);
    } else if runbook.claims_code(499) {
        latency::lines(input, true, &mut out);
    }
    if runbook.claims_code(502)
        || runbook.claims_code(503)
        || claims_any(&["connect_refused", "connect_timeout", "dns"])
    {
        checks::connect_lines(input, &mut out);
    }
    if runbook.claims_code(401) {
        checks::credential_lines(input, &mut out);
    }
    if runbook.codes.iter().any(|c| *c >= 500)
        || runbook.classes.contains(&StatusClass::ServerError)
    {
        burst::lines(input, &mut out);
    }
    out
}

/// The failure reason that picks the right 429 runbook (`quota_exceeded` or `throttled`) when
/// the evidence can tell; set it as [`crate::runbook::Query::reason`] for a 429.
pub fn rate_limit_reason(input: &EvidenceInput) -> Option<&'static str> {
    judge_rate_limit(input).kind.map(RateLimitKind::reason)
}
