//! Tail benchmarks, each paired with a peer in the same run (see docs/bench-tail.md):
//! - `throughput`: reading a large file from its start (backfill), against `wc -l` and
//!   `tail -n +1` on the same file, warm page cache.
//! - `steady`: CPU of following a file written at a fixed line rate by a separate process,
//!   against GNU `tail -F` following the same kind of writer; plus handoff latency.
//! - `idle`: CPU and wake-ups over a quiet period, against `tail -F`.
//!
//! `cargo bench --bench tail_bench -- [throughput|steady|idle]... [--mib N] [--rate N]
//! [--lines N] [--idle-secs N]`. Without a mode, all three run.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use gatewatch::sources::tail::{spawn_tail, TailEvent, TailSpec};

struct Options {
    modes: Vec<String>,
    mib: u64,
    rate: u64,
    lines: u64,
    idle_secs: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--writer") {
        return writer(&args[1..]);
    }
    let mut opts = Options {
        modes: Vec::new(),
        mib: 1024,
        rate: 10_000,
        lines: 100_000,
        idle_secs: 60,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--mib" => opts.mib = num(),
            "--rate" => opts.rate = num(),
            "--lines" => opts.lines = num(),
            "--idle-secs" => opts.idle_secs = num(),
            "throughput" | "steady" | "idle" => opts.modes.push(arg.clone()),
            _ => {} // cargo passes --bench
        }
    }
    if opts.modes.is_empty() {
        opts.modes = vec!["throughput".into(), "steady".into(), "idle".into()];
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for mode in &opts.modes {
        match mode.as_str() {
            "throughput" => throughput(dir.path(), opts.mib),
            "steady" => steady(dir.path(), opts.rate, opts.lines),
            "idle" => idle(dir.path(), opts.idle_secs),
            _ => unreachable!(),
        }
    }
}

/// A combined-format line of realistic length.
fn log_line(n: u64, out: &mut Vec<u8>) {
    let route = ["orders", "users", "carts", "search", "payments"][(n % 5) as usize];
    let status = [200, 200, 200, 201, 304, 404, 429, 502][(n % 8) as usize];
    let _ = writeln!(
        out,
        "10.0.{}.{} - - [01/Dec/2025:10:00:00 +0000] \"GET /v1/{route}/{n}?page=2&token=abc HTTP/1.1\" \
         {status} {} \"https://example.test/\" \"Mozilla/5.0 (X11; Linux x86_64) bench/1.0\" 0.{:03}",
        n % 250,
        n % 200,
        200 + n % 4000,
        n % 1000
    );
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn run_peer(cmd: &str, args: &[&str], file: &Path) -> f64 {
    let start = Instant::now();
    let status = Command::new(cmd)
        .args(args)
        .arg(file)
        .stdout(Stdio::null())
        .status()
        .expect("peer");
    assert!(status.success(), "{cmd} failed");
    start.elapsed().as_secs_f64()
}

fn throughput(dir: &Path, mib: u64) {
    let path = dir.join("big.log");
    let mut lines = 0u64;
    {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&path).expect("create"));
        let mut buf = Vec::with_capacity(512);
        let mut written = 0u64;
        while written < mib << 20 {
            buf.clear();
            log_line(lines, &mut buf);
            w.write_all(&buf).expect("write");
            written += buf.len() as u64;
            lines += 1;
        }
        w.flush().expect("flush");
    }
    let bytes = fs::metadata(&path).expect("stat").len();
    // Warm the page cache so every contender reads from memory.
    run_peer("cat", &[], &path);
    let mut ours = Vec::new();
    let mut wc = Vec::new();
    let mut tail = Vec::new();
    for _ in 0..3 {
        ours.push(backfill_once(&path, lines));
        wc.push(run_peer("wc", &["-l"], &path));
        tail.push(run_peer("tail", &["-n", "+1"], &path));
    }
    let gb = bytes as f64 / 1e9;
    let (ours, wc, tail) = (median(ours), median(wc), median(tail));
    println!(
        "throughput: {lines} lines, {:.2} GB, warm cache, median of 3",
        gb
    );
    println!(
        "  gatewatch tail from start: {:.3} s  {:.2} GB/s  {:.1} M lines/s",
        ours,
        gb / ours,
        lines as f64 / ours / 1e6
    );
    println!(
        "  wc -l:                     {:.3} s  {:.2} GB/s  (ours / wc = {:.2}x)",
        wc,
        gb / wc,
        wc / ours
    );
    println!(
        "  tail -n +1 > /dev/null:    {:.3} s  {:.2} GB/s  (ours / tail = {:.2}x)",
        tail,
        gb / tail,
        tail / ours
    );
    fs::remove_file(&path).expect("remove");
}

