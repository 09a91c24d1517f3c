//! The demo's access log: nginx `combined` plus the request time and the upstream's fields,
//! one line per request ([`LOG_FORMAT`]):
//!
//! ```text
//! log_format demo '$remote_addr - $remote_user [$time_local] "$request" $status '
//!                 '$body_bytes_sent "$http_referer" "$http_user_agent" $request_time '
//!                 '$upstream_response_time $upstream_header_time $upstream_status';
//! ```
//! As nginx writes them: `- - -` when the gateway answered without asking an upstream (rate
//! limit, auth, no route); a `-` header time with the upstream status equal to the final one
//! when the gateway made a 502/504 itself after trying the upstream.
//! Strings from clients are escaped as nginx does by default (`"`, `\` and bytes outside
//! printable ASCII become `\xHH`). The file is rotated (renamed to `<name>.1`) past a size cap so
//! that a long-running demo does not fill the disk — which also exercises rotation-proof tailing.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::outcome::Origin;
use super::traffic::DemoRequest;
use crate::model::time::civil_from_days;

/// The nginx `log_format` of the lines [`format_line`] writes.
pub const LOG_FORMAT: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $upstream_header_time $upstream_status"#;

/// Rotate once the file exceeds this size.
pub const ROTATE_AT_BYTES: u64 = 64 * 1024 * 1024;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub struct AccessLog {
    path: PathBuf,
    file: BufWriter<File>,
    size: u64,
    rotate_at: u64,
    line: String,
}

impl AccessLog {
    /// Opens `path` for appending (creating it), like nginx does.
    pub fn open(path: &Path) -> io::Result<AccessLog> {
        Self::with_rotation(path, ROTATE_AT_BYTES)
    }

    pub fn with_rotation(path: &Path, rotate_at: u64) -> io::Result<AccessLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(AccessLog {
            path: path.to_path_buf(),
            file: BufWriter::with_capacity(64 * 1024, file),
            size,
            rotate_at,
            line: String::with_capacity(512),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&mut self, r: &DemoRequest) -> io::Result<()> {
        self.line.clear();
        format_line(r, &mut self.line);
        self.line.push('\n');
        self.file.write_all(self.line.as_bytes())?;
        self.size += self.line.len() as u64;
        Ok(())
    }

    /// Makes everything written so far visible to readers, rotating first if the file is full.
    pub fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        if self.size >= self.rotate_at {
            let mut rotated = self.path.clone().into_os_string();
            rotated.push(".1");
            std::fs::rename(&self.path, &rotated)?;
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            self.file = BufWriter::with_capacity(64 * 1024, file);
            self.size = 0;
        }
        Ok(())
    }
}

/// One log line, without the newline.
pub fn format_line(r: &DemoRequest, out: &mut String) {
    use std::fmt::Write as _;
    push_escaped(out, &r.client_ip);
    out.push_str(" - - [");
    push_time_local(out, r.at.0);
    out.push_str("] \"");
    push_escaped(out, &r.method);
    out.push(' ');
    push_escaped(out, &r.target);
    out.push_str(" HTTP/1.1\" ");
    let ms = r.outcome.request_ms();
    let _ = write!(out, "{} {} \"", r.outcome.status, r.body_bytes);
    push_escaped(out, &r.referer);
    out.push_str("\" \"");
    push_escaped(out, &r.user_agent);
    let _ = write!(out, "\" {}.{:03}", ms / 1000, ms % 1000);
    match (r.outcome.origin, r.outcome.upstream_ms) {
        (_, None) => out.push_str(" - - -"),
        (origin, Some(up)) => {
            let _ = write!(out, " {}.{:03} ", up / 1000, up % 1000);
            if origin == Origin::Kong {
                // The gateway gave up on the upstream (refused, timed out): no header came.
                out.push('-');
            } else {
                // Headers arrive before the body: most of the upstream's time.
                let header = up - up / 10;
                let _ = write!(out, "{}.{:03}", header / 1000, header % 1000);
            }
            let _ = write!(out, " {}", r.outcome.status);
        }
    }
}

/// `$time_local` in UTC: `10/Oct/2025:13:55:36 +0000`.
fn push_time_local(out: &mut String, ms: i64) {
    use std::fmt::Write as _;
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    let month = MONTHS[(m as usize).saturating_sub(1).min(11)];
    let _ = write!(
        out,
        "{d:02}/{month}/{y:04}:{:02}:{:02}:{:02} +0000",
        tod / 3600,
        (tod / 60) % 60,
        tod % 60
    );
}

