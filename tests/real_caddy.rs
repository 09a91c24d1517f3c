//! A real Caddy in front of an in-test backend: the mapper's per-status increases between two
//! scrapes equal exactly what the client got back, with Caddy's own 502/504 (absent from its
//! histograms) as 5xx of unknown code.

#[path = "gateways/live.rs"]
mod live;

use std::collections::BTreeMap;
use std::process::Command;

use gatewatch::model::route::RouteKey;
use gatewatch::model::time::Timestamp;
use gatewatch::parse::exposition::ParseOptions;
use gatewatch::parse::presets::{MetricsMapper, PresetChoice};
use live::*;

/// The mix sent: (method, path, how many).
const MIX: &[(&str, &str, usize)] = &[
    ("GET", "/ok", 40),
    ("POST", "/created", 12),
    ("GET", "/missing", 9),
    ("GET", "/limited", 6),
    ("GET", "/boom", 5),
    ("GET", "/down", 7),
    ("GET", "/slow", 3),
];

/// Paths whose errors Caddy makes itself (dial refused, header timeout).
const CADDY_MADE: &[&str] = &["/down", "/slow"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caddy_counts_per_status_equal_what_was_sent() {
    if !have("caddy", "real_caddy") {
        return;
    }
    let (backend, _task) = start_backend().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (admin, site, dead) = (free_port(), free_port(), free_port());
    let caddyfile = config(
        "Caddyfile.tpl",
        &[
            ("ADMIN_PORT", admin.to_string()),
            ("SITE_PORT", site.to_string()),
            ("DEAD_PORT", dead.to_string()),
            ("BACKEND_PORT", backend.port().to_string()),
        ],
    );
    let cfg = dir.path().join("Caddyfile");
    std::fs::write(&cfg, caddyfile).expect("write Caddyfile");
    let log = dir.path().join("caddy.log");
    let mut caddy = ProcessGuard::spawn(
        "caddy",
        Command::new("caddy")
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&cfg)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_DATA_HOME", dir.path().join("data")),
        &log,
    );
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let metrics_url = format!("http://127.0.0.1:{admin}/metrics");
    let base = format!("http://127.0.0.1:{site}");
    if !wait_ready(&client, &metrics_url, 100).await {
        caddy.assert_running(&log);
        panic!(
            "caddy admin did not come up: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    assert!(caddy.pid() > 0);

    let mut mapper = MetricsMapper::new(PresetChoice::Auto, None).expect("mapper");
    let opts = ParseOptions::default();
    let before = fetch(&client, &metrics_url).await;
    let baseline = mapper
        .ingest(&before, Timestamp(0), &opts)
        .expect("baseline");
    assert_eq!(
        mapper.preset_name(),
        Some("caddy"),
        "auto picks caddy even before traffic"
    );
    assert!(baseline.batch.deltas.is_empty());

    let mut got = BTreeMap::new();
    for (method, path, n) in MIX {
        send(&client, &base, method, path, *n, &mut got).await;
    }
    let after = fetch(&client, &metrics_url).await;
    let out = mapper
        .ingest(&after, Timestamp(60_000), &opts)
        .expect("after");
    caddy.assert_running(&log);

    // Expected: exact codes, except Caddy's own errors, which only the class can show.
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown_5xx = 0;
    for ((path, status), n) in &got {
        if CADDY_MADE.contains(&path.as_str()) {
            assert!(*status == 502 || *status == 504, "{path} gave {status}");
            unknown_5xx += n;
            *want.entry("5xx".into()).or_insert(0) += n;
        } else {
            *want.entry(status.to_string()).or_insert(0) += n;
        }
    }
    assert_eq!(unknown_5xx, 10, "7 dial failures and 3 timeouts");
    assert!(out.batch.gateway_only);
    assert_eq!(out.batch.deltas.len(), 1);
    let gw = &out.batch.deltas[0];
    assert_eq!(gw.route, RouteKey::gateway());
    let mut have_counts = BTreeMap::new();
    for s in &gw.statuses {
        *have_counts.entry(s.status.to_string()).or_insert(0) += s.count;
    }
    assert_eq!(have_counts, want, "client saw {got:?}");
    let total: u64 = MIX.iter().map(|m| m.2 as u64).sum();
    assert_eq!(gw.requests(), total);
    assert_eq!(
        gw.latency.as_ref().map(|h| h.total()),
        Some(total - unknown_5xx)
    );
    assert_eq!(out.stats.bad_lines, 0);
}
