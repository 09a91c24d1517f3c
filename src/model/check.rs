//! PURE: what one synthetic check (or ad-hoc probe) found: its state, the failure reason from a
//! closed set, per-phase timings and the parts of the response an on-call engineer looks at.
//!
//! The assertions that grade a response live in [`assert`]; the `[[checks]]` configuration
//! schema in [`config`].

pub mod assert;
pub mod config;
pub mod probe_request;
pub mod response;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::cors::{CorsRule, CorsVerdict};
use super::route::RouteKey;
use super::time::Timestamp;

pub use assert::{evaluate, Expectations, Observed, StatusExpectation, Verdict};
pub use config::{CheckConfig, ConfigError, ProbeConfig};
pub use response::{headers_that_matter, ResponseSummary};

/// Three states, worst last (so `max()` over several results is the overall state).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckState {
    Ok,
    /// Every assertion held but the answer was slower than `degraded_after` (or a CORS answer
    /// works but is fragile). Passes unless `--strict`.
    Degraded,
    Failed,
}

impl CheckState {
    pub fn label(self) -> &'static str {
        match self {
            CheckState::Ok => "ok",
            CheckState::Degraded => "degraded",
            CheckState::Failed => "failed",
        }
    }

    /// A symbol readable without colour (NO_COLOR, monochrome themes).
    pub fn symbol(self) -> &'static str {
        match self {
            CheckState::Ok => "✓",
            CheckState::Degraded => "▲",
            CheckState::Failed => "✗",
        }
    }
}

/// Where in the exchange something happened.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Dns,
    Connect,
    Tls,
    /// Request sent, waiting for the status line and headers.
    Headers,
    Body,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Dns => "dns",
            Phase::Connect => "connect",
            Phase::Tls => "tls handshake",
            Phase::Headers => "waiting for headers",
            Phase::Body => "reading the body",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsFailure {
    /// The handshake failed for a reason other than the certificate (alert, protocol, timeout).
    Handshake,
    Expired,
    NameMismatch,
    /// The chain does not lead to a trusted root (self-signed, private CA not configured).
    Untrusted,
}

/// Why a check failed (or degraded). A closed set: every failure names one of these, never a
/// bare "error". `detail` strings are already sanitised and redacted by whoever built them.
#[derive(Clone, Debug, PartialEq)]
pub enum FailureReason {
    Dns {
        detail: String,
    },
    ConnectRefused,
    ConnectTimeout,
    /// Connect failed otherwise (network or host unreachable).
    ConnectFailed {
        detail: String,
    },
    Tls {
        failure: TlsFailure,
        detail: String,
    },
    HeadersTimeout,
    BodyTimeout,
    /// The peer closed or reset the connection before the response was complete.
    ConnectionReset {
        phase: Phase,
    },
    /// The peer answered something that is not HTTP/1.x.
    BadResponse {
        detail: String,
    },
    HttpStatus {
        status: u16,
        expected: String,
    },
    /// A configured assertion did not hold: which one, and what was seen.
    Assertion {
        assertion: String,
        detail: String,
    },
    /// A CORS preflight answer a browser would reject (or, degraded, one that is fragile).
    Cors {
        rule: CorsRule,
        detail: String,
    },
    RedirectLoop {
        hops: u32,
        location: String,
    },
}

