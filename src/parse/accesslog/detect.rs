//! `auto`: picking a format from a line, most specific first, so that a Traefik or Kong line is
//! not taken for plain `combined` (which accepts extra trailing fields).

use std::sync::OnceLock;

use super::{haproxy, FormatName, LogFormat};

/// Text formats, tried in this order.
const TEXT_ORDER: [FormatName; 8] = [
    FormatName::Haproxy,
    FormatName::Envoy,
    FormatName::Traefik,
    FormatName::Kong,
    FormatName::Apisix,
    FormatName::AwsApigw,
    FormatName::Combined,
    FormatName::Common,
];

/// JSON families and the keys that mark them, tried in this order.
const JSON_MARKS: [(FormatName, &[&str]); 7] = [
    (FormatName::Caddy, &["\"logger\":\"http.log.access"]),
    (FormatName::Traefik, &["\"DownstreamStatus\""]),
    (
        FormatName::Envoy,
        &["\"response_code\"", "\"response_flags\""],
    ),
    (FormatName::Apisix, &["\"route_id\"", "\"apisix_latency\""]),
    (FormatName::Kong, &["\"latencies\""]),
    (FormatName::AwsApigw, &["\"httpMethod\"", "\"requestId\""]),
    (FormatName::NginxJson, &["\"status\""]),
];

fn compiled(name: FormatName) -> Option<&'static LogFormat> {
    static ALL: OnceLock<Vec<LogFormat>> = OnceLock::new();
    ALL.get_or_init(|| {
        FormatName::ALL
            .into_iter()
            .filter_map(LogFormat::builtin)
            .collect()
    })
    .iter()
    .find(|f| f.name() == name)
}

/// The first format that reads `line` as an access line, or `None`.
pub fn detect_line(line: &str) -> Option<LogFormat> {
    let t = line.trim_start();
    if t.is_empty() {
        return None;
    }
    let names: Vec<FormatName> = if t.starts_with('{') {
        JSON_MARKS
            .iter()
            .filter(|(_, marks)| marks.iter().any(|m| t.contains(m)))
            .map(|(n, _)| *n)
            .collect()
    } else {
        TEXT_ORDER.to_vec()
    };
    names
        .into_iter()
        .filter_map(compiled)
        .find(|f| f.parse(line).is_ok())
        .cloned()
}

/// The format that reads the most of `lines` (ties: the more specific, earlier one).
pub fn detect_lines(lines: &[&str]) -> Option<LogFormat> {
    let mut best: Option<(LogFormat, usize)> = None;
    for line in lines {
        let Some(f) = detect_line(line) else { continue };
        if best.as_ref().is_some_and(|(b, _)| b.name() == f.name()) {
            continue;
        }
        let n = lines.iter().filter(|l| f.parse(l).is_ok()).count();
        if best.as_ref().is_none_or(|(_, m)| n > *m) {
            best = Some((f, n));
        }
    }
    best.map(|(f, _)| f)
}

/// A line that no format reads but that a gateway is known to write into its access stream.
pub fn looks_like_notice(line: &str) -> bool {
    haproxy::is_notice(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_family() {
        let cases = [
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/orders HTTP/1.1" 200 18 "-" "ua""#,
                FormatName::Combined,
            ),
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/orders HTTP/1.1" 200 18"#,
                FormatName::Common,
            ),
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" kong_request_id: "abc""#,
                FormatName::Kong,
            ),
            (
                r#"1.2.3.4 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" 3 "r@file" "http://10.0.0.1" 2ms"#,
                FormatName::Traefik,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 UH 0 19 0 - "-" "ua" "r" "api" "-""#,
                FormatName::Envoy,
            ),
            (
                r#"127.0.0.1:44588 [22/Nov/2026:10:59:50.883] fe be/app1 0/0/0/0/0 200 195 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1""#,
                FormatName::Haproxy,
            ),
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] api.test "GET / HTTP/1.1" 200 2 0.004 "-" "ua" 10.0.0.5:80 200 0.004 "http://x/" "id""#,
                FormatName::Apisix,
            ),
            (
                r#"1.2.3.4 - - [22/Nov/2026:10:59:50 +0000]"GET /users/{id} HTTP/1.1" 200 3 req-1 ext-1"#,
                FormatName::AwsApigw,
            ),
            (
                r#"{"level":"info","ts":1.5,"logger":"http.log.access.log0","msg":"handled request","request":{"method":"GET","uri":"/"},"status":200}"#,
                FormatName::Caddy,
            ),
            (
                r#"{"DownstreamStatus":200,"RequestPath":"/","RequestMethod":"GET"}"#,
                FormatName::Traefik,
            ),
            (
                r#"{"response_code":200,"path":"/","method":"GET","response_flags":"-"}"#,
                FormatName::Envoy,
            ),
            (
                r#"{"request":{"uri":"/","method":"GET"},"response":{"status":200},"latencies":{"request":1}}"#,
                FormatName::Kong,
            ),
            (
                r#"{"request":{"uri":"/","method":"GET"},"response":{"status":200},"route_id":"1"}"#,
                FormatName::Apisix,
            ),
            (
                r#"{"requestId":"x","httpMethod":"GET","resourcePath":"/a","status":"200"}"#,
                FormatName::AwsApigw,
            ),
            (
                r#"{"status":200,"uri":"/x","method":"GET"}"#,
                FormatName::NginxJson,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(detect_line(line).map(|f| f.name()), Some(want), "{line}");
        }
        assert!(detect_line("hello world").is_none());
        assert!(detect_line("{\"no\":1}").is_none());
        assert!(detect_line("   ").is_none());
    }

    #[test]
    fn detects_from_several_lines() {
        let lines = [
            "backend be_x has no server available!",
            r#"127.0.0.1:44588 [22/Nov/2026:10:59:50.883] fe be/app1 0/0/0/0/0 200 195 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1""#,
        ];
        assert_eq!(
            detect_lines(&lines).map(|f| f.name()),
            Some(FormatName::Haproxy)
        );
        assert!(looks_like_notice(lines[0]));
    }
}
