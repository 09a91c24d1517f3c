//! The Common Log Format family as nginx and Apache write it: `common` and `combined`.

use super::nginx_format::{ResponderRule, Template};

/// nginx's predefined `combined` (Apache's `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`).
pub const COMBINED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;

/// Apache's `common` (`%h %l %u %t "%r" %>s %b`).
pub const COMMON: &str =
    r#"$remote_addr $ident $remote_user [$time_local] "$request" $status $body_bytes_sent"#;

/// `combined`, accepting extra trailing fields; a leading `$request_time` (and
/// `$upstream_response_time`) among them is read as the latency, as many sites append them.
pub fn combined() -> Template {
    compile_builtin(COMBINED)
        .with_lenient_tail()
        .with_combined_fast_path()
}

pub fn common() -> Template {
    compile_builtin(COMMON)
}

pub(crate) fn compile_builtin(format: &str) -> Template {
    match Template::compile(format, ResponderRule::None) {
        Ok(t) => t,
        // The built-in formats are constants covered by tests; failing here is a programming error.
        Err(e) => unreachable!("built-in format {format:?} does not compile: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::model::time::Timestamp;

    const LINE: &str = r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/users/7?api_key=SECRET HTTP/1.1" 200 26 "-" "gatewatch-lab/1 (traffic.py)""#;

    #[test]
    fn combined_reads_every_field() {
        let r = combined().parse(LINE).unwrap();
        assert_eq!(r.client, Some("127.0.0.1"));
        assert_eq!(r.time, Some(Timestamp(1_795_345_190_000)));
        assert_eq!(r.method, Some("GET"));
        assert_eq!(r.path, "/v1/users/7");
        assert_eq!(r.query, Some("api_key=SECRET"));
        assert_eq!(r.status, 200);
        assert_eq!(r.bytes, Some(26));
        assert_eq!(r.latency_ms, None);
        assert_eq!(r.responder, Responder::Unknown);
    }

    #[test]
    fn combined_takes_trailing_request_time() {
        let line = format!("{LINE} 0.123 0.120");
        let r = combined().parse(&line).unwrap();
        assert!((r.latency_ms.unwrap() - 123.0).abs() < 1e-9);
        assert!((r.upstream_latency_ms.unwrap() - 120.0).abs() < 1e-9);
        let line = format!("{LINE} host.example");
        assert_eq!(combined().parse(&line).unwrap().latency_ms, None);
        // Runs of spaces and tabs between the words, and more words after them.
        let line = format!("{LINE}  0.250\t0.240 edge-1");
        let r = combined().parse(&line).unwrap();
        assert!((r.latency_ms.unwrap() - 250.0).abs() < 1e-9);
        assert!((r.upstream_latency_ms.unwrap() - 240.0).abs() < 1e-9);
    }

    #[test]
    fn combined_table() {
        type Want = Option<(u16, Option<&'static str>, &'static str)>;
        let cases: &[(&str, Want)] = &[
            (LINE, Some((200, Some("GET"), "/v1/users/7"))),
            // Apache escapes quotes inside the request with a backslash.
            (
                r#"1.2.3.4 - bob [01/Jan/2024:00:00:00 +0000] "GET /a\"b HTTP/1.0" 404 0 "-" "x""#,
                Some((404, Some("GET"), r#"/a\"b"#)),
            ),
            // TLS bytes on a plain port: nginx logs a 400 with an unreadable request.
            (
                r#"1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "\x16\x03\x01\x00\xF1\x01" 400 157 "-" "-""#,
                Some((400, None, "")),
            ),
            (
                r#"1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "-" 408 0 "-" "-""#,
                Some((408, None, "")),
            ),
            (
                r#"::1 - - [01/Jan/2024:00:00:00 +0000] "GET http://evil.test/x?y HTTP/1.1" 200 1 "-" "-""#,
                Some((200, Some("GET"), "/x")),
            ),
            (
                r#"1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 2x0 1 "-" "-""#,
                None,
            ),
            (
                r#"1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200"#,
                None,
            ),
            ("", None),
            ("garbage", None),
        ];
        let t = combined();
        for (line, want) in cases {
            let got = t
                .parse(line)
                .ok()
                .map(|r| (r.status, r.method, r.path.into_owned()));
            let want = want.map(|(s, m, p)| (s, m, p.to_string()));
            assert_eq!(got, want, "{line}");
        }
    }

    #[test]
    fn common_is_strict() {
        let line = r#"10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;
        let r = common().parse(line).unwrap();
        assert_eq!(
            (r.status, r.bytes, r.path.as_ref()),
            (200, Some(2326), "/apache_pb.gif")
        );
        assert_eq!(r.time, Some(Timestamp(971_211_336_000)));
        assert!(common().parse(&format!("{line} \"-\" \"ua\"")).is_err());
    }
}
