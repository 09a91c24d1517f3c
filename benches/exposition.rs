//! gatewatch's exposition parser against `prometheus-parse`, in one run, on a generated
//! 100,000-series gateway exposition (see `support/exposition_gen.rs`).
//!
//! `cargo bench --bench exposition` prints, besides criterion's own lines, the series each
//! parser gets out of the body, the throughput of each in MB/s and the speed ratio.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput};
use gatewatch::parse::exposition::{parse, ParseOptions};

#[path = "support/exposition_gen.rs"]
mod exposition_gen;

const GROUP: &str = "exposition_100k";

fn gatewatch_parse(body: &[u8]) -> u64 {
    let mut delivered = 0u64;
    let mut sum = 0.0;
    let report = parse(body, &ParseOptions::default(), &|_| true, &mut |_, s| {
        delivered += 1;
        sum += s.value;
    })
    .expect("body under the limit");
    black_box(sum);
    assert_eq!(report.bad_line_count, 0);
    delivered
}

/// Series out of prometheus-parse: it folds histogram buckets and summary quantiles into one
/// sample per label set, so those are unfolded to count like lines.
fn prometheus_parse(text: &str) -> u64 {
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    // `parse` reads the clock once per call (for untimestamped samples); negligible here.
    let scrape = prometheus_parse::Scrape::parse(lines).expect("in-memory lines");
    scrape
        .samples
        .iter()
        .map(|s| match &s.value {
            prometheus_parse::Value::Histogram(h) => h.len() as u64,
            prometheus_parse::Value::Summary(q) => q.len() as u64,
            _ => 1,
        })
        .sum()
}

fn bench(c: &mut Criterion, body: &str) {
    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(10);
    group.bench_function("gatewatch", |b| {
        b.iter(|| gatewatch_parse(black_box(body.as_bytes())))
    });
    group.bench_function("prometheus-parse", |b| {
        b.iter(|| prometheus_parse(black_box(body)))
    });
    group.finish();
}

/// Criterion's point estimate (mean, ns) for one benchmark of this run.
fn mean_ns(id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")));
    let path = target
        .join("criterion")
        .join(GROUP)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn main() {
    let body = exposition_gen::generate();
    let mb = body.len() as f64 / 1e6;
    let ours = gatewatch_parse(body.as_bytes());
    let theirs = prometheus_parse(&body);
    println!(
        "exposition: {:.2} MB, {} sample lines",
        mb,
        exposition_gen::SERIES
    );
    println!("series out: gatewatch {ours}, prometheus-parse {theirs}");
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &body);
    c.final_summary();
    if let (Some(g), Some(p)) = (mean_ns("gatewatch"), mean_ns("prometheus-parse")) {
        let (g_mbs, p_mbs) = (mb / (g / 1e9), mb / (p / 1e9));
        println!(
            "throughput: gatewatch {g_mbs:.0} MB/s, prometheus-parse {p_mbs:.0} MB/s, ratio {:.1}x",
            p / g
        );
    }
}
