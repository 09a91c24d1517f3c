//! Presets against the real captures in shared/fixtures: the access logs hold the ground truth.

#[path = "gateways/support.rs"]
mod support;

use std::collections::BTreeMap;

use gatewatch::model::route::RouteKey;
use gatewatch::model::traffic::StatusDetail;
use gatewatch::parse::presets::options::CaddyRoute;
use gatewatch::parse::presets::{MetricsMapper, PresetChoice, PresetOptions};
use support::*;

fn read(dir: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("fixtures").join(rel)).expect("fixture readable")
}

/// Status counts of JSON log lines (Caddy writes `"status":N` at top level).
fn json_status_counts(text: &str, logger_prefix: Option<&str>) -> BTreeMap<u16, u64> {
    let mut m = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        if let Some(p) = logger_prefix {
            if v["logger"].as_str() != Some(p) {
                continue;
            }
        }
        let status = v["status"].as_u64().expect("status") as u16;
        *m.entry(status).or_insert(0) += 1;
    }
    m
}

#[test]
fn caddy_before_after_matches_the_access_log_with_handler_errors_as_unknown_5xx() {
    let Some(dir) = shared_dir("caddy fixture") else {
        return;
    };
    let options = PresetOptions {
        caddy: gatewatch::parse::presets::options::CaddyOptions {
            route: CaddyRoute::Server,
        },
        ..PresetOptions::default()
    };
    let mut m = mapper("caddy", options);
    let before = ingest(&mut m, &read(&dir, "caddy-2.6/metrics-before.prom"), 1_000);
    assert!(
        before.batch.deltas.is_empty(),
        "the first scrape is a baseline"
    );
    let after = ingest(&mut m, &read(&dir, "caddy-2.6/metrics-after.prom"), 61_000);
    assert_eq!(
        after.batch.covers.map(|c| (c.0 .0, c.1 .0)),
        Some((1_000, 61_000))
    );
    assert_eq!(after.batch.status_detail, StatusDetail::Exact);

    // Ground truth: srv0's access log; the 502/504 Caddy made itself are in its error log.
    let access = json_status_counts(&read(&dir, "caddy-2.6/access.json"), None);
    let made_by_caddy = json_status_counts(
        &read(&dir, "caddy-2.6/runtime.log"),
        Some("http.log.error.log0"),
    );
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for (code, n) in &access {
        let exact = n - made_by_caddy.get(code).copied().unwrap_or(0);
        if exact > 0 {
            want.insert(code.to_string(), exact);
        }
    }
    want.insert("5xx".into(), made_by_caddy.values().sum());
    let srv0 = delta(&after.batch, "srv0");
    assert_eq!(by_status(srv0), want);
    assert_eq!(srv0.requests(), access.values().sum::<u64>());
    assert_eq!(srv0.requests(), 220);
    let unknown = srv0
        .statuses
        .iter()
        .find(|s| s.status.to_string() == "5xx")
        .unwrap();
    assert_eq!(unknown.responder.label(), "gateway");
    let latency = srv0.latency.as_ref().expect("latency from the histogram");
    assert_eq!(
        latency.total(),
        205,
        "histograms hold only the requests without handler errors"
    );
    assert!(after.notes.iter().any(|n| n.contains("code unknown")));
}

#[test]
fn caddy_default_route_is_the_gateway_and_sums_both_servers() {
    let Some(dir) = shared_dir("caddy fixture") else {
        return;
    };
    let mut m = MetricsMapper::new(PresetChoice::Auto, None).unwrap();
    ingest(&mut m, &read(&dir, "caddy-2.6/metrics-before.prom"), 0);
    assert_eq!(m.preset_name(), Some("caddy"));
    let after = ingest(&mut m, &read(&dir, "caddy-2.6/metrics-after.prom"), 30_000);
    assert!(after.batch.gateway_only);
    assert_eq!(after.stats.detected.as_deref(), Some("caddy (auto)"));
    assert_eq!(after.batch.deltas.len(), 1);
    let gw = &after.batch.deltas[0];
    assert_eq!(gw.route, RouteKey::gateway());
    assert_eq!(gw.requests(), 440);
    assert_eq!(by_status(gw).get("5xx"), Some(&30));
    assert_eq!(after.stats.bad_lines, 0);
}

