//! PURE: rate-limit response headers → limit / remaining / reset and a saturation.
//!
//! Three families are understood, the most specific one winning when several are present:
//! 1. the structured IETF fields (`RateLimit-Policy: "burst";q=100;w=60` and
//!    `RateLimit: "burst";r=12;t=30`), newer drafts;
//! 2. the older IETF drafts' `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
//!    (delta seconds), with `RateLimit-Policy: 100;w=60` giving the window;
//! 3. the de-facto `X-RateLimit-Limit/Remaining/Reset` (also `X-Rate-Limit-*`, and Kong's
//!    per-window `X-RateLimit-Remaining-Minute`); a reset larger than 10⁹ is an epoch time.
//!
//! `Retry-After` (delay seconds or an HTTP-date) is read alongside any of them. When several
//! policies or windows are reported, the most saturated one is kept.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;

use super::time::Timestamp;

mod fields;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitFamily {
    /// `RateLimit` + `RateLimit-Policy` structured fields.
    IetfStructured,
    /// `RateLimit-Limit` / `-Remaining` / `-Reset`.
    IetfLegacy,
    /// `X-RateLimit-*`.
    XRateLimit,
    /// Only `Retry-After` was present.
    RetryAfter,
}

impl RateLimitFamily {
    pub fn label(self) -> &'static str {
        match self {
            RateLimitFamily::IetfStructured => "RateLimit",
            RateLimitFamily::IetfLegacy => "RateLimit-*",
            RateLimitFamily::XRateLimit => "X-RateLimit-*",
            RateLimitFamily::RetryAfter => "Retry-After",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RateLimit {
    pub family: Option<RateLimitFamily>,
    /// The policy's name (structured fields) or the window word (`minute` for Kong).
    pub policy: Option<String>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Seconds until the quota resets, relative to when the response was read.
    pub reset_secs: Option<u64>,
    pub window_secs: Option<u64>,
    pub retry_after_secs: Option<u64>,
}

impl RateLimit {
    /// How much of the quota is used, 0..=1, when both limit and remaining are known.
    pub fn saturation(&self) -> Option<f64> {
        match (self.limit, self.remaining) {
            (Some(limit), Some(rem)) if limit > 0 => {
                Some((1.0 - rem.min(limit) as f64 / limit as f64).clamp(0.0, 1.0))
            }
            (_, Some(0)) => Some(1.0),
            _ => None,
        }
    }

    /// `12/100 left (X-RateLimit-*, minute), resets in 30s, retry after 30s`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.remaining, self.limit) {
            (Some(r), Some(l)) => parts.push(format!("{r}/{l} left")),
            (Some(r), None) => parts.push(format!("{r} left")),
            (None, Some(l)) => parts.push(format!("limit {l}")),
            (None, None) => {}
        }
        let mut src = self
            .family
            .map(|f| f.label().to_string())
            .unwrap_or_default();
        if let Some(p) = &self.policy {
            src = format!("{src}, {p}");
        }
        if !src.is_empty() {
            parts.push(format!("({src})"));
        }
        if let Some(w) = self.window_secs {
            parts.push(format!("per {w}s"));
        }
        if let Some(r) = self.reset_secs {
            parts.push(format!("resets in {r}s"));
        }
        if let Some(r) = self.retry_after_secs {
            parts.push(format!("retry after {r}s"));
        }
        parts.join(" ")
    }
}

