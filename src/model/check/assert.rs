//! PURE: the assertions a check makes about a response, and grading a response against them.
//! All must hold; the first that does not is the failure reason. Latency grades last: an
//! answer slower than `fail_after` fails, one slower than `degraded_after` is degraded.

use std::fmt;
use std::time::Duration;

use regex::Regex;

use super::response::display_value;
use super::{CheckState, FailureReason};
use crate::model::status::{Status, StatusClass};
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;

/// Accepted statuses: exact codes and/or classes. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusExpectation(pub Vec<Status>);

impl StatusExpectation {
    /// What a scheduled check expects unless told: `2xx`.
    pub fn success() -> Self {
        StatusExpectation(vec![Status::Class(StatusClass::Success)])
    }

    /// What a probe counts as an answer that works: `2xx` or `3xx`.
    pub fn success_or_redirect() -> Self {
        StatusExpectation(vec![
            Status::Class(StatusClass::Success),
            Status::Class(StatusClass::Redirection),
        ])
    }

    pub fn matches(&self, code: u16) -> bool {
        self.0.iter().any(|s| match s {
            Status::Code(c) => *c == code,
            Status::Class(class) => StatusClass::of_code(code) == *class,
        })
    }
}

impl Default for StatusExpectation {
    fn default() -> Self {
        StatusExpectation::success()
    }
}

impl fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|s| s.to_string()).collect();
        f.write_str(&parts.join(" or "))
    }
}

#[derive(Clone, Debug)]
pub enum HeaderCheck {
    Present,
    Equals(String),
    Matches(Regex),
}

#[derive(Clone, Debug)]
pub struct HeaderAssertion {
    /// Lower-case.
    pub name: String,
    pub check: HeaderCheck,
}

#[derive(Clone, Debug)]
pub enum BodyAssertion {
    Contains(String),
    Matches(Regex),
}

#[derive(Clone, Debug)]
pub struct JsonAssertion {
    /// RFC 6901: `/data/0/status`.
    pub pointer: String,
    pub equals: serde_json::Value,
}

#[derive(Clone, Debug, Default)]
pub struct Expectations {
    pub status: StatusExpectation,
    pub degraded_after: Option<Duration>,
    pub fail_after: Option<Duration>,
    pub headers: Vec<HeaderAssertion>,
    pub body: Vec<BodyAssertion>,
    pub json: Vec<JsonAssertion>,
    /// The leaf certificate must stay valid for at least this many days.
    pub cert_valid_days: Option<u32>,
}

/// What the HTTP layer saw, borrowed for grading.
#[derive(Clone, Copy, Debug)]
pub struct Observed<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    /// As much of the body as was read.
    pub body: &'a [u8],
    /// The whole exchange.
    pub latency: Duration,
    pub cert_not_after: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub state: CheckState,
    pub reason: Option<FailureReason>,
}

impl Verdict {
    fn failed(assertion: String, detail: String) -> Self {
        Verdict {
            state: CheckState::Failed,
            reason: Some(FailureReason::Assertion { assertion, detail }),
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    let clean = sanitize(s);
    if clean.chars().count() <= max {
        clean.into_owned()
    } else {
        let mut out: String = clean.chars().take(max).collect();
        out.push('…');
        out
    }
}

fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn header_label(a: &HeaderAssertion) -> String {
    match &a.check {
        HeaderCheck::Present => format!("header {} present", a.name),
        HeaderCheck::Equals(v) => format!("header {} == {:?}", a.name, shorten(v, 60)),
        HeaderCheck::Matches(re) => format!("header {} ~ /{}/", a.name, re.as_str()),
    }
}

fn check_header(a: &HeaderAssertion, headers: &[(String, String)]) -> Option<Verdict> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(&a.name))
        .map(|(_, v)| v.as_str())
        .collect();
    let Some(first) = values.first() else {
        return Some(Verdict::failed(header_label(a), "header absent".into()));
    };
    let ok = match &a.check {
        HeaderCheck::Present => true,
        HeaderCheck::Equals(want) => values.iter().any(|v| v.trim() == want),
        HeaderCheck::Matches(re) => values.iter().any(|v| re.is_match(v)),
    };
    (!ok).then(|| {
        let shown = display_value(&a.name, first, &[]);
        Verdict::failed(header_label(a), format!("was {:?}", shorten(&shown, 80)))
    })
}

