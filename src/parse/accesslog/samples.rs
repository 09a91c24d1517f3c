//! Recent error lines per route: a bounded ring of raw lines whose buffers are reused, turned
//! into sanitised, redacted [`ErrorSample`]s only when a batch is taken.

use std::sync::Arc;

use memchr::memchr2;

use crate::model::status::Status;
use crate::model::time::Timestamp;
use crate::model::traffic::ErrorSample;
use crate::redact;

/// Longest line kept as a sample; the rest is cut (with `…`).
pub const SAMPLE_MAX_BYTES: usize = 2048;

#[derive(Debug, Default)]
struct Slot {
    at: Timestamp,
    status: u16,
    request_id: String,
    line: Vec<u8>,
}

/// The last `capacity` error lines of one route, and how many of them are not yet taken.
#[derive(Debug, Default)]
pub struct SampleRing {
    slots: Vec<Slot>,
    next: usize,
    fresh: usize,
}

impl SampleRing {
    pub fn push(
        &mut self,
        capacity: usize,
        at: Timestamp,
        status: u16,
        id: Option<&str>,
        line: &[u8],
    ) {
        if capacity == 0 {
            return;
        }
        if self.next >= self.slots.len() && self.slots.len() < capacity {
            self.slots.push(Slot::default());
        }
        let idx = self.next.min(self.slots.len() - 1);
        let slot = &mut self.slots[idx];
        slot.at = at;
        slot.status = status;
        slot.request_id.clear();
        slot.request_id.push_str(id.unwrap_or(""));
        slot.line.clear();
        slot.line
            .extend_from_slice(&line[..line.len().min(SAMPLE_MAX_BYTES)]);
        if line.len() > SAMPLE_MAX_BYTES {
            slot.line.extend_from_slice("…".as_bytes());
        }
        self.next = (idx + 1) % capacity;
        self.fresh = (self.fresh + 1).min(self.slots.len());
    }

    pub fn has_fresh(&self) -> bool {
        self.fresh > 0
    }

    /// The samples not taken before, oldest first; they stay in the ring for reuse.
    pub fn take_fresh(&mut self) -> Vec<ErrorSample> {
        let n = self.slots.len();
        let mut out = Vec::with_capacity(self.fresh);
        for k in (0..self.fresh).rev() {
            let idx = (self.next + n - 1 - k) % n;
            let s = &self.slots[idx];
            let id = crate::sanitize::sanitize(&s.request_id).into_owned();
            out.push(ErrorSample {
                at: s.at,
                status: Status::Code(s.status),
                request_id: (!id.is_empty()).then(|| Arc::from(id)),
                line: Arc::from(display_line(&s.line)),
            });
        }
        self.fresh = 0;
        out
    }
}

/// A raw log line as it may be shown: lossy UTF-8, query secrets and secret JSON header values
/// redacted, then sanitised.
pub fn display_line(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let text = redact_json_headers(&redact_queries(&text));
    crate::sanitize::sanitize(&text).into_owned()
}

/// Redacts secret query parameters in every `…?k=v` token (tokens end at spaces and quotes).
pub fn redact_queries(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(q) = memchr::memchr(b'?', &b[from..]).map(|i| from + i) {
        let start = b[..q]
            .iter()
            .rposition(|&c| c == b' ' || c == b'"')
            .map_or(0, |i| i + 1);
        let end = b[q..]
            .iter()
            .position(|&c| c == b' ' || c == b'"')
            .map_or(b.len(), |i| q + i);
        let start = start.max(copied);
        if let (Some(head), Some(token)) = (line.get(copied..start), line.get(start..end)) {
            out.push_str(head);
            out.push_str(&redact::query(token));
            copied = end;
        }
        from = end.max(q + 1);
    }
    out.push_str(line.get(copied..).unwrap_or(""));
    out
}