/// Reads the file from its start until BackfillDone; the consumer counts lines (handoff only,
/// no parsing).
fn backfill_once(path: &Path, expect_lines: u64) -> f64 {
    let mut spec = TailSpec::new(path.to_string_lossy());
    spec.from_start = true;
    let (tx, rx) = sync_channel(64);
    let start = Instant::now();
    let handle = spawn_tail(spec, tx).expect("spawn");
    let mut lines = 0u64;
    for event in rx.iter() {
        match event {
            TailEvent::Lines { data, .. } => {
                lines += memchr::memchr_iter(b'\n', &data).count() as u64
            }
            TailEvent::BackfillDone => break,
            _ => {}
        }
    }
    let secs = start.elapsed().as_secs_f64();
    drop(handle);
    assert_eq!(lines, expect_lines, "every line read once");
    secs
}

/// CPU time of this process, in seconds, from per-thread schedstat (ns resolution).
fn self_cpu() -> f64 {
    let mut ns = 0u64;
    for task in fs::read_dir("/proc/self/task").expect("tasks").flatten() {
        if let Ok(text) = fs::read_to_string(task.path().join("schedstat")) {
            ns += text
                .split(' ')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        }
    }
    ns as f64 / 1e9
}

fn self_switches() -> u64 {
    let mut total = 0;
    for task in fs::read_dir("/proc/self/task").expect("tasks").flatten() {
        total += switches(&task.path().join("status"));
    }
    total
}

fn switches(status: &Path) -> u64 {
    let text = fs::read_to_string(status).unwrap_or_default();
    text.lines()
        .filter(|l| {
            l.starts_with("voluntary_ctxt_switches") || l.starts_with("nonvoluntary_ctxt_switches")
        })
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}

