//! Every shared fixture log, parsed and aggregated: exact status counts against the fixtures
//! README's table and against an independent field count of the raw file; routes against the
//! README's route list.

mod accesslog_support;

use std::collections::BTreeMap;

use accesslog_support::{aggregate_file, fixture, readme_counts, readme_routes, status_counts};
use gatewatch::model::status::Responder;
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};

/// `awk '{print $9}' | sort | uniq -c` for a combined log: the status is the field after the
/// quoted request.
fn combined_status_by_fields(text: &str) -> BTreeMap<u16, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let after_request = line.splitn(3, '"').nth(2).unwrap_or("");
        let status = after_request
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok());
        *out.entry(status.unwrap_or(0)).or_default() += 1;
    }
    out
}

#[test]
fn nginx_combined_counts_are_exact() {
    let Some((path, text)) = fixture("nginx-1.22/access-combined.log") else {
        return;
    };
    let Some(want) = readme_counts("nginx-1.22/access-combined.log") else {
        return;
    };
    for format in [Some(FormatName::Combined), None] {
        let run = aggregate_file(&path, format);
        assert_eq!(run.detected, Some(FormatName::Combined));
        assert_eq!(run.bad, 0, "{:?}", run.last_bad);
        let got = status_counts(&run.batch);
        assert_eq!(got, want, "README table");
        assert_eq!(
            got,
            combined_status_by_fields(&text),
            "field count of the raw file"
        );
        assert_eq!(run.routes, readme_routes().unwrap(), "routes");
        assert!(run.responders.iter().all(|r| *r == Responder::Unknown));
    }
}

/// The number after `"status":` in each JSON line (the grep-and-count of a JSON log).
fn json_status_by_grep(text: &str) -> BTreeMap<u16, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let at = line
            .find("\"status\":")
            .map(|i| i + 9)
            .unwrap_or(line.len());
        let digits: String = line[at..].chars().filter(|c| *c != '"').take(3).collect();
        *out.entry(digits.parse().unwrap_or(0)).or_default() += 1;
    }
    out
}

fn count(
    map: &BTreeMap<(String, u16, Responder), u64>,
    route: &str,
    status: u16,
    responder: Responder,
) -> u64 {
    map.get(&(route.to_string(), status, responder))
        .copied()
        .unwrap_or(0)
}

#[test]
fn caddy_json_counts_routes_and_attribution() {
    let Some((path, text)) = fixture("caddy-2.6/access.json") else {
        return;
    };
    let Some(want) = readme_counts("caddy-2.6/access.json") else {
        return;
    };
    for format in [Some(FormatName::Caddy), None] {
        let run = aggregate_file(&path, format);
        assert_eq!(run.detected, Some(FormatName::Caddy));
        assert_eq!(run.bad, 0, "{:?}", run.last_bad);
        let got = status_counts(&run.batch);
        assert_eq!(got, want);
        assert_eq!(got, json_status_by_grep(&text));
        assert_eq!(run.routes, readme_routes().unwrap());
        let m = accesslog_support::route_status_responder(&run.batch);
        assert_eq!(count(&m, "GET /v1/inventory", 502, Responder::Gateway), 10);
        assert_eq!(count(&m, "GET /v1/slow", 504, Responder::Gateway), 5);
        assert_eq!(count(&m, "GET /v1/limited", 429, Responder::Upstream), 10);
        let gateway: u64 = m
            .iter()
            .filter(|(k, _)| k.2 == Responder::Gateway)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(gateway, 15, "only the proxy's own 502/504 are Caddy's");
    }
}

