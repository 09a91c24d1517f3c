//! PURE: the display-safe summary of a response: status, the headers that matter during an
//! incident, a short body preview, parsed rate-limit headers and the certificate's expiry.

use crate::model::ratelimit::{self, RateLimit};
use crate::model::time::Timestamp;
use crate::redact;
use crate::sanitize::sanitize;

/// How much of the body a preview shows, in characters.
pub const BODY_PREVIEW_CHARS: usize = 240;

/// Response headers worth showing: request ids, rate limiting, CORS, who answered, where a
/// redirect goes. Matched on the lower-case name.
pub fn header_matters(lower: &str) -> bool {
    const EXACT: &[&str] = &[
        "x-request-id",
        "x-amzn-requestid",
        "x-amz-request-id",
        "x-amz-cf-id",
        "x-amzn-errortype",
        "x-kong-request-id",
        "x-kong-upstream-latency",
        "x-kong-proxy-latency",
        "x-correlation-id",
        "request-id",
        "x-envoy-upstream-service-time",
        "x-envoy-ratelimited",
        "traceparent",
        "retry-after",
        "x-retry-in",
        "server",
        "via",
        "location",
        "content-type",
        "www-authenticate",
        "vary",
    ];
    EXACT.contains(&lower)
        || lower.starts_with("ratelimit")
        || lower.starts_with("x-ratelimit-")
        || lower.starts_with("x-rate-limit-")
        || lower.starts_with("access-control-")
}

/// The headers that matter, in the order received, names lower-cased, values sanitised,
/// secrets redacted and any value this process sent (`known_secrets`) scrubbed.
pub fn headers_that_matter(
    headers: &[(String, String)],
    known_secrets: &[&str],
) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let lower = name.to_ascii_lowercase();
            if !header_matters(&lower) {
                return None;
            }
            let shown = display_value(&lower, value, known_secrets);
            Some((sanitize(&lower).into_owned(), shown))
        })
        .collect()
}

/// A header value made safe to show: sanitised, redacted when secret, known secrets scrubbed.
pub fn display_value(name: &str, value: &str, known_secrets: &[&str]) -> String {
    let clean = sanitize(value);
    let redacted = redact::header_value(name, &clean);
    redact::scrub(&redacted, known_secrets).into_owned()
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResponseSummary {
    pub status: u16,
    /// `HTTP/1.1`.
    pub version: String,
    pub headers: Vec<(String, String)>,
    /// The first [`BODY_PREVIEW_CHARS`] characters of the body, sanitised and scrubbed.
    pub body_preview: String,
    /// Bytes of body read (up to the read limit).
    pub body_bytes: usize,
    /// The body was longer than the read limit.
    pub body_truncated: bool,
    pub rate_limit: Option<RateLimit>,
    /// The leaf certificate's `notAfter`, for https.
    pub cert_not_after: Option<Timestamp>,
}

/// What the HTTP layer read, before it is summarised.
#[derive(Clone, Copy, Debug)]
pub struct RawResponse<'a> {
    pub status: u16,
    pub version: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub body_truncated: bool,
    pub cert_not_after: Option<Timestamp>,
}

impl ResponseSummary {
    pub fn build(raw: RawResponse<'_>, known_secrets: &[&str], now: Timestamp) -> Self {
        let head = &raw.body[..raw.body.len().min(BODY_PREVIEW_CHARS * 4)];
        let text = String::from_utf8_lossy(head);
        let clean = sanitize(&text);
        let scrubbed = redact::scrub(&clean, known_secrets);
        let mut body_preview: String = scrubbed.chars().take(BODY_PREVIEW_CHARS).collect();
        if scrubbed.chars().count() > BODY_PREVIEW_CHARS || raw.body.len() > head.len() {
            body_preview.push('…');
        }
        ResponseSummary {
            status: raw.status,
            version: raw.version.to_string(),
            headers: headers_that_matter(raw.headers, known_secrets),
            body_preview,
            body_bytes: raw.body.len(),
            body_truncated: raw.body_truncated,
            rate_limit: ratelimit::parse(
                raw.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                now,
            ),
            cert_not_after: raw.cert_not_after,
        }
    }

    /// The first shown header with this (lower-case) name.
    pub fn header(&self, lower: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == lower)
            .map(|(_, v)| v.as_str())
    }

    /// The request id the gateway or upstream put on the answer, if any.
    pub fn request_id(&self) -> Option<&str> {
        [
            "x-request-id",
            "x-amzn-requestid",
            "x-amz-request-id",
            "x-kong-request-id",
            "x-correlation-id",
            "request-id",
        ]
        .iter()
        .find_map(|n| self.header(n))
    }

    /// Whole days until the certificate expires (negative when already expired).
    pub fn cert_days_left(&self, now: Timestamp) -> Option<i64> {
        self.cert_not_after
            .map(|t| (t.millis() - now.millis()).div_euclid(86_400_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn keeps_only_headers_that_matter_made_safe() {
        let raw = h(&[
            ("X-Request-Id", "abc-123"),
            ("Content-Length", "12"),
            ("Set-Cookie", "session=deadbeefcafebabe"),
            ("Retry-After", "30"),
            ("RateLimit-Policy", "\"default\";q=100;w=60"),
            ("X-RateLimit-Remaining-Minute", "0"),
            ("Access-Control-Allow-Origin", "*"),
            ("Server", "evil\x1b]0;title\x07nginx"),
            ("Date", "Tue, 01 Dec 2026 10:00:00 GMT"),
        ]);
        let got = headers_that_matter(&raw, &[]);
        let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "x-request-id",
                "retry-after",
                "ratelimit-policy",
                "x-ratelimit-remaining-minute",
                "access-control-allow-origin",
                "server"
            ]
        );
        assert_eq!(got[5].1, "evilnginx");
    }

    #[test]
    fn preview_is_sanitised_scrubbed_and_cut() {
        let body = format!(
            "{{\"echo\":\"Bearer tok-1234567890\"}}\x1b[2J{}",
            "x".repeat(400)
        );
        let raw = RawResponse {
            status: 200,
            version: "HTTP/1.1",
            headers: &[],
            body: body.as_bytes(),
            body_truncated: false,
            cert_not_after: Some(Timestamp(10 * 86_400_000 + 5)),
        };
        let s = ResponseSummary::build(raw, &["Bearer tok-1234567890"], Timestamp(0));
        assert!(!s.body_preview.contains("tok-1234567890"));
        assert!(s.body_preview.contains("Bearer tok…(redacted)"));
        assert!(!s.body_preview.contains('\x1b'));
        assert!(s.body_preview.ends_with('…'));
        assert_eq!(s.body_preview.chars().count(), BODY_PREVIEW_CHARS + 1);
        assert_eq!(s.cert_days_left(Timestamp(0)), Some(10));
        assert_eq!(s.cert_days_left(Timestamp(11 * 86_400_000)), Some(-1));
    }

    #[test]
    fn finds_the_request_id_of_any_gateway() {
        let raw = h(&[("X-Kong-Request-Id", "k-9"), ("Via", "kong/3.4")]);
        let resp = RawResponse {
            status: 502,
            version: "HTTP/1.1",
            headers: &raw,
            body: b"",
            body_truncated: false,
            cert_not_after: None,
        };
        let s = ResponseSummary::build(resp, &[], Timestamp(0));
        assert_eq!(s.request_id(), Some("k-9"));
        assert_eq!(s.header("via"), Some("kong/3.4"));
    }
}
