//! A real HAProxy in front of an in-test backend: per-backend, per-class increases between two
//! scrapes equal exactly what the client got back, gateway-made 429s from the frontend's limiter
//! included (mapped to the route they guard), the stick-table holder hidden.

#[path = "gateways/live.rs"]
mod live;

use std::collections::BTreeMap;

use gatewatch::model::status::Status;
use gatewatch::model::time::Timestamp;
use gatewatch::model::traffic::StatusDetail;
use gatewatch::parse::exposition::ParseOptions;
use gatewatch::parse::presets::{MetricsMapper, PresetChoice, PresetOptions};
use live::*;

const SEARCH_LIMIT: u32 = 5;

/// (method, path, how many, backend).
const MIX: &[(&str, &str, usize, &str)] = &[
    ("GET", "/ok", 30, "be_app"),
    ("POST", "/created", 10, "be_app"),
    ("GET", "/missing", 8, "be_app"),
    ("GET", "/limited", 4, "be_app"),
    ("GET", "/boom", 6, "be_app"),
    ("GET", "/down", 5, "be_down"),
    ("GET", "/slow", 2, "be_slow"),
    ("GET", "/search", 20, "be_search"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn haproxy_counts_per_backend_and_class_equal_what_was_sent() {
    if !have("haproxy", "real_haproxy") {
        return;
    }
    let (backend, _task) = start_backend().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut haproxy = Haproxy::start(dir.path(), "haproxy", backend.port(), SEARCH_LIMIT);
    let log = haproxy.log.clone();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let (metrics_url, base) = (haproxy.metrics.clone(), haproxy.base.clone());
    if !wait_ready(&client, &metrics_url, 100).await {
        haproxy.guard.assert_running(&log);
        panic!(
            "haproxy did not come up: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    let mut options = PresetOptions::default();
    options.haproxy.deny_status = Some(429);
    options
        .haproxy
        .denials_route
        .insert("fe_api".into(), "be_search".into());
    let mut mapper = MetricsMapper::new(PresetChoice::Auto, None)
        .and_then(|m| m.with_options(options))
        .expect("mapper");
    let opts = ParseOptions::default();
    let before = fetch(&client, &metrics_url).await;
    mapper
        .ingest(&before, Timestamp(0), &opts)
        .expect("baseline");
    assert_eq!(mapper.preset_name(), Some("haproxy"));

    let mut got = BTreeMap::new();
    for (method, path, n, _) in MIX {
        send(&client, &base, method, path, *n, &mut got).await;
    }
    let after = fetch(&client, &metrics_url).await;
    let out = mapper
        .ingest(&after, Timestamp(30_000), &opts)
        .expect("after");
    haproxy.guard.assert_running(&log);
    assert_eq!(out.batch.status_detail, StatusDetail::ClassOnly);

    // Expected per backend: classes; the limiter's 429s (the only 429s /search can get) exact,
    // since the options name the deny status.
    let backend_of = |path: &str| MIX.iter().find(|m| m.1 == path).map(|m| m.3).unwrap_or("?");
    let mut want: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut denied = 0;
    for ((path, status), n) in &got {
        let label = if path == "/search" && *status == 429 {
            denied += n;
            "429".to_string()
        } else {
            Status::Code(*status).class().label().to_string()
        };
        *want
            .entry((backend_of(path).to_string(), label))
            .or_insert(0) += n;
    }
    // Whether the limit counts the current request is HAProxy's business; it must have bitten.
    assert!(
        denied >= 20 - u64::from(SEARCH_LIMIT) - 1 && denied < 20,
        "limiter: {got:?}"
    );
    assert_eq!(got.get(&("/down".to_string(), 503)), Some(&5), "{got:?}");
    assert_eq!(got.get(&("/slow".to_string(), 504)), Some(&2), "{got:?}");

    let mut have_counts = BTreeMap::new();
    for d in &out.batch.deltas {
        for s in &d.statuses {
            *have_counts
                .entry((d.route.to_string(), s.status.to_string()))
                .or_insert(0) += s.count;
        }
    }
    assert_eq!(have_counts, want, "client saw {got:?}");
    let names: Vec<String> = out
        .batch
        .deltas
        .iter()
        .map(|d| d.route.to_string())
        .collect();
    assert!(
        !names.contains(&"st_search".to_string()),
        "holder backend hidden: {names:?}"
    );
    assert!(
        !names.contains(&"fe_api".to_string()),
        "denials moved to be_search: {names:?}"
    );
    let search = out
        .batch
        .deltas
        .iter()
        .find(|d| &*d.route.route == "be_search")
        .expect("be_search");
    let sat = search.saturation.as_ref().expect("denial share");
    assert!(sat.signal.contains("denied"), "{}", sat.signal);
}
