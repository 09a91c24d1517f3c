//! Key-to-frame latency of the dashboard while a probe hangs, against the same keys with no
//! probe in flight, in one run of the release binary in tmux on the demo.
//!
//! The binary logs, for every key that changed the screen, the time from the key reaching the
//! loop to the frame being written (`key_to_frame_us`) and how many probes were in flight
//! (`probes_pending`). The probe goes to an in-process server that accepts and never answers,
//! with a 120 s timeout, so it hangs for the whole run. Keys are sent 150 ms apart (one per
//! frame, as a person presses them).
//!
//! `cargo bench --bench probe_keypress` (BENCH_KEYS=N for more keys per phase).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FRAME_US: u64 = 33_000;

struct Tmux {
    socket: String,
    name: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-S", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.name])
    }

    fn key(&self, k: &str) {
        self.run(&["send-keys", "-t", &self.name, k]);
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pred(&self.screen()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Accepts, reads the request, holds the connection, never answers.
fn hanging_server(stop: Arc<AtomicBool>) -> (u16, Arc<Mutex<Vec<TcpStream>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    let held = Arc::new(Mutex::new(Vec::new()));
    let h = held.clone();
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((mut s, _)) => {
                    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut buf = [0u8; 2048];
                    let _ = s.read(&mut buf);
                    h.lock().expect("lock").push(s);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (port, held)
}

fn press(t: &Tmux, n: usize) {
    for i in 0..n {
        t.key(if i % 2 == 0 { "j" } else { "k" });
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn field(line: &str, name: &str) -> Option<u64> {
    let rest = line.split(&format!("{name}=")).nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn summary(label: &str, mut v: Vec<u64>) -> Option<u64> {
    if v.is_empty() {
        println!("{label:<28} no samples");
        return None;
    }
    v.sort_unstable();
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let (p50, p95, max) = (q(0.5), q(0.95), v[v.len() - 1]);
    println!(
        "{label:<28} n={:<4} p50 {:>6.2} ms  p95 {:>6.2} ms  max {:>6.2} ms",
        v.len(),
        p50 as f64 / 1000.0,
        p95 as f64 / 1000.0,
        max as f64 / 1000.0
    );
    Some(p95)
}

fn main() {
    if !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("SKIPPED: tmux not installed; probe_keypress did not run");
        return;
    }
    let keys: usize = std::env::var("BENCH_KEYS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let stop = Arc::new(AtomicBool::new(false));
    let (port, held) = hanging_server(stop.clone());
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let config = h.join("probe.toml");
    std::fs::write(
        &config,
        format!("[probe]\nbase_url = \"http://127.0.0.1:{port}\"\ntimeout = \"120s\"\n"),
    )
    .expect("config");
    let t = Tmux {
        socket: h.join("tmux.sock").display().to_string(),
        name: "probe-bench".into(),
    };
    let cmd = format!(
        "HOME={d} XDG_CONFIG_HOME={d}/c XDG_STATE_HOME={d}/s {bin} --demo --config {cfg} --log-level debug; echo GW-EXIT=$?; sleep 60",
        d = h.display(),
        bin = env!("CARGO_BIN_EXE_gatewatch"),
        cfg = config.display()
    );
    t.run(&[
        "new-session",
        "-d",
        "-s",
        &t.name,
        "-x",
        "80",
        "-y",
        "24",
        &cmd,
    ]);
    t.wait_for("the dashboard", |s| s.contains("ROUTE") && s.contains('▶'));
    // Let the route table fill before measuring.
    std::thread::sleep(Duration::from_secs(3));

    press(&t, keys);
    t.key("p");
    t.wait_for("the dialog", |s| s.contains("✎url"));
    t.key("Enter");
    t.wait_for("the probe in flight", |s| s.contains("sending #1"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while held.lock().expect("lock").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the probe never reached the server"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    t.key("Escape");
    t.wait_for("the dashboard again", |s| !s.contains("probe ·"));
    press(&t, keys);
    // Let the probe end (the server hangs up), then the same keys again: a third phase with
    // nothing in flight, to tell the probe's cost from drift (the demo's traffic changes).
    held.lock().expect("lock").clear();
    t.key("p");
    t.wait_for("the probe's end", |s| s.contains("connection_reset"));
    // Esc stops editing, esc closes the dialog.
    t.key("Escape");
    t.key("Escape");
    t.wait_for("the dashboard again", |s| !s.contains("probe ·"));
    press(&t, keys);
    t.key("q");
    t.wait_for("gatewatch to exit", |s| s.contains("GW-EXIT="));
    stop.store(true, Ordering::Relaxed);

    let log = find_log(&h.join("s")).expect("the log file");
    let text = std::fs::read_to_string(&log).expect("read log");
    // In log order: before the probe, while it hangs, after it ended.
    let mut phases: [Vec<u64>; 3] = Default::default();
    let mut phase = 0;
    for line in text.lines().filter(|l| l.contains("key drawn")) {
        let (Some(us), Some(pending)) = (
            field(line, "key_to_frame_us"),
            field(line, "probes_pending"),
        ) else {
            continue;
        };
        phase = match (phase, pending) {
            (0, 0) => 0,
            (_, p) if p > 0 => 1,
            _ => 2,
        };
        phases[phase].push(us);
    }
    let [before, hanging, after] = phases;
    println!("key → frame, release build, 80x24 tmux, demo gateway, {keys} keys per phase");
    let a = summary("before: no probe in flight", before);
    let b = summary("a probe hanging (120 s)", hanging);
    let c = summary("after: no probe in flight", after);
    if let (Some(a), Some(b), Some(c)) = (a, b, c) {
        let idle = a.max(c).max(1);
        println!(
            "p95 ratio hanging / worse idle phase: {:.2}; p95 while hanging is {:.3} frames of {} ms",
            b as f64 / idle as f64,
            b as f64 / FRAME_US as f64,
            FRAME_US / 1000
        );
    }
}

fn find_log(dir: &Path) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if let Some(f) = find_log(&p) {
                return Some(f);
            }
        } else if p.file_name().is_some_and(|n| n == "gatewatch.log") {
            return Some(p);
        }
    }
    None
}
