//! PURE: nginx's `combined` line read in one straight pass, the way the compiled template reads
//! it, for the most common access log of all.
//!
//! [`parse`] handles the ordinary line: a client, `- user`, a `[time]` that parses, a request
//! without escaped quotes, a three-digit status, a byte count, referer and user agent without
//! escaped quotes, then the optional `$request_time $upstream_response_time`. Anything else (a
//! missing separator, an escaped quote, a bad number, an unreadable time) makes it give up and
//! return `false`, leaving the line to the template, which then produces the record or the
//! error. So the two always agree; the tests check it on random lines.

use super::nginx_format::{
    find_byte, find_byte_long, find_byte_swar, read_request, read_second_tail_time, read_tail_times,
};
use super::values::{decimal_at, is_unset, parse_clf_time_bytes, status_of_bytes, u64_of_bytes};
use super::LogRecord;
use crate::model::status::Responder;

/// Length of `22/Nov/2026:10:59:50 +0000`.
const CLF_TIME_LEN: usize = 26;

/// Parses an ordinary `combined` line into `rec` (reset first). `false`: not ordinary, `rec`
/// holds nothing useful and the template must read the line.
#[inline]
pub(crate) fn parse<'a>(line: &'a str, rec: &mut LogRecord<'a>) -> bool {
    *rec = LogRecord::empty();
    let b = line.as_bytes();
    // $remote_addr " - " $remote_user " ["
    let Some(sp) = find_byte(b, 0, b' ') else {
        return false;
    };
    if b.get(sp..sp + 3) != Some(b" - ") {
        return false;
    }
    let user = sp + 3;
    let Some(user_end) = find_byte_long(b, user, b' ') else {
        return false;
    };
    if b.get(user_end..user_end + 2) != Some(b" [") {
        return false;
    }
    // $time_local "] \"": a time of the usual length, then `]`. A time that parses holds no
    // `]`, so that `]` is the first one, where the template ends the field.
    let t = user_end + 2;
    let req = t + CLF_TIME_LEN;
    if b.get(req..req + 3) != Some(b"] \"") {
        return false;
    }
    let Some(time) = parse_clf_time_bytes(&b[t..req]) else {
        return false;
    };
    // "$request" "\" "
    let req = req + 3;
    let Some(req_end) = quoted_end(b, req) else {
        return false;
    };
    if b.get(req_end..req_end + 2) != Some(b"\" ") {
        return false;
    }
    // $status " "
    let st = req_end + 2;
    if b.get(st + 3) != Some(&b' ') {
        return false;
    }
    let Some(status) = status_of_bytes(&b[st..st + 3]) else {
        return false;
    };
    // $body_bytes_sent " \""
    let by = st + 4;
    let Some(by_end) = find_byte(b, by, b' ') else {
        return false;
    };
    let bytes = &b[by..by_end];
    let bytes = if bytes.is_empty() || bytes == b"-" {
        None
    } else {
        match u64_of_bytes(bytes) {
            Some(n) => Some(n),
            None => return false,
        }
    };
    if b.get(by_end..by_end + 2) != Some(b" \"") {
        return false;
    }
    // "$http_referer" "\" \"" "$http_user_agent" "\""
    let Some(referer_end) = quoted_end(b, by_end + 2) else {
        return false;
    };
    if b.get(referer_end..referer_end + 3) != Some(b"\" \"") {
        return false;
    }
    let Some(agent_end) = quoted_end_long(b, referer_end + 3) else {
        return false;
    };
    let end = agent_end + 1;

    let client = &line[..sp];
    rec.client = Some(client).filter(|s| !is_unset(s));
    rec.time = Some(time);
    read_request(&line[req..req_end], rec, false);
    rec.bytes = bytes;
    if end < b.len() {
        read_tail(line, end, rec);
    }
    rec.status = status;
    rec.responder = Responder::Unknown;
    true
}

/// What follows the user agent, as [`read_tail_times`] reads it: the usual ` 0.018 0.017` or
/// ` 0.018 -` in one pass, anything else through it.
#[inline]
fn read_tail<'a>(line: &'a str, from: usize, rec: &mut LogRecord<'a>) {
    let b = line.as_bytes();
    let first = match b.get(from) {
        Some(b' ') => decimal_at(b, from + 1),
        _ => None,
    };
    let Some((secs, next)) = first else {
        read_tail_times(&line[from..], rec);
        return;
    };
    rec.latency_ms = Some(secs * 1000.0);
    if next < b.len() {
        match (b[next], decimal_at(b, next + 1)) {
            (b' ', Some((secs, _))) => rec.upstream_latency_ms = Some(secs * 1000.0),
            _ => read_second_tail_time(&line[next..], rec),
        }
    }
}

/// The closing quote of a quoted field starting at `from`; `None` for an escaped quote (`\"`),
/// which the template handles.
#[inline]
fn quoted_end(b: &[u8], from: usize) -> Option<usize> {
    let i = match b.get(from) {
        Some(b'"') => from,
        Some(_) => find_byte_swar::<64>(b, from + 1, b'"')?,
        None => return None,
    };
    if i > from && b[i - 1] == b'\\' {
        return None;
    }
    Some(i)
}

/// [`quoted_end`] for a field that is usually long (a user agent): searched with `memchr`.
#[inline]
fn quoted_end_long(b: &[u8], from: usize) -> Option<usize> {
    let i = find_byte_long(b, from, b'"')?;
    if i > from && b[i - 1] == b'\\' {
        return None;
    }
    Some(i)
}

#[cfg(test)]
#[path = "combined_fast_tests.rs"]
mod tests;
