//! Reads an access log from start to end through `LogAggregator` and prints per-route,
//! per-status counts and latency percentiles as JSON — the ingest path of
//! `gatewatch snapshot --log FILE --from-start`, for benchmarks.
//!
//! `cargo run --release --example ingest_log -- FILE [FORMAT [--counts]]` (FORMAT defaults to
//! `auto`; `--counts` prints `count method route status` lines, as `benches/route_status.awk`).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use gatewatch::model::histogram::LatencyHistogram;
use gatewatch::model::route::RouteKey;
use gatewatch::model::route_template::RouteTemplates;
use gatewatch::model::traffic::TrafficBatch;
use gatewatch::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};

/// Deltas are taken this often, as the runtime would every frame.
const TAKE_EVERY_LINES: u64 = 65_536;

#[derive(Default)]
struct RouteTotals {
    statuses: BTreeMap<u16, u64>,
    latency: Option<LatencyHistogram>,
}

fn fold(totals: &mut HashMap<RouteKey, RouteTotals>, batch: TrafficBatch) {
    for d in batch.deltas {
        let t = totals.entry(d.route).or_default();
        for s in &d.statuses {
            *t.statuses.entry(s.status.code().unwrap_or(0)).or_default() += s.count;
        }
        if let Some(h) = d.latency {
            match &mut t.latency {
                Some(acc) => {
                    acc.merge(&h);
                }
                None => t.latency = Some(h),
            }
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: ingest_log FILE [FORMAT]"))?;
    let format = args.next().unwrap_or_else(|| "auto".into());
    // `--counts`: print "count method route status" lines (the awk script's output) instead.
    let counts_only = args.next().as_deref() == Some("--counts");
    let choice = match FormatName::parse(&format) {
        Some(FormatName::Auto) => FormatChoice::Auto,
        Some(name) => FormatChoice::Fixed(
            LogFormat::builtin(name).ok_or_else(|| anyhow::anyhow!("{format} needs a config"))?,
        ),
        None => anyhow::bail!("unknown format {format}"),
    };
    let started = Instant::now();
    let mut agg = LogAggregator::new(choice, RouteTemplates::auto(), AggregateOptions::default());
    // As the log source does: lines older than the store's history count in coarse buckets.
    agg.keep_fine_buckets_for(Duration::from_secs(3600));
    let mut totals: HashMap<RouteKey, RouteTotals> = HashMap::new();
    let mut file = std::fs::File::open(&path)?;
    // Chunks as the tailer hands them over: whole lines, read 256 KiB at a time.
    let mut buf = vec![0u8; 256 << 10];
    let mut carry: Vec<u8> = Vec::new();
    let mut taken_at = 0u64;
    let now = gatewatch::sources::clock::now();
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        let Some(last_nl) = memchr::memrchr(b'\n', chunk) else {
            carry.extend_from_slice(chunk);
            continue;
        };
        let mut from = 0;
        if !carry.is_empty() {
            let first_nl = memchr::memchr(b'\n', chunk).unwrap_or(last_nl);
            carry.extend_from_slice(&chunk[..=first_nl]);
            agg.push_lines(&carry, now);
            carry.clear();
            from = first_nl + 1;
        }
        agg.push_lines(&chunk[from..=last_nl], now);
        carry.extend_from_slice(&chunk[last_nl + 1..]);
        if agg.counts().lines - taken_at >= TAKE_EVERY_LINES {
            fold(&mut totals, agg.take_batch());
            taken_at = agg.counts().lines;
        }
    }
    if !carry.is_empty() {
        agg.push_lines(&carry, now);
    }
    fold(&mut totals, agg.take_batch());
    let secs = started.elapsed().as_secs_f64();
    let totals: BTreeMap<String, RouteTotals> = totals
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let counts = agg.counts().clone();
    let out = io::stdout();
    let mut w = io::BufWriter::new(out.lock());
    if counts_only {
        for (route, t) in &totals {
            for (status, n) in &t.statuses {
                writeln!(w, "{n} {route} {status}")?;
            }
        }
        eprintln!("{} lines in {secs:.3} s", counts.lines);
        return Ok(());
    }
    writeln!(w, "{{")?;
    writeln!(
        w,
        "  \"detected\": {:?},",
        agg.detected().map(|f| f.label()).unwrap_or("none")
    )?;
    writeln!(
        w,
        "  \"lines\": {}, \"records\": {}, \"bad\": {},",
        counts.lines, counts.records, counts.bad
    )?;
    writeln!(
        w,
        "  \"seconds\": {secs:.3}, \"lines_per_sec\": {:.0},",
        counts.lines as f64 / secs
    )?;
    writeln!(w, "  \"hidden_routes\": {},", agg.hidden_paths())?;
    writeln!(w, "  \"routes\": [")?;
    let n = totals.len();
    for (i, (route, t)) in totals.iter().enumerate() {
        let total: u64 = t.statuses.values().sum();
        let statuses: Vec<String> = t
            .statuses
            .iter()
            .map(|(s, c)| format!("\"{s}\": {c}"))
            .collect();
        let q = |p: f64| {
            t.latency
                .as_ref()
                .and_then(|h| h.quantile(p))
                .unwrap_or(0.0)
        };
        writeln!(
            w,
            "    {{\"route\": {route:?}, \"requests\": {total}, \"p50_ms\": {:.1}, \"p99_ms\": {:.1}, \"statuses\": {{{}}}}}{}",
            q(0.5),
            q(0.99),
            statuses.join(", "),
            if i + 1 < n { "," } else { "" }
        )?;
    }
    writeln!(w, "  ]\n}}")?;
    Ok(())
}