/// Parses whatever rate-limit headers are present. `now` resolves HTTP-dates and epoch resets.
/// `None` when there are none.
pub fn parse<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    now: Timestamp,
) -> Option<RateLimit> {
    let mut structured_policy = None;
    let mut structured = None;
    let mut legacy = Legacy::default();
    let mut x = XRateLimit::default();
    let mut retry_after = None;
    for (name, value) in headers {
        let lower = name.trim().to_ascii_lowercase();
        let value = value.trim();
        match lower.as_str() {
            "retry-after" => retry_after = parse_retry_after(value, now),
            "ratelimit" => structured = Some(value),
            "ratelimit-policy" => structured_policy = Some(value),
            "ratelimit-limit" => legacy.limit = fields::first_integer(value),
            "ratelimit-remaining" => legacy.remaining = fields::first_integer(value),
            "ratelimit-reset" => legacy.reset = fields::first_integer(value),
            _ => x.offer(&lower, value),
        }
    }
    let mut best = if let Some(state) = structured {
        fields::structured(state, structured_policy)
    } else if legacy.limit.is_some() || legacy.remaining.is_some() {
        let window = structured_policy.and_then(fields::legacy_policy_window);
        Some(RateLimit {
            family: Some(RateLimitFamily::IetfLegacy),
            limit: legacy.limit,
            remaining: legacy.remaining,
            reset_secs: legacy.reset,
            window_secs: window,
            ..RateLimit::default()
        })
    } else {
        x.best(now)
    };
    if let Some(secs) = retry_after {
        let rl = best.get_or_insert_with(|| RateLimit {
            family: Some(RateLimitFamily::RetryAfter),
            ..RateLimit::default()
        });
        rl.retry_after_secs = Some(secs);
    }
    best
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → seconds from `now`
/// (zero for a date in the past).
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let ms = at.duration_since(UNIX_EPOCH).ok()?.as_millis() as i64;
    Some(Timestamp(ms).since(now).as_secs())
}

#[derive(Default)]
struct Legacy {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset: Option<u64>,
}

/// X-RateLimit headers grouped by their window suffix (`""` for none, `minute` for Kong's).
#[derive(Default)]
struct XRateLimit {
    windows: Vec<(String, Legacy)>,
}

impl XRateLimit {
    fn offer(&mut self, lower: &str, value: &str) {
        let Some(rest) = lower
            .strip_prefix("x-ratelimit-")
            .or_else(|| lower.strip_prefix("x-rate-limit-"))
        else {
            return;
        };
        let (field, window) = match rest.split_once('-') {
            Some((f, w)) => (f, w),
            None => (rest, ""),
        };
        let slot = match self.windows.iter().position(|(w, _)| w == window) {
            Some(i) => &mut self.windows[i].1,
            None => {
                self.windows.push((window.to_string(), Legacy::default()));
                &mut self.windows.last_mut().expect("just pushed").1
            }
        };
        let n = fields::first_integer(value);
        match field {
            "limit" => slot.limit = n,
            "remaining" => slot.remaining = n,
            "reset" => slot.reset = n,
            _ => {}
        }
    }

    fn best(self, now: Timestamp) -> Option<RateLimit> {
        self.windows
            .into_iter()
            .filter(|(_, l)| l.limit.is_some() || l.remaining.is_some())
            .map(|(window, l)| RateLimit {
                family: Some(RateLimitFamily::XRateLimit),
                window_secs: window_secs(&window),
                policy: (!window.is_empty()).then_some(window),
                limit: l.limit,
                remaining: l.remaining,
                reset_secs: l.reset.map(|r| reset_relative(r, now)),
                retry_after_secs: None,
            })
            .max_by(|a, b| {
                let sa = a.saturation().unwrap_or(-1.0);
                let sb = b.saturation().unwrap_or(-1.0);
                sa.total_cmp(&sb)
            })
    }
}

/// A reset above 10⁹ is a Unix time in seconds (GitHub style); otherwise delta seconds.
fn reset_relative(reset: u64, now: Timestamp) -> u64 {
    if reset >= 1_000_000_000 {
        let at = Timestamp((reset as i64).saturating_mul(1000));
        at.since(now).as_secs()
    } else {
        reset
    }
}

fn window_secs(word: &str) -> Option<u64> {
    let d = match word {
        "second" => Duration::from_secs(1),
        "minute" => Duration::from_secs(60),
        "hour" => Duration::from_secs(3600),
        "day" => Duration::from_secs(86_400),
        "month" => Duration::from_secs(30 * 86_400),
        "year" => Duration::from_secs(365 * 86_400),
        _ => return None,
    };
    Some(d.as_secs())
}

#[cfg(test)]
mod tests;