impl FailureReason {
    /// The stable machine-readable code (JSON `reason`, runbook matching). Families share a
    /// prefix: `tls_*`, `connect_*`, `timeout_*`.
    pub fn code(&self) -> &'static str {
        match self {
            FailureReason::Dns { .. } => "dns",
            FailureReason::ConnectRefused => "connect_refused",
            FailureReason::ConnectTimeout => "connect_timeout",
            FailureReason::ConnectFailed { .. } => "connect_failed",
            FailureReason::Tls { failure, .. } => match failure {
                TlsFailure::Handshake => "tls_handshake",
                TlsFailure::Expired => "tls_expired",
                TlsFailure::NameMismatch => "tls_name_mismatch",
                TlsFailure::Untrusted => "tls_untrusted",
            },
            FailureReason::HeadersTimeout => "timeout_headers",
            FailureReason::BodyTimeout => "timeout_body",
            FailureReason::ConnectionReset { .. } => "connection_reset",
            FailureReason::BadResponse { .. } => "bad_response",
            FailureReason::HttpStatus { .. } => "http_status",
            FailureReason::Assertion { .. } => "assertion",
            FailureReason::Cors { .. } => "cors",
            FailureReason::RedirectLoop { .. } => "redirect_loop",
        }
    }

    /// Every code, for documentation and exhaustiveness tests.
    pub const CODES: &'static [&'static str] = &[
        "dns",
        "connect_refused",
        "connect_timeout",
        "connect_failed",
        "tls_handshake",
        "tls_expired",
        "tls_name_mismatch",
        "tls_untrusted",
        "timeout_headers",
        "timeout_body",
        "connection_reset",
        "bad_response",
        "http_status",
        "assertion",
        "cors",
        "redirect_loop",
    ];
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Dns { detail } => write!(f, "dns: {detail}"),
            FailureReason::ConnectRefused => f.write_str("connection refused"),
            FailureReason::ConnectTimeout => f.write_str("connect timed out"),
            FailureReason::ConnectFailed { detail } => write!(f, "connect failed: {detail}"),
            FailureReason::Tls { failure, detail } => {
                let what = match failure {
                    TlsFailure::Handshake => "tls handshake failed",
                    TlsFailure::Expired => "tls certificate expired",
                    TlsFailure::NameMismatch => "tls certificate name mismatch",
                    TlsFailure::Untrusted => "tls certificate not trusted",
                };
                if detail.is_empty() {
                    f.write_str(what)
                } else {
                    write!(f, "{what}: {detail}")
                }
            }
            FailureReason::HeadersTimeout => f.write_str("timed out waiting for headers"),
            FailureReason::BodyTimeout => f.write_str("timed out reading the body"),
            FailureReason::ConnectionReset { phase } => {
                write!(f, "connection closed by peer while {}", phase.label())
            }
            FailureReason::BadResponse { detail } => write!(f, "not an HTTP response: {detail}"),
            FailureReason::HttpStatus { status, expected } => {
                write!(f, "status {status}, expected {expected}")
            }
            FailureReason::Assertion { assertion, detail } => {
                write!(f, "assertion {assertion} failed: {detail}")
            }
            FailureReason::Cors { rule, detail } => write!(f, "cors {}: {detail}", rule.code()),
            FailureReason::RedirectLoop { hops, location } => {
                write!(f, "redirect loop after {hops} hops (at {location})")
            }
        }
    }
}

/// Per-phase durations of the final request. Each is the phase's own length, not a running
/// total; a phase that did not happen (no DNS for an IP literal, no TLS for http) is `None`.
/// `total` covers the whole exchange, redirects included.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct PhaseTimings {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
    /// Request written → status line and headers parsed (the upstream's think time).
    pub ttfb: Option<Duration>,
    pub total: Duration,
}

/// [`PhaseTimings`] in milliseconds with 0.1 ms resolution, as JSON shows them.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct PhasesMs {
    pub dns: Option<f64>,
    pub connect: Option<f64>,
    pub tls: Option<f64>,
    pub ttfb: Option<f64>,
    pub total: f64,
}

pub fn duration_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

impl PhaseTimings {
    pub fn ms(&self) -> PhasesMs {
        PhasesMs {
            dns: self.dns.map(duration_ms),
            connect: self.connect.map(duration_ms),
            tls: self.tls.map(duration_ms),
            ttfb: self.ttfb.map(duration_ms),
            total: duration_ms(self.total),
        }
    }

    /// `dns 1.2 · connect 0.3 · tls 12.0 · ttfb 80.1 · total 95.0 ms`; absent phases are left out.
    pub fn line(&self) -> String {
        let ms = self.ms();
        let mut parts = Vec::with_capacity(5);
        for (name, v) in [
            ("dns", ms.dns),
            ("connect", ms.connect),
            ("tls", ms.tls),
            ("ttfb", ms.ttfb),
        ] {
            if let Some(v) = v {
                parts.push(format!("{name} {v:.1}"));
            }
        }
        parts.push(format!("total {:.1} ms", ms.total));
        parts.join(" · ")
    }
}