fn check_body(a: &BodyAssertion, body: &[u8]) -> Option<Verdict> {
    let text = String::from_utf8_lossy(body);
    let (label, ok) = match a {
        BodyAssertion::Contains(s) => (
            format!("body contains {:?}", shorten(s, 60)),
            text.contains(s.as_str()),
        ),
        BodyAssertion::Matches(re) => (format!("body ~ /{}/", re.as_str()), re.is_match(&text)),
    };
    (!ok).then(|| {
        Verdict::failed(
            label,
            format!(
                "not in the {} bytes read: {:?}",
                body.len(),
                shorten(&text, 60)
            ),
        )
    })
}

fn check_json(a: &JsonAssertion, parsed: &Result<serde_json::Value, String>) -> Option<Verdict> {
    let label = format!(
        "json {} == {}",
        a.pointer,
        shorten(&a.equals.to_string(), 60)
    );
    match parsed {
        Err(e) => Some(Verdict::failed(label, format!("body is not JSON: {e}"))),
        Ok(doc) => match doc.pointer(&a.pointer) {
            None => Some(Verdict::failed(label, "no value at that pointer".into())),
            Some(v) if *v == a.equals => None,
            Some(v) => Some(Verdict::failed(
                label,
                format!("was {}", shorten(&v.to_string(), 80)),
            )),
        },
    }
}

fn check_cert(days: u32, not_after: Option<Timestamp>, now: Timestamp) -> Option<Verdict> {
    let label = format!("cert valid ≥ {days} days");
    let Some(t) = not_after else {
        return Some(Verdict::failed(label, "no certificate (not https)".into()));
    };
    let left = (t.millis() - now.millis()).div_euclid(86_400_000);
    (left < i64::from(days))
        .then(|| Verdict::failed(label, format!("expires in {left} days ({})", t.rfc3339())))
}

/// Grades a response. `now` is only used for the certificate's remaining days.
pub fn evaluate(e: &Expectations, o: &Observed<'_>, now: Timestamp) -> Verdict {
    if !e.status.matches(o.status) {
        return Verdict {
            state: CheckState::Failed,
            reason: Some(FailureReason::HttpStatus {
                status: o.status,
                expected: e.status.to_string(),
            }),
        };
    }
    if let Some(v) = e.headers.iter().find_map(|a| check_header(a, o.headers)) {
        return v;
    }
    if let Some(v) = e.body.iter().find_map(|a| check_body(a, o.body)) {
        return v;
    }
    if !e.json.is_empty() {
        let parsed = serde_json::from_slice::<serde_json::Value>(o.body).map_err(|e| e.to_string());
        if let Some(v) = e.json.iter().find_map(|a| check_json(a, &parsed)) {
            return v;
        }
    }
    if let Some(v) = e
        .cert_valid_days
        .and_then(|d| check_cert(d, o.cert_not_after, now))
    {
        return v;
    }
    if let Some(limit) = e.fail_after.filter(|l| o.latency > *l) {
        return Verdict::failed(
            format!("latency ≤ {} (fail_after)", fmt_duration(limit)),
            format!("took {}", fmt_duration(o.latency)),
        );
    }
    if let Some(limit) = e.degraded_after.filter(|l| o.latency > *l) {
        return Verdict {
            state: CheckState::Degraded,
            reason: Some(FailureReason::Assertion {
                assertion: format!("latency ≤ {} (degraded_after)", fmt_duration(limit)),
                detail: format!("took {}", fmt_duration(o.latency)),
            }),
        };
    }
    Verdict {
        state: CheckState::Ok,
        reason: None,
    }
}

#[cfg(test)]
mod tests;
