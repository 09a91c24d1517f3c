//! 429 evidence: saturation, the headers last seen, and whether this is a quota (nothing helps
//! until the period resets) or a throttle (back off and it passes).

use std::time::Duration;

use super::format::{duration, moment, outside, percent};
use super::{EvidenceInput, EvidenceLine, Tone, Topic};
use crate::runbook::model::{RetryGuidance, Runbook};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RateLimitKind {
    Quota,
    Throttle,
}

impl RateLimitKind {
    /// The failure reason a [`crate::runbook::Query`] uses to prefer the matching variant.
    pub fn reason(self) -> &'static str {
        match self {
            RateLimitKind::Quota => "quota_exceeded",
            RateLimitKind::Throttle => "throttled",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitJudgement {
    /// `None` when the evidence cannot tell.
    pub kind: Option<RateLimitKind>,
    /// What the judgement rests on, for the reader.
    pub basis: String,
}

/// A wait this long or longer is a quota period, not a throttle window: throttles refill in
/// seconds, quotas reset per hour, day or month.
pub const QUOTA_MIN_WAIT: Duration = Duration::from_secs(10 * 60);

pub fn judge_rate_limit(input: &EvidenceInput) -> RateLimitJudgement {
    if let Some(kind) = input.gateway_error_type.as_deref() {
        let upper = kind.to_ascii_uppercase();
        let named = outside(kind, 32);
        if upper.contains("QUOTA") {
            return judged(RateLimitKind::Quota, format!("the gateway says {named}"));
        }
        if upper.contains("THROTTL") || upper == "RL" {
            return judged(RateLimitKind::Throttle, format!("the gateway says {named}"));
        }
    }
    let seen = input.last_rate_limit.as_ref();
    let retry_after = seen.and_then(|s| s.retry_after);
    let reset = seen.and_then(|s| s.reset);
    if let Some(wait) = retry_after.or(reset) {
        let what = if retry_after.is_some() {
            "Retry-After"
        } else {
            "reset in"
        };
        let kind = if wait >= QUOTA_MIN_WAIT {
            RateLimitKind::Quota
        } else {
            RateLimitKind::Throttle
        };
        return judged(kind, format!("{what} {}", duration(wait)));
    }
    if let Some(window) = seen
        .and_then(|s| s.policy.as_deref())
        .and_then(policy_window)
    {
        let kind = if window >= QUOTA_MIN_WAIT {
            RateLimitKind::Quota
        } else {
            RateLimitKind::Throttle
        };
        return judged(kind, format!("a {} policy window", duration(window)));
    }
    let basis = if seen.and_then(|s| s.remaining) == Some(0) {
        "the limit is spent, but no reset time was seen".to_string()
    } else {
        "no Retry-After or RateLimit-* seen yet; probe the route to get them".to_string()
    };
    RateLimitJudgement { kind: None, basis }
}

fn judged(kind: RateLimitKind, basis: String) -> RateLimitJudgement {
    RateLimitJudgement {
        kind: Some(kind),
        basis,
    }
}

/// The `w=` parameter of a `RateLimit-Policy` such as `100;w=3600` (first policy only).
fn policy_window(policy: &str) -> Option<Duration> {
    let first = policy.split(',').next()?;
    first.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("w") {
            v.trim().parse::<u64>().ok().map(Duration::from_secs)
        } else {
            None
        }
    })
}