/// One run of one check or probe, graded.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub name: Arc<str>,
    /// The dashboard route this check belongs to, so its result sits next to the route's metrics.
    pub route: Option<RouteKey>,
    pub method: String,
    /// Redacted for display (no userinfo, no query secrets).
    pub url: String,
    /// When the request started.
    pub at: Timestamp,
    pub state: CheckState,
    /// `Some` whenever `state` is not `Ok`.
    pub reason: Option<FailureReason>,
    /// `None` when no response arrived (dns, connect, tls, timeouts before headers).
    pub response: Option<ResponseSummary>,
    pub phases: PhaseTimings,
    /// Redirects followed before the final answer.
    pub redirects: u32,
    pub cors: Option<CorsVerdict>,
}

impl CheckResult {
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    pub fn passed(&self, strict: bool) -> bool {
        match self.state {
            CheckState::Ok => true,
            CheckState::Degraded => !strict,
            CheckState::Failed => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_reason() -> Vec<FailureReason> {
        vec![
            FailureReason::Dns { detail: "x".into() },
            FailureReason::ConnectRefused,
            FailureReason::ConnectTimeout,
            FailureReason::ConnectFailed { detail: "x".into() },
            FailureReason::Tls {
                failure: TlsFailure::Handshake,
                detail: String::new(),
            },
            FailureReason::Tls {
                failure: TlsFailure::Expired,
                detail: String::new(),
            },
            FailureReason::Tls {
                failure: TlsFailure::NameMismatch,
                detail: String::new(),
            },
            FailureReason::Tls {
                failure: TlsFailure::Untrusted,
                detail: String::new(),
            },
            FailureReason::HeadersTimeout,
            FailureReason::BodyTimeout,
            FailureReason::ConnectionReset {
                phase: Phase::Headers,
            },
            FailureReason::BadResponse { detail: "x".into() },
            FailureReason::HttpStatus {
                status: 500,
                expected: "2xx".into(),
            },
            FailureReason::Assertion {
                assertion: "a".into(),
                detail: "b".into(),
            },
            FailureReason::Cors {
                rule: CorsRule::AllowOrigin,
                detail: "x".into(),
            },
            FailureReason::RedirectLoop {
                hops: 3,
                location: "/a".into(),
            },
        ]
    }

    #[test]
    fn codes_are_listed_unique_and_never_bare_error() {
        let reasons = every_reason();
        assert_eq!(reasons.len(), FailureReason::CODES.len());
        for (i, r) in reasons.iter().enumerate() {
            assert_eq!(r.code(), FailureReason::CODES[i]);
            assert!(!r.to_string().is_empty() && r.to_string() != "error");
        }
        for (i, c) in FailureReason::CODES.iter().enumerate() {
            assert!(!FailureReason::CODES[i + 1..].contains(c), "{c} twice");
        }
    }

    #[test]
    fn phases_render_in_ms_and_skip_absent_ones() {
        let p = PhaseTimings {
            dns: None,
            connect: Some(Duration::from_micros(1_250)),
            tls: None,
            ttfb: Some(Duration::from_millis(80)),
            total: Duration::from_micros(95_040),
        };
        assert_eq!(p.line(), "connect 1.3 · ttfb 80.0 · total 95.0 ms");
        assert_eq!(p.ms().connect, Some(1.3));
        assert_eq!(p.ms().dns, None);
    }

    #[test]
    fn states_order_worst_last() {
        assert!(CheckState::Failed > CheckState::Degraded);
        assert!(CheckState::Degraded > CheckState::Ok);
        assert_eq!(
            [CheckState::Ok, CheckState::Failed, CheckState::Degraded]
                .into_iter()
                .max(),
            Some(CheckState::Failed)
        );
    }
}
