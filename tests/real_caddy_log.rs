//! A real Caddy, started by the test in front of an in-test backend, writes its JSON access
//! log; parsed (given and detected), it must count exactly what the test sent, per route and
//! status, and tell Caddy's own 502s (dead upstream) from the backend's answers.

mod accesslog_support;

use std::collections::BTreeMap;
use std::process::Command;

use accesslog_support::real::{self, ProcessGuard};
use gatewatch::model::route_template::RouteTemplates;
use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};

fn caddyfile(dir: &std::path::Path, port: u16, backend: u16, dead: u16) -> String {
    include_str!("gateways/caddy-log/Caddyfile.in")
        .replace("@LOG@", &dir.join("access.json").display().to_string())
        .replace("@PORT@", &port.to_string())
        .replace("@BACKEND@", &backend.to_string())
        .replace("@DEAD@", &dead.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_caddy_log_counts_exactly_what_was_sent() {
    let Some(caddy) = real::binary("caddy") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = real::start_backend().await;
    let (port, dead) = (real::free_port(), real::free_port());
    let conf = dir.path().join("Caddyfile");
    std::fs::write(&conf, caddyfile(dir.path(), port, backend, dead)).expect("write Caddyfile");
    let mut cmd = Command::new(caddy);
    cmd.args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&conf);
    for var in ["HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"] {
        cmd.env(var, dir.path());
    }
    let mut guard = ProcessGuard::spawn("caddy", &mut cmd).expect("start caddy");
    real::wait_for_port(port, &mut guard).expect("caddy listens");

    let sent = real::send_plan(&format!("http://127.0.0.1:{port}"), "cdy").await;
    let want = real::expected(&sent);
    assert_eq!(
        want.get(&("GET /v1/inventory".into(), 502)),
        Some(&3),
        "{want:?}"
    );
    let bytes = real::wait_for_lines(&dir.path().join("access.json"), sent.len());
    drop(guard);

    let caddy_format = LogFormat::builtin(FormatName::Caddy).expect("caddy format");
    for choice in [FormatChoice::Fixed(caddy_format), FormatChoice::Auto] {
        let mut agg =
            LogAggregator::new(choice, RouteTemplates::auto(), AggregateOptions::default());
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            agg.push_line(line, Timestamp(0));
        }
        assert_eq!(agg.detected(), Some(FormatName::Caddy));
        assert_eq!(agg.stats().bad_lines, 0, "{:?}", agg.stats().last_bad_line);
        let batch = agg.take_batch();
        let mut got: BTreeMap<(String, u16), u64> = BTreeMap::new();
        let mut gateway: BTreeMap<(String, u16), u64> = BTreeMap::new();
        for d in &batch.deltas {
            for s in &d.statuses {
                let Status::Code(code) = s.status else {
                    continue;
                };
                *got.entry((d.route.to_string(), code)).or_default() += s.count;
                if s.responder == Responder::Gateway {
                    *gateway.entry((d.route.to_string(), code)).or_default() += s.count;
                }
            }
            for e in &d.errors {
                assert!(!e.line.contains("SECRET"), "secret shown: {}", e.line);
            }
        }
        assert_eq!(got, want, "per route and status");
        let only_inventory = BTreeMap::from([(("GET /v1/inventory".to_string(), 502), 3)]);
        assert_eq!(
            gateway, only_inventory,
            "Caddy made only the dead-upstream 502s"
        );
        let latencies: u64 = batch
            .deltas
            .iter()
            .filter_map(|d| d.latency.as_ref())
            .map(|h| h.total())
            .sum();
        assert_eq!(latencies as usize, sent.len());
    }
}
