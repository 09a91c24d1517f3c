//! HAProxy `option httplog` lines, with or without a syslog prefix:
//! `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq
//! %hr %hs %{+Q}r`. The notices HAProxy writes into the same stream (`Server … is DOWN`) and
//! TCP-mode lines are [`LineError::NotAccess`].
//!
//! HAProxy made the response when no server was chosen (`<NOSRV>`), when the server never sent
//! response headers (`%Tr` = -1: refused, timed out), or when the termination state blames the
//! proxy itself (`P`roxy, `R`esource, `I`nternal, `D`own, `K`illed).

use memchr::{memchr, memmem};

use super::values::{is_method, parse_clf_time, parse_status, parse_u64, split_target};
use super::{LineError, LogRecord};
use crate::model::status::Responder;

/// Skips `<134>`, `Nov 22 10:59:50 host haproxy[123]: ` and similar syslog headers.
fn strip_syslog(line: &str) -> &str {
    let mut s = line;
    if let Some(rest) = s.strip_prefix('<') {
        if let Some(end) = rest.find('>').filter(|&e| e <= 3) {
            s = &rest[end + 1..];
        }
    }
    // `host haproxy[pid]: ` ends at the first `]: ` with no ` [` before it (the access part
    // has ` [date]`, the syslog tag `haproxy[pid]` has no space before its bracket).
    let head = &s.as_bytes()[..s.len().min(256)];
    if let Some(i) = memmem::find(head, b"]: ") {
        if memmem::find(&head[..i], b" [").is_none() {
            s = &s[i + 3..];
        }
    }
    s
}

fn notice(s: &str) -> bool {
    const MARKS: &[&str] = &[
        " is DOWN",
        " is UP",
        "has no server available",
        " is going DOWN",
        "backup server",
        "Proxy ",
        "Stopping ",
        "Pausing ",
        "Health check",
        "[WARNING]",
        "[ALERT]",
        "[NOTICE]",
        "Connect from ",
        "Server ",
    ];
    MARKS.iter().any(|m| s.contains(m))
}

/// True for the non-access lines HAProxy mixes into its log stream.
pub fn is_notice(line: &str) -> bool {
    notice(strip_syslog(line))
}

struct Words<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        while self.pos < b.len() && b[self.pos] == b' ' {
            self.pos += 1;
        }
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let end = memchr(b' ', &b[start..]).map_or(b.len(), |i| start + i);
        self.pos = end;
        self.s.get(start..end)
    }

    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("").trim_start()
    }
}

fn timer(v: &str) -> Option<i64> {
    let v = v.strip_prefix('+').unwrap_or(v);
    if v == "-1" {
        return Some(-1);
    }
    parse_u64(v).and_then(|x| i64::try_from(x).ok())
}

pub fn parse(line: &str) -> Result<LogRecord<'_>, LineError> {
    let s = strip_syslog(line);
    match parse_fields(s) {
        Ok(r) => Ok(r),
        Err(_) if notice(s) => Err(LineError::NotAccess("haproxy notice")),
        Err(e) => Err(e),
    }
}

fn parse_fields(s: &str) -> Result<LogRecord<'_>, LineError> {
    let mut w = Words { s, pos: 0 };
    let mut rec = LogRecord::empty();
    let client = w.next().ok_or(LineError::Missing("client"))?;
    rec.client = Some(client.rsplit_once(':').map_or(client, |(ip, _)| ip));
    let time = w.next().ok_or(LineError::Missing("time"))?;
    let time = time
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| LineError::bad("time", time))?;
    rec.time = parse_clf_time(time);
    let _frontend = w.next().ok_or(LineError::Missing("frontend"))?;
    let backend_server = w.next().ok_or(LineError::Missing("backend/server"))?;
    let (backend, server) = backend_server
        .split_once('/')
        .ok_or_else(|| LineError::bad("backend/server", backend_server))?;
    let timers = w.next().ok_or(LineError::Missing("timers"))?;
    let t: Vec<Option<i64>> = timers.split('/').map(timer).collect();
    if t.len() != 5 {
        // `option tcplog` has three timers and no status.
        return Err(if t.len() == 3 {
            LineError::NotAccess("haproxy tcp log")
        } else {
            LineError::bad("timers", timers)
        });
    }
    let status_text = w.next().ok_or(LineError::Missing("status"))?;
    rec.status = match status_text {
        "-1" => 0,
        s => parse_status(s).ok_or_else(|| LineError::bad("status", s))?,
    };
    let bytes = w.next().ok_or(LineError::Missing("bytes"))?;
    rec.bytes = parse_u64(bytes.strip_prefix('+').unwrap_or(bytes));
    let _cookies = (w.next(), w.next());
    let tsc = w.next().ok_or(LineError::Missing("termination state"))?;
    if tsc.len() != 4 {
        return Err(LineError::bad("termination state", tsc));
    }
    let _conns = w.next().ok_or(LineError::Missing("connection counts"))?;
    let _queues = w.next().ok_or(LineError::Missing("queue counts"))?;
    let mut rest = w.rest();
    let mut first_capture = None;
    while let Some(inner) = rest.strip_prefix('{') {
        let end = memchr(b'}', inner.as_bytes()).ok_or(LineError::Missing("}"))?;
        first_capture.get_or_insert(inner[..end].split('|').next().unwrap_or(""));
        rest = inner[end + 1..].trim_start();
    }
    let request = rest
        .strip_prefix('"')
        .map(|r| r.strip_suffix('"').unwrap_or(r))
        .ok_or(LineError::Missing("request"))?;
    if let Some((method, after)) = request.split_once(' ') {
        if is_method(method) {
            let target = after.rsplit_once(' ').map_or(after, |(t, _)| t);
            let (path, query) = split_target(target);
            rec.method = Some(method);
            rec.path = path.into();
            rec.query = query;
        }
    }
    rec.latency_ms = t[4].filter(|&x| x >= 0).map(|x| x as f64);
    rec.upstream_latency_ms = t[3].filter(|&x| x >= 0).map(|x| x as f64);
    rec.route_name = Some(backend);
    rec.flags = Some(tsc);
    rec.request_id = first_capture.filter(|c| looks_like_id(c));
    let proxy_cause = matches!(tsc.as_bytes()[0], b'P' | b'R' | b'I' | b'D' | b'K');
    rec.responder = if server == "<NOSRV>" || t[3] == Some(-1) || proxy_cause {
        Responder::Gateway
    } else {
        Responder::Upstream
    };
    Ok(rec)
}