pub fn lines(rb: &Runbook, input: &EvidenceInput, out: &mut Vec<EvidenceLine>) {
    if let Some(sat) = &input.rate_limit {
        let v = sat.value.clamp(0.0, 1.0);
        let tone = if v >= 0.9 {
            Tone::Crit
        } else if v >= 0.7 {
            Tone::Warn
        } else {
            Tone::Ok
        };
        let text = format!(
            "Rate-limit saturation {} (from {})",
            percent(v),
            outside(&sat.signal, 40)
        );
        out.push(EvidenceLine::new(Topic::RateLimit, tone, text));
    }
    if let Some(seen) = &input.last_rate_limit {
        let mut parts = Vec::new();
        if let Some(d) = seen.retry_after {
            parts.push(format!("Retry-After {}", duration(d)));
        }
        if let Some(n) = seen.limit {
            parts.push(format!("limit {n}"));
        }
        if let Some(n) = seen.remaining {
            parts.push(format!("remaining {n}"));
        }
        if let Some(d) = seen.reset {
            parts.push(format!("reset {}", duration(d)));
        }
        if let Some(p) = &seen.policy {
            parts.push(format!("policy {}", outside(p, 30)));
        }
        if !parts.is_empty() {
            let when = seen
                .at
                .map(|at| format!(" at {}", moment(at, input.now)))
                .unwrap_or_default();
            let text = format!("Last seen{when}: {}", parts.join(" · "));
            out.push(EvidenceLine::new(Topic::RateLimit, Tone::Info, text));
        }
    }
    let judgement = judge_rate_limit(input);
    let (tone, text) = match judgement.kind {
        Some(RateLimitKind::Quota) => (
            Tone::Crit,
            format!(
                "Looks like a quota ({}): retries fail until it resets",
                judgement.basis
            ),
        ),
        Some(RateLimitKind::Throttle) => (
            Tone::Warn,
            format!(
                "Looks like a throttle ({}): back off and retry",
                judgement.basis
            ),
        ),
        None => (
            Tone::Info,
            format!("Quota or throttle? {}", judgement.basis),
        ),
    };
    out.push(EvidenceLine::new(Topic::RateLimit, tone, text));
    let mismatch = match (judgement.kind, rb.retry) {
        (Some(RateLimitKind::Throttle), RetryGuidance::AfterReset) => {
            Some("This runbook is for quotas, but the evidence points at a throttle")
        }
        (Some(RateLimitKind::Quota), RetryGuidance::WithBackoff | RetryGuidance::UsuallyHelps) => {
            Some("This runbook is for throttling, but the evidence points at a quota")
        }
        _ => None,
    };
    if let Some(text) = mismatch {
        out.push(EvidenceLine::new(
            Topic::RateLimit,
            Tone::Warn,
            text.to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::evidence::RateLimitSeen;

    fn seen(retry_after: Option<u64>, reset: Option<u64>, policy: Option<&str>) -> EvidenceInput {
        EvidenceInput {
            last_rate_limit: Some(RateLimitSeen {
                retry_after: retry_after.map(Duration::from_secs),
                reset: reset.map(Duration::from_secs),
                policy: policy.map(str::to_string),
                ..RateLimitSeen::default()
            }),
            ..EvidenceInput::default()
        }
    }

    #[test]
    fn judgement_table() {
        let aws = |t: &str| EvidenceInput {
            gateway_error_type: Some(t.into()),
            ..EvidenceInput::default()
        };
        let cases = [
            (aws("QUOTA_EXCEEDED"), Some(RateLimitKind::Quota)),
            (aws("THROTTLED"), Some(RateLimitKind::Throttle)),
            (seen(Some(2), None, None), Some(RateLimitKind::Throttle)),
            (seen(Some(6 * 3600), None, None), Some(RateLimitKind::Quota)),
            (seen(None, Some(599), None), Some(RateLimitKind::Throttle)),
            (seen(None, Some(600), None), Some(RateLimitKind::Quota)),
            (
                seen(None, None, Some("1000;w=86400")),
                Some(RateLimitKind::Quota),
            ),
            (
                seen(None, None, Some("10;w=1, 1000;w=86400")),
                Some(RateLimitKind::Throttle),
            ),
            (seen(None, None, Some("garbage")), None),
            (EvidenceInput::default(), None),
        ];
        for (input, want) in cases {
            assert_eq!(judge_rate_limit(&input).kind, want, "{input:?}");
        }
    }
}