/// Counts per backend and status class from HAProxy's access log (`%b` and `%ST`), and the
/// gateway's own denials (`<NOSRV>` with termination state `PR--`) per frontend.
fn haproxy_log_truth(text: &str) -> (BTreeMap<(String, String), u64>, BTreeMap<String, u64>) {
    let mut by_backend = BTreeMap::new();
    let mut denied = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (frontend, backend_server, status, term) = (f[2], f[3], f[5], f[9]);
        let (backend, server) = backend_server.split_once('/').expect("backend/server");
        let class = format!("{}xx", &status[..1]);
        if server == "<NOSRV>" && term.starts_with("PR") {
            *denied.entry(frontend.to_string()).or_insert(0) += 1;
        } else {
            *by_backend.entry((backend.to_string(), class)).or_insert(0) += 1;
        }
    }
    (by_backend, denied)
}

#[test]
fn haproxy_lifetime_totals_match_the_access_log_per_backend_and_class() {
    let Some(dir) = shared_dir("haproxy fixture") else {
        return;
    };
    let mut m = mapper("haproxy", PresetOptions::default()).counting_from_zero();
    let out = ingest(&mut m, &read(&dir, "haproxy-2.6/metrics-after.prom"), 5_000);
    assert_eq!(out.batch.status_detail, StatusDetail::ClassOnly);
    let (truth, denied) = haproxy_log_truth(&read(&dir, "haproxy-2.6/access.log"));
    let mut got = BTreeMap::new();
    for d in &out.batch.deltas {
        for s in &d.statuses {
            if s.responder.label() == "gateway" {
                continue;
            }
            *got.entry((d.route.route.to_string(), s.status.to_string()))
                .or_insert(0) += s.count;
        }
    }
    assert_eq!(got, truth);
    // The frontend's limiter: only in requests_denied_total, as gateway-made 4xx.
    let fe = delta(&out.batch, "fe_api");
    assert_eq!(
        by_status_responder(fe),
        [(("4xx".to_string(), "gateway"), denied["fe_api"])].into()
    );
    let sat = fe.saturation.as_ref().expect("denial share");
    assert!((sat.value - 15.0 / 220.0).abs() < 1e-9, "{}", sat.value);
    // The stick-table holder backend and the metrics frontend are not routes.
    let names = routes(&out.batch);
    assert!(!names.contains(&"st_search".to_string()), "{names:?}");
    assert!(!names.contains(&"fe_metrics".to_string()), "{names:?}");
    assert!(
        names.contains(&"be_inventory".to_string()),
        "a down backend is still a route"
    );
}

#[test]
fn haproxy_deny_status_and_route_options() {
    let Some(dir) = shared_dir("haproxy fixture") else {
        return;
    };
    let mut options = PresetOptions::default();
    options.haproxy.deny_status = Some(429);
    options
        .haproxy
        .denials_route
        .insert("fe_api".into(), "be_search".into());
    let mut m = mapper("haproxy", options).counting_from_zero();
    let out = ingest(&mut m, &read(&dir, "haproxy-2.6/metrics-after.prom"), 5_000);
    let search = delta(&out.batch, "be_search");
    assert_eq!(by_status(search), counts(&[("2xx", 25), ("429", 15)]));
    assert!(!routes(&out.batch).contains(&"fe_api".to_string()));
}

#[test]
fn nginx_exporter_gives_totals_only() {
    let Some(dir) = shared_dir("nginx fixture") else {
        return;
    };
    let body = read(&dir, "nginx-1.22/exporter-metrics-after.prom");
    let mut auto = MetricsMapper::new(PresetChoice::Auto, None)
        .unwrap()
        .counting_from_zero();
    let out = ingest(&mut auto, &body, 0);
    assert_eq!(auto.preset_name(), Some("nginx"));
    assert_eq!(out.batch.status_detail, StatusDetail::TotalsOnly);
    assert!(out.batch.gateway_only);
    let gw = &out.batch.deltas[0];
    assert_eq!(gw.requests(), 245, "lifetime total, own fetches included");
    assert!(out.notes.iter().any(|n| n.contains("own stub_status")));
}
