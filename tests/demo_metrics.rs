//! The demo's `/metrics` parses as Prometheus text, its counters only grow, and it agrees
//! exactly with the access log about the same requests.

use std::collections::BTreeMap;
use std::time::Duration;

use gatewatch::demo::log_writer::format_line;
use gatewatch::demo::metrics::{KongMetrics, UPSTREAM_LATENCY_BUCKETS_MS};
use gatewatch::demo::routes::{match_route, ROUTES};
use gatewatch::demo::scenario::{Phase, Scenario};
use gatewatch::demo::traffic::TrafficGenerator;
use gatewatch::demo::{self, DemoOptions};
use gatewatch::model::time::Timestamp;
use prometheus_parse::{Scrape, Value};

type Counts = BTreeMap<(String, u16), u64>;

fn parse(text: &str) -> Scrape {
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("exposition parses")
}

/// `kong_http_requests_total` summed per (route, code).
fn metric_counts(scrape: &Scrape) -> Counts {
    let mut out = Counts::new();
    for s in scrape
        .samples
        .iter()
        .filter(|s| s.metric == "kong_http_requests_total")
    {
        let Value::Counter(v) = s.value else {
            panic!("requests_total must be a counter")
        };
        let route = s.labels.get("route").expect("route label").to_string();
        let code: u16 = s
            .labels
            .get("code")
            .expect("code label")
            .parse()
            .expect("numeric code");
        for label in ["service", "source", "workspace", "consumer"] {
            assert!(s.labels.get(label).is_some(), "label {label} present");
        }
        *out.entry((route, code)).or_insert(0) += v as u64;
    }
    out
}

/// Log lines per (route, status), mapping each request line to its Kong route the way the
/// router does; lines matching no route are counted apart (Kong leaves them out of metrics).
fn log_counts(log: &str) -> (Counts, u64) {
    let mut out = Counts::new();
    let mut unmatched = 0;
    for line in log.lines() {
        let request = line.split('"').nth(1).expect("quoted request");
        let mut parts = request.split(' ');
        let (method, target) = (parts.next().expect("method"), parts.next().expect("target"));
        let status: u16 = line
            .split('"')
            .nth(2)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .expect("status after the request");
        match match_route(method, target) {
            Some(i) => *out.entry((ROUTES[i].name.to_string(), status)).or_insert(0) += 1,
            None => unmatched += 1,
        }
    }
    (out, unmatched)
}

#[test]
fn generated_requests_agree_between_metrics_and_log_lines() {
    let start = Timestamp(1_764_626_841_000);
    let mut generator = TrafficGenerator::new(Scenario::new(3, start), 3, 300);
    let mut metrics = KongMetrics::new();
    let mut log = String::new();
    let mut batch = Vec::new();
    // Five simulated minutes, through the first incidents, in 100 ms steps.
    let mut t = start;
    for _ in 0..3_000 {
        let next = t.plus(Duration::from_millis(100));
        batch.clear();
        generator.generate(t, next, None, &mut batch);
        for r in &batch {
            metrics.record(r);
            format_line(r, &mut log);
            log.push('\n');
        }
        t = next;
    }
    let mut text = String::new();
    metrics.render(&Phase::Baseline, &mut text);
    let scrape = parse(&text);
    let (from_log, unmatched) = log_counts(&log);
    assert_eq!(metric_counts(&scrape), from_log);
    let total: u64 = from_log.values().sum();
    // 300 rps for 300 s, give or take the wobble and the incidents' extra traffic.
    assert!(
        (80_000..110_000).contains(&(total + unmatched)),
        "{total} + {unmatched}"
    );
    assert!(unmatched > 0, "scanners hit unknown paths now and then");
    assert!(
        from_log.keys().any(|(_, code)| *code >= 500),
        "incidents produce 5xx"
    );

    // Histograms: one series per route with Kong's bucket layout, counts matching requests.
    for s in scrape
        .samples
        .iter()
        .filter(|s| s.metric == "kong_request_latency_ms")
    {
        let Value::Histogram(buckets) = &s.value else {
            panic!("histogram")
        };
        let bounds: Vec<f64> = buckets.iter().map(|b| b.less_than).collect();
        let mut want: Vec<f64> = UPSTREAM_LATENCY_BUCKETS_MS
            .iter()
            .map(|b| f64::from(*b))
            .collect();
        want.push(f64::INFINITY);
        assert_eq!(bounds, want);
        let route = s.labels.get("route").expect("route");
        let requests: u64 = from_log
            .iter()
            .filter(|((r, _), _)| r == route)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(
            buckets.last().map(|b| b.count as u64),
            Some(requests),
            "{route}"
        );
        assert!(
            buckets.windows(2).all(|w| w[0].count <= w[1].count),
            "cumulative"
        );
    }
}