/// utime + stime of another process, in seconds (clock ticks).
fn process_cpu(pid: u32) -> f64 {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    ticks as f64 / clock_ticks()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn spawn_writer(path: &Path, rate: u64, lines: u64) -> std::process::Child {
    Command::new(std::env::current_exe().expect("exe"))
        .args([
            "--writer",
            &path.to_string_lossy(),
            &rate.to_string(),
            &lines.to_string(),
        ])
        .spawn()
        .expect("writer")
}

/// The writer process: `lines` lines at `rate` per second, one write() per line (as nginx
/// does), each line stamped with the wall-clock time it was written.
fn writer(args: &[String]) {
    let path = PathBuf::from(&args[0]);
    let rate: u64 = args[1].parse().expect("rate");
    let lines: u64 = args[2].parse().expect("lines");
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .expect("open");
    let start = Instant::now();
    let mut buf = Vec::with_capacity(512);
    let mut n = 0u64;
    while n < lines {
        let due = (start.elapsed().as_secs_f64() * rate as f64) as u64;
        while n < due.min(lines) {
            buf.clear();
            let stamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let _ = write!(buf, "{stamp} ");
            log_line(n, &mut buf);
            file.write_all(&buf).expect("write");
            n += 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn steady(dir: &Path, rate: u64, lines: u64) {
    let path = dir.join("steady.log");
    fs::write(&path, b"").expect("create");
    let (tx, rx) = sync_channel(64);
    let handle = spawn_tail(TailSpec::new(path.to_string_lossy()), tx).expect("spawn");
    while !matches!(rx.recv(), Ok(TailEvent::BackfillDone)) {}
    let consumer = std::thread::spawn(move || {
        let mut count = 0u64;
        let mut batches = 0u64;
        let mut worst = Vec::new();
        while count < lines {
            let Ok(event) = rx.recv() else { break };
            if let TailEvent::Lines { data, .. } = event {
                count += memchr::memchr_iter(b'\n', &data).count() as u64;
                batches += 1;
                // The batch's first line is its oldest: its age is the batch's worst latency.
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                let stamp: u128 = data
                    .split(|&b| b == b' ')
                    .next()
                    .and_then(|s| std::str::from_utf8(s).ok()?.parse().ok())
                    .unwrap_or(now);
                worst.push(now.saturating_sub(stamp) as f64 / 1e6);
            }
        }
        (count, batches, worst)
    });
    let cpu0 = self_cpu();
    let sw0 = self_switches();
    let t0 = Instant::now();
    let mut child = spawn_writer(&path, rate, lines);
    child.wait().expect("writer");
    let (count, batches, mut worst) = consumer.join().expect("consumer");
    let wall = t0.elapsed().as_secs_f64();
    let cpu = self_cpu() - cpu0;
    let sw = self_switches() - sw0;
    drop(handle);
    assert_eq!(count, lines, "every line arrived once");
    worst.sort_by(f64::total_cmp);
    let pct = |p: f64| worst[((worst.len() - 1) as f64 * p) as usize];

    // The peer: GNU tail -F on a fresh file with the same writer.
    let peer_path = dir.join("steady-peer.log");
    fs::write(&peer_path, b"").expect("create");
    let mut peer = Command::new("tail")
        .args(["-F", "-n", "0"])
        .arg(&peer_path)
        .stdout(Stdio::null())
        .spawn()
        .expect("tail -F");
    std::thread::sleep(Duration::from_millis(300));
    let peer_cpu0 = process_cpu(peer.id());
    let peer_sw0 = switches(Path::new(&format!("/proc/{}/status", peer.id())));
    let mut child = spawn_writer(&peer_path, rate, lines);
    child.wait().expect("writer");
    std::thread::sleep(Duration::from_millis(300));
    let peer_cpu = process_cpu(peer.id()) - peer_cpu0;
    let peer_sw = switches(Path::new(&format!("/proc/{}/status", peer.id()))) - peer_sw0;
    let _ = peer.kill();
    let _ = peer.wait();

    println!("steady: {lines} lines at {rate}/s, one write per line, over {wall:.1} s");
    println!(
        "  gatewatch tail + handoff: cpu {:.3} s = {:.2}% of one core; {} batches ({:.0}/s); {} context switches",
        cpu, 100.0 * cpu / wall, batches, batches as f64 / wall, sw
    );
    println!(
        "  handoff latency of the oldest line per batch: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "  GNU tail -F > /dev/null:   cpu {:.3} s = {:.2}% of one core; {} context switches (ticks of {:.0} ms)",
        peer_cpu, 100.0 * peer_cpu / wall, peer_sw, 1000.0 / clock_ticks()
    );
}

fn idle(dir: &Path, secs: u64) {
    let path = dir.join("idle.log");
    fs::write(&path, b"quiet\n").expect("create");
    let (tx, rx) = sync_channel(64);
    let handle = spawn_tail(TailSpec::new(path.to_string_lossy()), tx).expect("spawn");
    while !matches!(rx.recv(), Ok(TailEvent::BackfillDone)) {}
    let mut peer = Command::new("tail")
        .args(["-F", "-n", "0"])
        .arg(&path)
        .stdout(Stdio::null())
        .spawn()
        .expect("tail -F");
    std::thread::sleep(Duration::from_millis(300));
    let cpu0 = self_cpu();
    let sw0 = self_switches();
    let peer_cpu0 = process_cpu(peer.id());
    let peer_status = PathBuf::from(format!("/proc/{}/status", peer.id()));
    let peer_sw0 = switches(&peer_status);
    std::thread::sleep(Duration::from_secs(secs));
    let cpu = self_cpu() - cpu0;
    // This thread's own sleep and reads count for one or two switches.
    let sw = self_switches() - sw0;
    let peer_cpu = process_cpu(peer.id()) - peer_cpu0;
    let peer_sw = switches(&peer_status) - peer_sw0;
    let _ = peer.kill();
    let _ = peer.wait();
    drop(handle);
    println!("idle: {secs} s without writes");
    println!(
        "  gatewatch tail: cpu {:.4} s = {:.4}% of one core; {} context switches ({:.2}/s)",
        cpu,
        100.0 * cpu / secs as f64,
        sw,
        sw as f64 / secs as f64
    );
    println!(
        "  GNU tail -F:    cpu {:.4} s = {:.4}% of one core; {} context switches ({:.2}/s)",
        peer_cpu,
        100.0 * peer_cpu / secs as f64,
        peer_sw,
        peer_sw as f64 / secs as f64
    );
}