#[test]
fn haproxy_counts_skip_notices_and_attribute_the_limiter() {
    let Some((path, text)) = fixture("haproxy-2.6/access.log") else {
        return;
    };
    let Some(want) = readme_counts("haproxy-2.6/access.log") else {
        return;
    };
    let Some((_, notices)) = fixture("haproxy-2.6/notices.log") else {
        return;
    };
    // The status is the sixth field of a raw httplog line.
    let mut by_field = BTreeMap::new();
    for line in text.lines() {
        let s: u16 = line
            .split_whitespace()
            .nth(5)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        *by_field.entry(s).or_default() += 1u64;
    }
    // Notices interleaved with the access lines, as HAProxy writes them into one stream.
    let mut mixed = String::new();
    let notice_lines: Vec<&str> = notices.lines().collect();
    for (i, line) in text.lines().enumerate() {
        if i % 50 == 0 {
            mixed.push_str(notice_lines[(i / 50) % notice_lines.len()]);
            mixed.push('\n');
        }
        mixed.push_str(line);
        mixed.push('\n');
    }
    let mixed = format!("{}\n{mixed}", notice_lines[0]);
    let dir = tempfile::tempdir().unwrap();
    let mixed_path = dir.path().join("mixed.log");
    std::fs::write(&mixed_path, &mixed).unwrap();
    for (p, format) in [(&path, Some(FormatName::Haproxy)), (&mixed_path, None)] {
        let run = aggregate_file(p, format);
        assert_eq!(run.detected, Some(FormatName::Haproxy));
        assert_eq!(run.bad, 0, "{:?}", run.last_bad);
        let got = status_counts(&run.batch);
        assert_eq!(got, want);
        assert_eq!(got, by_field);
        assert_eq!(run.routes, readme_routes().unwrap());
        let m = accesslog_support::route_status_responder(&run.batch);
        assert_eq!(count(&m, "GET /v1/search", 429, Responder::Gateway), 15);
        assert_eq!(count(&m, "GET /v1/limited", 429, Responder::Upstream), 10);
        assert_eq!(count(&m, "GET /v1/inventory", 503, Responder::Gateway), 10);
        assert_eq!(count(&m, "GET /v1/slow", 504, Responder::Gateway), 5);
    }
    let mixed_run = aggregate_file(&mixed_path, None);
    assert_eq!(mixed_run.not_access, 1 + 220u64.div_ceil(50));
}

/// The fixture's `escape=json` log_format, written out from the README's field list.
const NGINX_JSON_FORMAT: &str = r#"{"time":"$time_iso8601","remote_addr":"$remote_addr","request_id":"$request_id","method":"$request_method","uri":"$uri","protocol":"$server_protocol","status":$status,"body_bytes_sent":$body_bytes_sent,"request_length":$request_length,"request_time":$request_time,"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time","http_user_agent":"$http_user_agent","http_referer":"$http_referer"}"#;

#[test]
fn nginx_json_counts_via_detection_and_via_its_log_format() {
    let Some((path, text)) = fixture("nginx-1.22/access.json.log") else {
        return;
    };
    let Some(want) = readme_counts("access.json.log") else {
        return;
    };
    let bytes = text.as_bytes();
    let compiled = LogFormat::nginx(NGINX_JSON_FORMAT).unwrap();
    let runs = [
        accesslog_support::aggregate_file(&path, Some(FormatName::NginxJson)),
        accesslog_support::aggregate_file(&path, None),
        accesslog_support::aggregate_bytes(bytes, FormatChoice::Fixed(compiled)),
    ];
    for run in runs {
        assert!(matches!(
            run.detected,
            Some(FormatName::NginxJson | FormatName::Nginx)
        ));
        assert_eq!(run.bad, 0, "{:?}", run.last_bad);
        let got = status_counts(&run.batch);
        assert_eq!(got, want);
        assert_eq!(got, json_status_by_grep(&text));
        assert_eq!(run.routes, readme_routes().unwrap());
        let m = accesslog_support::route_status_responder(&run.batch);
        assert_eq!(
            count(&m, "GET /v1/search", 429, Responder::Gateway),
            15,
            "limit_req: no upstream"
        );
        assert_eq!(count(&m, "GET /v1/limited", 429, Responder::Upstream), 10);
        // Without $upstream_header_time nginx's own 502/504 cannot be told from an upstream's.
        assert_eq!(count(&m, "GET /v1/inventory", 502, Responder::Unknown), 10);
        let latencies: u64 = run
            .batch
            .deltas
            .iter()
            .filter_map(|d| d.latency.as_ref())
            .map(|h| h.total())
            .sum();
        assert_eq!(latencies, 220);
    }
}