/// In JSON lines: the values of secret header keys (`"Authorization":["Bearer …"]`,
/// `"X-Api-Key":"…"`) are redacted.
pub fn redact_json_headers(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    let mut redact_next: Option<bool> = None; // Some(in_array)
    while let Some(j) = memchr::memchr(b'"', &b[i..]).map(|k| i + k) {
        let Some(end) = string_end(b, j + 1) else {
            break;
        };
        let after = b[end + 1..]
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map(|k| end + 1 + k);
        let is_key = after.is_some_and(|k| b[k] == b':');
        let content = &line[j + 1..end];
        if is_key {
            redact_next = redact::is_secret_header(content).then_some(false);
        } else if redact_next.is_some() {
            out.push_str(&line[copied..j + 1]);
            out.push_str(&redact::redact_value(content));
            copied = end;
            // Inside an array every string is a value; the array ends at `]`.
            let in_array = b[..j].iter().rev().find(|c| !c.is_ascii_whitespace()) != Some(&b':');
            let next = after.map(|k| b[k]);
            redact_next = match next {
                Some(b',') if in_array || redact_next == Some(true) => Some(true),
                _ => None,
            };
        }
        i = end + 1;
    }
    out.push_str(&line[copied..]);
    out
}

fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = i + memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[j] == b'"' {
            return Some(j);
        }
        i = j + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_query_secrets_in_text_and_json_lines() {
        let text =
            r#"1.2.3.4 - - [x] "GET /v1/users/7?api_key=SECRET123&page=2 HTTP/1.1" 401 9 "-" "ua""#;
        let out = display_line(text.as_bytes());
        assert!(!out.contains("SECRET123"), "{out}");
        assert!(
            out.contains("/v1/users/7?api_key=…(redacted)&page=2 HTTP/1.1"),
            "{out}"
        );
        let json = r#"{"uri":"/v1/users/7?api_key=SECRET123\u0026x=1","status":401}"#;
        let out = display_line(json.as_bytes());
        assert!(!out.contains("SECRET123"), "{out}");
        assert!(out.ends_with(r#","status":401}"#), "{out}");
    }

    #[test]
    fn redacts_secret_headers_in_json() {
        let line = r#"{"headers":{"Authorization":["Bearer abcdefghijkl", "x"],"X-Api-Key":"k-123456789","Accept":["*/*"]},"Cookie":[]}"#;
        let out = redact_json_headers(line);
        assert!(
            !out.contains("abcdefghijkl") && !out.contains("k-123456789"),
            "{out}"
        );
        assert!(out.contains(r#""Accept":["*/*"]"#), "{out}");
        assert!(
            out.contains(r#""Authorization":["Bearer abc…(redacted)", "…(redacted)"]"#),
            "{out}"
        );
    }

    #[test]
    fn strips_escapes_and_keeps_invalid_utf8_readable() {
        let out = display_line(b"GET /x\x1b[2J \xff 500");
        assert_eq!(out, "GET /x \u{fffd} 500");
    }

    #[test]
    fn ring_keeps_the_last_n_and_hands_out_fresh_ones_once() {
        let mut r = SampleRing::default();
        for i in 0..7u16 {
            r.push(
                3,
                Timestamp(i64::from(i)),
                500 + i,
                Some("rid"),
                format!("line {i}").as_bytes(),
            );
        }
        let got: Vec<String> = r.take_fresh().iter().map(|s| s.line.to_string()).collect();
        assert_eq!(got, ["line 4", "line 5", "line 6"]);
        assert!(r.take_fresh().is_empty());
        r.push(3, Timestamp(9), 502, None, b"line 9");
        let got = r.take_fresh();
        assert_eq!(got.len(), 1);
        assert_eq!((&*got[0].line, got[0].request_id.clone()), ("line 9", None));
        let long = vec![b'a'; SAMPLE_MAX_BYTES + 10];
        r.push(3, Timestamp(10), 500, None, &long);
        assert!(r.take_fresh()[0].line.ends_with('…'));
    }

    proptest::proptest! {
        #[test]
        fn display_line_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = display_line(&b);
        }

        #[test]
        fn json_redaction_never_panics(s in "[{}\\[\\]\":, a-zA-Z?=&\\\\]{0,80}") {
            let _ = redact_json_headers(&s);
            let _ = redact_queries(&s);
        }
    }
}
