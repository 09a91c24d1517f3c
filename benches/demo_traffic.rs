//! Cost of one 100 ms tick of the demo at the default rate: generating the requests, counting
//! them, and formatting their log lines; and of rendering `/metrics`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use gatewatch::demo::log_writer::format_line;
use gatewatch::demo::metrics::KongMetrics;
use gatewatch::demo::scenario::{Phase, Scenario};
use gatewatch::demo::traffic::TrafficGenerator;
use gatewatch::model::time::Timestamp;

fn tick(c: &mut Criterion) {
    let start = Timestamp(1_764_626_841_000);
    let mut generator = TrafficGenerator::new(Scenario::new(1, start), 1, 300);
    let mut metrics = KongMetrics::new();
    let mut batch = Vec::new();
    let mut line = String::new();
    let mut t = start;
    c.bench_function("demo tick (100 ms at 300 rps)", |b| {
        b.iter(|| {
            let next = t.plus(Duration::from_millis(100));
            batch.clear();
            generator.generate(t, next, None, &mut batch);
            for r in &batch {
                metrics.record(r);
                line.clear();
                format_line(r, &mut line);
            }
            t = next;
            batch.len()
        })
    });
    let mut text = String::new();
    c.bench_function("demo /metrics render", |b| {
        b.iter(|| {
            text.clear();
            metrics.render(&Phase::Baseline, &mut text);
            text.len()
        })
    });
}

criterion_group!(benches, tick);
criterion_main!(benches);