/// nginx's default log escaping.
fn push_escaped(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    if s.is_empty() {
        out.push('-');
        return;
    }
    for b in s.bytes() {
        if b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b) {
            let _ = write!(out, "\\x{b:02X}");
        } else {
            out.push(b as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::outcome::{Cause, Origin, Outcome};
    use crate::model::time::Timestamp;
    use std::borrow::Cow;

    fn request(ua: &str) -> DemoRequest {
        DemoRequest {
            at: Timestamp(1_764_626_841_123),
            route: Some(0),
            method: Cow::Borrowed("GET"),
            target: "/v1/orders?status=open".into(),
            outcome: Outcome {
                status: 200,
                origin: Origin::Service,
                cause: Cause::Ok,
                kong_ms: 1,
                upstream_ms: Some(1_233),
            },
            request_bytes: 300,
            body_bytes: 2_417,
            response_bytes: 2_747,
            client_ip: Cow::Borrowed("203.0.113.14"),
            user_agent: Cow::Owned(ua.to_string()),
            referer: Cow::Borrowed("-"),
            request_id: 7,
        }
    }

    #[test]
    fn formats_combined_plus_request_time_and_upstream_fields() {
        let mut line = String::new();
        format_line(&request("curl/8.5.0"), &mut line);
        assert_eq!(
            line,
            "203.0.113.14 - - [01/Dec/2025:22:07:21 +0000] \"GET /v1/orders?status=open HTTP/1.1\" 200 2417 \"-\" \"curl/8.5.0\" 1.234 1.233 1.110 200"
        );
    }

    #[test]
    fn its_log_format_tells_who_answered() {
        use crate::model::status::Responder;
        use crate::parse::accesslog::LogFormat;
        let format = LogFormat::nginx(LOG_FORMAT).expect("compiles");
        let cases = [
            (200, Origin::Service, Some(40), Responder::Upstream),
            (404, Origin::Service, Some(5), Responder::Upstream),
            (429, Origin::Kong, None, Responder::Gateway),
            (401, Origin::Kong, None, Responder::Gateway),
            (502, Origin::Kong, Some(3), Responder::Gateway),
            (504, Origin::Kong, Some(60_000), Responder::Gateway),
        ];
        for (status, origin, upstream_ms, want) in cases {
            let mut r = request("curl/8.5.0");
            r.outcome = Outcome {
                status,
                origin,
                upstream_ms,
                ..r.outcome
            };
            let mut line = String::new();
            format_line(&r, &mut line);
            let rec = format.parse(&line).expect("parses");
            assert_eq!((rec.status, rec.responder), (status, want), "{line}");
            assert_eq!(rec.path.as_ref(), "/v1/orders");
            let total = f64::from(r.outcome.request_ms());
            assert_eq!(rec.latency_ms, Some(total), "{line}");
        }
    }

    #[test]
    fn escapes_client_strings_like_nginx() {
        let mut line = String::new();
        format_line(&request("evil\"\x1b[2J\\ü"), &mut line);
        assert!(
            line.ends_with("\"evil\\x22\\x1B[2J\\x5C\\xC3\\xBC\" 1.234 1.233 1.110 200"),
            "{line}"
        );
        let mut empty = String::new();
        format_line(&request(""), &mut empty);
        assert!(empty.contains("\"-\" 1.234 "));
    }

    proptest::proptest! {
        /// Whatever a client sends, a line stays one printable-ASCII line with exactly the six
        /// quotes of the format, so a `combined` parser can always split it.
        #[test]
        fn client_strings_cannot_break_the_line(
            method in ".{0,12}",
            target in proptest::prelude::any::<String>(),
            ua in proptest::prelude::any::<String>(),
            referer in proptest::prelude::any::<String>(),
        ) {
            let mut r = request(&ua);
            r.method = Cow::Owned(method);
            r.target = target;
            r.referer = Cow::Owned(referer);
            let mut line = String::new();
            format_line(&r, &mut line);
            proptest::prop_assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)), "{}", line);
            proptest::prop_assert_eq!(line.matches('"').count(), 6);
            proptest::prop_assert!(line.ends_with(" 1.234 1.233 1.110 200"));
        }
    }

    #[test]
    fn rotates_past_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("access.log");
        let mut log = AccessLog::with_rotation(&path, 300).expect("open");
        for _ in 0..3 {
            log.write(&request("curl/8.5.0")).expect("write");
        }
        log.flush().expect("flush");
        log.write(&request("curl/8.5.0")).expect("write");
        log.flush().expect("flush");
        let rotated = std::fs::read_to_string(dir.path().join("access.log.1")).expect("rotated");
        let current = std::fs::read_to_string(&path).expect("current");
        assert_eq!(rotated.lines().count(), 3);
        assert_eq!(current.lines().count(), 1);
    }
}
