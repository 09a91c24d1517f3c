//! The scrape task against in-process servers: the Content-Type picks the parser, and three
//! targets of one gateway (one healthy, one answering 500s for half its requests, one down)
//! make one row per route with each instance kept.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use gatewatch::cli::SourceArgs;
use gatewatch::model::source::SourceId;
use gatewatch::session::Session;
use gatewatch::sources::plan::{resolve, SourcePlan};
use gatewatch::store::source_state::Health;
use gatewatch::store::Event;
use tokio::sync::mpsc;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Serves whatever `body(n)` makes of the request number `n` (1, 2, …) with `content_type`.
async fn serve(
    content_type: &'static str,
    body: impl Fn(u64) -> String + Send + Sync + 'static,
) -> (String, tokio::task::JoinHandle<()>) {
    let hits = Arc::new(AtomicU64::new(0));
    let body = Arc::new(body);
    let app = axum::Router::new().route(
        "/metrics",
        get(move || {
            let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
            let text = body(n);
            async move { ([(CONTENT_TYPE, content_type)], text) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

fn kong_line(code: u16, value: u64, timestamp: &str) -> String {
    format!(
        "kong_http_requests_total{{service=\"s\",route=\"orders\",code=\"{code}\",source=\"service\",workspace=\"default\",consumer=\"\"}} {value}{timestamp}\n"
    )
}

/// Bad lines the parser reported for one scrape of a server sending `body` as `content_type`.
async fn bad_lines(content_type: &'static str, body: &'static str) -> u64 {
    let (url, server) = serve(content_type, move |_| body.to_string()).await;
    let args = SourceArgs {
        config: Some(empty_config()),
        scrape: vec![url],
        preset: "kong".into(),
        ..SourceArgs::default()
    };
    let plan = resolve(&args, false).unwrap();
    let Some(SourcePlan::Scrape(p)) = plan.sources.into_iter().next() else {
        panic!("one scrape plan");
    };
    let ingest = gatewatch::sources::metrics_ingest::for_plan(&p).unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(gatewatch::sources::scrape::run(*p, ingest, tx));
    let stats = loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Event::SourceOk { stats, .. })) => break stats,
            Ok(Some(Event::SourceFailed { error, .. })) => panic!("scrape failed: {error}"),
            Ok(Some(_)) => continue,
            other => panic!("no scrape result: {other:?}"),
        }
    };
    task.abort();
    server.abort();
    stats.bad_lines
}

/// An empty config file, so that no user config joins the test's sources.
fn empty_config() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("gatewatch-empty-{}.toml", std::process::id()));
    std::fs::write(&path, "").unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_content_type_picks_the_parser() {
    // Ends with `# EOF` (the body alone says OpenMetrics) and has a timestamp in float seconds:
    // fine in OpenMetrics, a bad line in Prometheus text (milliseconds, integers only).
    let om_body: &'static str = Box::leak(
        format!(
            "# TYPE kong_http_requests_total counter\n{}# EOF\n",
            kong_line(200, 5, " 1700000000.5")
        )
        .into_boxed_str(),
    );
    // No `# EOF` (the body alone says Prometheus) and a blank line: ignored in Prometheus text,
    // a bad line in OpenMetrics.
    let prom_body: &'static str = Box::leak(
        format!(
            "# TYPE kong_http_requests_total counter\n\n{}",
            kong_line(200, 5, "")
        )
        .into_boxed_str(),
    );
    assert_eq!(bad_lines(OPENMETRICS, om_body).await, 0);
    assert_eq!(
        bad_lines(PROMETHEUS, om_body).await,
        1,
        "read as Prometheus text"
    );
    assert_eq!(bad_lines(PROMETHEUS, prom_body).await, 0);
    assert_eq!(
        bad_lines(OPENMETRICS, prom_body).await,
        1,
        "read as OpenMetrics"
    );
    // Without a type it knows, the body decides.
    assert_eq!(bad_lines("application/octet-stream", om_body).await, 0);
    assert_eq!(bad_lines("application/octet-stream", prom_body).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_of_one_gateway_are_summed_and_kept() {
    // a: 10 OK per scrape, as Prometheus text. b: 5 OK and 5 failed per scrape, as OpenMetrics.
    let (a, sa) = serve(PROMETHEUS, |n| {
        format!(
            "# TYPE kong_http_requests_total counter\n{}",
            kong_line(200, 10 * n, "")
        )
    })
    .await;
    let (b, sb) = serve(OPENMETRICS, |n| {
        format!(
            "# TYPE kong_http_requests_total counter\n{}{}# EOF\n",
            kong_line(200, 5 * n, ""),
            kong_line(500, 5 * n, "")
        )
    })
    .await;
    // c: nothing listens there.
    let c = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/metrics", l.local_addr().unwrap())
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("gw.toml");
    std::fs::write(
        &config,
        format!(
            "[[scrape]]\ngateway = \"edge\"\npreset = \"kong\"\ninterval = \"100ms\"\ntimeout = \"1s\"\ntargets = [\"{a}\", \"{b}\", \"{c}\"]\n"
        ),
    )
    .unwrap();
    let args = SourceArgs {
        config: Some(config),
        ..SourceArgs::default()
    };
    let plan = resolve(&args, false).unwrap();
    assert_eq!(plan.gateways().len(), 1);
    let mut session = Session::start(plan).await.unwrap();
    let ids: Vec<SourceId> = session
        .store
        .sources
        .iter()
        .map(|s| s.spec.id.clone())
        .collect();
    assert_eq!(ids.len(), 3);
    let requests_of = |s: &gatewatch::store::Store, i: usize| {
        s.routes
            .get(&ids[i])
            .map_or(0, |m| m.values().map(|r| r.total_requests()).sum::<u64>())
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let s = &session.store;
        if requests_of(s, 0) >= 30
            && requests_of(s, 1) >= 30
            && s.sources[2].health == Health::Failing
        {
            break;
        }
        let ev = tokio::time::timeout_at(deadline, session.rx.recv())
            .await
            .expect("three scrapes of each live instance within 20 s")
            .expect("sources running");
        session.store.apply(ev, gatewatch::sources::clock::now());
    }
    let store = &session.store;
    let now = gatewatch::sources::clock::now();
    let rows = gatewatch::store::ranking::ranked_rows(store, now);
    assert_eq!(rows.len(), 1, "one row for the route, not one per instance");
    assert_eq!(rows[0].primary.as_str(), "gateway:edge");
    let feed = store.feed(&rows[0].primary).unwrap();
    let up = feed.instances_up(store);
    assert_eq!((up.up, up.total), (2, 3));
    let per = feed.instances(store, &rows[0].key, now);
    let a_stats = per[0].stats.as_ref().unwrap();
    let b_stats = per[1].stats.as_ref().unwrap();
    assert_eq!(a_stats.by_class[4], 0);
    // Every scrape of b brings 5 OK and 5 failed: exactly half.
    assert_eq!(b_stats.by_class[4] * 2, b_stats.requests);
    assert!(per[2].stats.is_none());
    assert_eq!(
        rows[0].stats.requests,
        a_stats.requests + b_stats.requests,
        "the row is the instances' sum"
    );
    let rate = rows[0].stats.rate_per_s.unwrap();
    let sum = a_stats.rate_per_s.unwrap() + b_stats.rate_per_s.unwrap();
    assert!((rate - sum).abs() < 1e-9, "{rate} vs {sum}");
    // b was read as OpenMetrics (its Content-Type), with no bad lines.
    assert_eq!(store.sources[1].stats.bad_lines, 0);
    let snap = serde_json::to_value(gatewatch::view::snapshot::build(store, now)).unwrap();
    let inst = snap["routes"][0]["instances"].as_array().unwrap();
    assert_eq!(inst.len(), 3);
    assert_eq!(inst[1]["ratio_5xx"], 0.5);
    assert_eq!(inst[2]["state"], "failing");
    assert!(snap["sources"][2]["last_error"]
        .as_str()
        .unwrap()
        .contains("connect"));
    sa.abort();
    sb.abort();
}
