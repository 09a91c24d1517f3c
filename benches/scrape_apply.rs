//! Scrape-apply cycle on a 100,000-series exposition: parse + map + counter increases + per-route
//! sums, steady state (the mapper already knows every series), against parsing alone.
//!
//! `cargo bench --bench scrape_apply`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatewatch::model::time::Timestamp;
use gatewatch::parse::exposition::{parse, ParseOptions};
use gatewatch::parse::presets::{MetricsMapper, PresetChoice};

const ROUTES: usize = 1_000;
const CODES: [&str; 5] = ["200", "201", "404", "429", "503"];
const BUCKETS_MS: [&str; 12] = [
    "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "+Inf",
];

/// Kong 3.x-shaped exposition: per (route, code) one request counter, a 12-bucket latency
/// histogram (+ sum, count) and 5 bandwidth/other series the preset does not read: 20 series
/// per group, 5,000 groups = 100,000 series. `tick` shifts the values so increases are real.
fn exposition(tick: u64) -> String {
    let mut s = String::with_capacity(16 << 20);
    s.push_str("# HELP kong_http_requests_total HTTP status codes per consumer/service/route in Kong\n# TYPE kong_http_requests_total counter\n");
    let route = |r: usize| format!("orders-{r}");
    let service = |r: usize| {
        if r % 10 == 0 {
            format!("svc \\\"legacy\\\" {}", r / 10)
        } else {
            format!("svc-{}", r / 10)
        }
    };
    for r in 0..ROUTES {
        for (c, code) in CODES.iter().enumerate() {
            let src = if *code == "429" { "kong" } else { "service" };
            let v = (r * 7 + c * 3) as u64 * 10 + tick * (c as u64 + 1);
            s.push_str(&format!(
                "kong_http_requests_total{{service=\"{}\",route=\"{}\",code=\"{code}\",source=\"{src}\",workspace=\"default\",consumer=\"\"}} {v}\n",
                service(r),
                route(r)
            ));
        }
    }
    s.push_str("# HELP kong_request_latency_ms Total latency incurred during requests for each service/route in Kong\n# TYPE kong_request_latency_ms histogram\n");
    for r in 0..ROUTES {
        for (c, code) in CODES.iter().enumerate() {
            let total = (r + c) as u64 * 12 + tick * 12;
            for (b, le) in BUCKETS_MS.iter().enumerate() {
                let cum = total * (b as u64 + 1) / BUCKETS_MS.len() as u64;
                s.push_str(&format!(
                    "kong_request_latency_ms_bucket{{service=\"{}\",route=\"{}\",workspace=\"default\",code=\"{code}\",le=\"{le}\"}} {cum}\n",
                    service(r),
                    route(r)
                ));
            }
            s.push_str(&format!(
                "kong_request_latency_ms_sum{{service=\"{}\",route=\"{}\",workspace=\"default\",code=\"{code}\"}} {}\n",
                service(r),
                route(r),
                total * 40
            ));
            s.push_str(&format!(
                "kong_request_latency_ms_count{{service=\"{}\",route=\"{}\",workspace=\"default\",code=\"{code}\"}} {total}\n",
                service(r),
                route(r)
            ));
        }
    }
    s.push_str("# HELP kong_bandwidth_bytes Total bandwidth (ingress/egress) throughput in bytes\n# TYPE kong_bandwidth_bytes counter\n");
    for r in 0..ROUTES {
        for code in CODES {
            for dir in ["ingress", "egress", "ingress_h", "egress_h", "other"] {
                s.push_str(&format!(
                    "kong_bandwidth_bytes{{service=\"{}\",route=\"{}\",direction=\"{dir}\",workspace=\"default\",consumer=\"{code}\"}} {}\n",
                    service(r),
                    route(r),
                    tick * 1000
                ));
            }
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let bodies = [exposition(1), exposition(2)];
    let opts = ParseOptions::default();
    let mut m = MetricsMapper::new(PresetChoice::Named("kong"), None).expect("kong preset");
    let first = m
        .ingest(bodies[0].as_bytes(), Timestamp(0), &opts)
        .expect("ingest");
    assert_eq!(first.report.series, 100_000);
    let second = m
        .ingest(bodies[1].as_bytes(), Timestamp(10_000), &opts)
        .expect("ingest");
    assert_eq!(second.batch.deltas.len(), ROUTES);

    let mut g = c.benchmark_group("scrape_apply_100k");
    g.throughput(Throughput::Bytes(bodies[0].len() as u64));
    g.sample_size(20);
    g.bench_function("parse_only", |b| {
        let mut n = 0usize;
        b.iter(|| {
            let body = &bodies[n % 2];
            n += 1;
            let r = parse(
                body.as_bytes(),
                &opts,
                &|f| f.starts_with("kong_http") || f.starts_with("kong_request"),
                &mut |_, s| {
                    black_box(s.value);
                },
            );
            black_box(r.map(|r| r.series).unwrap_or(0))
        })
    });
    g.bench_function("ingest_steady_state", |b| {
        let mut n = 0u64;
        b.iter(|| {
            // Alternating bodies: every other cycle looks like a reset, both cost the same.
            let body = &bodies[(n % 2) as usize];
            n += 1;
            let out = m.ingest(
                body.as_bytes(),
                Timestamp(20_000 + n as i64 * 10_000),
                &opts,
            );
            black_box(out.map(|o| o.batch.deltas.len()).unwrap_or(0))
        })
    });
    g.bench_function("ingest_first_scrape", |b| {
        b.iter(|| {
            let mut fresh =
                MetricsMapper::new(PresetChoice::Named("kong"), None).expect("kong preset");
            let out = fresh.ingest(bodies[0].as_bytes(), Timestamp(0), &opts);
            black_box(out.map(|o| o.stats.series).unwrap_or(None))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