/// A captured header that reads as a request id (not a host name or a user agent).
fn looks_like_id(c: &str) -> bool {
    (8..=128).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Timestamp;

    const OK: &str = r#"127.0.0.1:44588 [22/Nov/2026:10:59:50.883] fe_api be_orders/app1 0/0/0/2/3 200 195 - - ---- 2/1/0/0/0 0/0 {20261122T105950-985325-haproxy-0001|} "GET /v1/orders?page=2 HTTP/1.1""#;

    #[test]
    fn reads_httplog_fields() {
        let r = parse(OK).unwrap();
        assert_eq!(
            (r.client, r.method, r.path.as_ref(), r.query),
            (Some("127.0.0.1"), Some("GET"), "/v1/orders", Some("page=2"))
        );
        assert_eq!(
            (r.status, r.bytes, r.flags, r.route_name),
            (200, Some(195), Some("----"), Some("be_orders"))
        );
        assert_eq!(
            (r.latency_ms, r.upstream_latency_ms),
            (Some(3.0), Some(2.0))
        );
        assert_eq!(r.time, Some(Timestamp(1_795_345_190_883)));
        assert_eq!(r.request_id, Some("20261122T105950-985325-haproxy-0001"));
        assert_eq!(r.responder, Responder::Upstream);
    }

    #[test]
    fn attribution_and_prefixes() {
        let cases = [
            (
                r#"127.0.0.1:44998 [22/Nov/2026:10:59:50.955] fe_api fe_api/<NOSRV> 0/-1/-1/-1/0 429 77 - - PR-- 3/2/0/0/0 0/0 {r-42|} "GET /v1/search?q=item5 HTTP/1.1""#,
                429,
                Responder::Gateway,
            ),
            (
                r#"127.0.0.1:44904 [22/Nov/2026:10:59:50.932] fe_api be_slow/app1 0/0/0/-1/1001 504 198 - - sH-- 2/1/0/0/0 0/0 {r-31|} "GET /v1/slow HTTP/1.1""#,
                504,
                Responder::Gateway,
            ),
            (
                r#"<134>Nov 22 10:59:50 lb1 haproxy[812]: 10.0.0.7:5123 [22/Nov/2026:10:59:50.100] fe~ be_x/s1 1/0/1/5/7 500 90 - - ---- 1/1/0/0/0 0/0 "POST /v1/x HTTP/1.1""#,
                500,
                Responder::Upstream,
            ),
            (
                r#"Nov 22 10:59:50 lb1 haproxy[812]: ::1:5123 [22/Nov/2026:10:59:50.100] fe be_x/s1 1/0/1/5/+7 200 +90 - - ---- 1/1/0/0/0 0/0 {a|b} {c} "GET / HTTP/1.1""#,
                200,
                Responder::Upstream,
            ),
            (
                r#"10.0.0.7:5123 [22/Nov/2026:10:59:50.100] fe be_x/s1 5/0/-1/-1/5 -1 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>""#,
                0,
                Responder::Gateway,
            ),
        ];
        for (line, status, responder) in cases {
            let r = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!((r.status, r.responder), (status, responder), "{line}");
        }
        assert_eq!(parse(cases[3].0).unwrap().client, Some("::1"));
        assert_eq!(parse(cases[4].0).unwrap().path, "");
    }

    #[test]
    fn notices_are_not_access_lines() {
        let notices = [
            r#"Server be_inventory/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left."#,
            "backend be_inventory has no server available!",
            "<129>Nov 22 10:59:50 lb1 haproxy[812]: Proxy fe_api started.",
            "10.0.0.1:4000 [22/Nov/2026:10:59:50.100] fe_tcp be_db/db1 0/0/5 120 -- 1/1/0/0/0 0/0",
        ];
        for n in notices {
            assert!(parse(n).unwrap_err().is_not_access(), "{n}");
        }
        assert!(!parse("complete garbage").unwrap_err().is_not_access());
    }
}
