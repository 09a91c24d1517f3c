//! CPU and memory of the running demo gateway, measured from /proc: the demo alone in this
//! process, generating traffic at the default rate, scraped once a second like a dashboard would.
//!
//! `DEMO_CPU_SECS` (default 30) sets the measured time; the result is scaled to CPU-s per minute.
//! `DEMO_CPU_SCRAPE=0` leaves out the scrapes; `DEMO_CPU_RUNTIME=current` uses a current-thread
//! runtime instead of two workers. The clock-tick resolution of /proc is 10 ms: measure ≥ 60 s.

use std::time::{Duration, Instant};

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and must not spend
    // half a minute here.
    if !std::env::args().any(|a| a == "--bench") {
        println!("demo_cpu: measured only under `cargo bench --bench demo_cpu`");
        return;
    }
    let secs: u64 = std::env::var("DEMO_CPU_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let scrape = std::env::var("DEMO_CPU_SCRAPE").map_or(true, |v| v != "0");
    let rt = if std::env::var("DEMO_CPU_RUNTIME").is_ok_and(|v| v == "current") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    }
    .expect("runtime");
    rt.block_on(async {
        let demo = gatewatch::demo::start(gatewatch::demo::DemoOptions::default())
            .await
            .expect("demo starts");
        let http = reqwest::Client::new();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let cpu0 = cpu_seconds().expect("/proc/self/stat");
        let t0 = Instant::now();
        let mut scraped_bytes = 0;
        while t0.elapsed() < Duration::from_secs(secs) {
            if !scrape {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            if let Ok(resp) = http.get(&demo.metrics_url).send().await {
                scraped_bytes = resp.text().await.map(|t| t.len()).unwrap_or(0);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let cpu = cpu_seconds().expect("/proc/self/stat") - cpu0;
        let per_min = cpu * 60.0 / t0.elapsed().as_secs_f64();
        let log_bytes = std::fs::metadata(&demo.log_path).map(|m| m.len()).unwrap_or(0);
        println!(
            "demo at 300 rps, scrapes every 1 s: {scrape}: {per_min:.3} CPU-s/min, RSS {} KiB, /metrics {} bytes, log {} bytes after {secs} s",
            rss_kib().unwrap_or(0),
            scraped_bytes,
            log_bytes
        );
        demo.shutdown().await;
    });
}
