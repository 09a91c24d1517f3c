//! Peak memory of parsing the benchmark's 100,000-series exposition, for
//! `docs/bench-exposition.md`. Run one parser per process so each peak is its own:
//!
//! ```text
//! cargo build --release --example exposition_rss
//! for p in baseline gatewatch prometheus-parse; do
//!     /usr/bin/time -v target/release/examples/exposition_rss $p 2>&1 | grep -E 'series|Maximum'
//! done
//! ```
//! `baseline` only generates the body, so the difference is what parsing costs. The program
//! also prints its own high-water mark (`VmHWM`, Linux).

#[path = "../benches/support/exposition_gen.rs"]
mod exposition_gen;

use gatewatch::parse::exposition::{parse, ParseOptions};

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let which = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "gatewatch".into());
    let repeat: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let body = exposition_gen::generate();
    let mut series = 0u64;
    for _ in 0..repeat {
        series = match which.as_str() {
            "baseline" => 0,
            "gatewatch" => {
                let mut n = 0u64;
                parse(
                    body.as_bytes(),
                    &ParseOptions::default(),
                    &|_| true,
                    &mut |_, s| {
                        n += u64::from(s.value >= 0.0);
                    },
                )
                .expect("under the limit");
                n
            }
            "prometheus-parse" => {
                let lines = body.lines().map(|l| Ok(l.to_owned()));
                let scrape = prometheus_parse::Scrape::parse(lines).expect("in memory");
                // Buckets and quantiles are folded into one sample per label set: unfold.
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
            other => {
                eprintln!("unknown parser {other}: baseline, gatewatch or prometheus-parse");
                std::process::exit(2);
            }
        };
    }
    println!("{which}: body {} bytes, series {series}", body.len());
    if let Some(kib) = peak_kib() {
        println!("{which}: peak RSS {:.1} MiB", kib as f64 / 1024.0);
    }
}