#[test]
fn exposition_has_help_and_type_for_every_family() {
    let mut metrics = KongMetrics::new();
    let mut generator = TrafficGenerator::new(Scenario::new(1, Timestamp(0)), 1, 300);
    let mut batch = Vec::new();
    generator.generate(Timestamp(0), Timestamp(2_000), None, &mut batch);
    batch.iter().for_each(|r| metrics.record(r));
    let mut text = String::new();
    metrics.render(&Phase::Baseline, &mut text);
    let mut families = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            families.push(rest.split(' ').next().expect("name").to_string());
        }
    }
    for want in [
        "kong_bandwidth_bytes",
        "kong_datastore_reachable",
        "kong_http_requests_total",
        "kong_kong_latency_ms",
        "kong_nginx_connections_total",
        "kong_nginx_requests_total",
        "kong_node_info",
        "kong_request_latency_ms",
        "kong_upstream_latency_ms",
        "kong_upstream_target_health",
    ] {
        assert!(families.iter().any(|f| f == want), "family {want}");
        assert!(text.contains(&format!("# HELP {want} ")), "HELP for {want}");
    }
    let mut sorted = families.clone();
    sorted.sort();
    assert_eq!(
        families, sorted,
        "families sorted by name, as Kong emits them"
    );
    assert!(parse(&text).samples.len() > 100);
}

#[tokio::test]
async fn live_scrapes_are_monotonic_and_match_the_log_at_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo::start(DemoOptions {
        listen: None,
        log_file: Some(dir.path().join("access.log")),
        rps: 400,
        seed: 11,
    })
    .await
    .expect("demo starts");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let scrape = || async {
        let resp = http.get(&demo.metrics_url).send().await.expect("scrape");
        assert_eq!(resp.status(), 200);
        parse(&resp.text().await.expect("body"))
    };

    // Wait (bounded) until traffic has been generated, then take two scrapes a moment apart.
    let mut first = metric_counts(&scrape().await);
    for _ in 0..50 {
        if first.values().sum::<u64>() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        first = metric_counts(&scrape().await);
    }
    assert!(first.values().sum::<u64>() > 0, "traffic within 5 s");
    let mut second = metric_counts(&scrape().await);
    for _ in 0..50 {
        if second.values().sum::<u64>() > first.values().sum::<u64>() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        second = metric_counts(&scrape().await);
    }
    for (key, n) in &first {
        let later = second.get(key).copied().unwrap_or(0);
        assert!(later >= *n, "{key:?} went from {n} to {later}");
    }
    assert!(second.values().sum::<u64>() > first.values().sum::<u64>());

    demo.set_traffic_paused(true);
    let at_rest = metric_counts(&scrape().await);
    let log = std::fs::read_to_string(&demo.log_path).expect("log");
    let (from_log, _) = log_counts(&log);
    assert_eq!(at_rest, from_log);
    demo.shutdown().await;
}

#[test]
fn gatewatch_parser_reads_the_demo_as_conforming_kong() {
    let start = Timestamp(1_764_626_841_000);
    let mut generator = TrafficGenerator::new(Scenario::new(2, start), 2, 300);
    let mut metrics = KongMetrics::new();
    let mut batch = Vec::new();
    generator.generate(start, start.plus(Duration::from_secs(5)), None, &mut batch);
    batch.iter().for_each(|r| metrics.record(r));
    let mut text = String::new();
    metrics.render(&Phase::Baseline, &mut text);

    let mut total = 0.0;
    let report = gatewatch::parse::exposition::parse(
        text.as_bytes(),
        &gatewatch::parse::exposition::ParseOptions::default(),
        &|family| family == "kong_http_requests_total",
        &mut |_, sample| total += sample.value,
    )
    .expect("parses");
    assert!(
        report.conforming,
        "{:?} {:?}",
        report.nonconforming_reason, report.bad_lines
    );
    assert_eq!(report.bad_line_count, 0);
    let counted = batch.iter().filter(|r| r.route.is_some()).count();
    assert_eq!(total as usize, counted);
    let names: Vec<&str> = report.families.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        gatewatch::parse::presets::detect(names.iter().copied()),
        Some("kong")
    );
}
