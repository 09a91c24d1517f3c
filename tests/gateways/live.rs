//! Helpers for the real-gateway tests: free loopback ports, a process guard that kills by PID,
//! an in-test backend, a bounded wait, and a client that counts what it got back.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{any, get};
use axum::Router;

/// True when `bin` is on PATH (or in /usr/sbin, where Debian puts haproxy); otherwise prints
/// the loud skip line, or fails when `GATEWATCH_REQUIRE_GATEWAYS` is set (CI).
pub fn have(bin: &str, test: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(bin).is_file()))
        .unwrap_or(false)
        || Path::new("/usr/sbin").join(bin).is_file();
    if !found {
        assert!(
            std::env::var_os("GATEWATCH_REQUIRE_GATEWAYS").is_none(),
            "{test}: {bin} not installed and GATEWATCH_REQUIRE_GATEWAYS is set"
        );
        eprintln!("SKIPPED: {test}: {bin} not installed");
    }
    found
}

/// The command for `bin`, found on PATH or in /usr/sbin.
pub fn command(bin: &str) -> Command {
    let sbin = Path::new("/usr/sbin").join(bin);
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(bin).is_file()))
        .unwrap_or(false);
    if !on_path && sbin.is_file() {
        Command::new(sbin)
    } else {
        Command::new(bin)
    }
}

/// A port that was free a moment ago on 127.0.0.1 (nothing listens on it afterwards).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// A child process killed (by its PID) and reaped when dropped.
pub struct ProcessGuard {
    child: Child,
    pub name: &'static str,
}

impl ProcessGuard {
    pub fn spawn(name: &'static str, cmd: &mut Command, log: &Path) -> ProcessGuard {
        let out = std::fs::File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        ProcessGuard { child, name }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Panics with the process's log if it has already exited.
    pub fn assert_running(&mut self, log: &Path) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{} exited early ({status}):\n{text}", self.name);
        }
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The in-test upstream: fixed answers per path, a slow one for timeouts.
pub async fn start_backend() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    async fn limited() -> (StatusCode, HeaderMap, &'static str) {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("30"));
        (StatusCode::TOO_MANY_REQUESTS, h, "slow down\n")
    }
    let app = Router::new()
        .route("/ok", get(|| async { "ok\n" }))
        .route("/search", get(|| async { "results\n" }))
        .route(
            "/created",
            any(|| async { (StatusCode::CREATED, "made\n") }),
        )
        .route(
            "/missing",
            get(|| async { (StatusCode::NOT_FOUND, "no such thing\n") }),
        )
        .route("/limited", get(limited))
        .route(
            "/boom",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom\n") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late\n"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind backend");
    let addr = listener.local_addr().expect("backend addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

/// Polls `url` until it answers with a success, at most `tries` × 100 ms.
pub async fn wait_ready(client: &reqwest::Client, url: &str, tries: u32) -> bool {
    for _ in 0..tries {
        if let Ok(r) = client.get(url).send().await {
            if r.status().is_success() {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub async fn fetch(client: &reqwest::Client, url: &str) -> Vec<u8> {
    let r = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(r.status().is_success(), "GET {url}: {}", r.status());
    r.bytes().await.expect("metrics body").to_vec()
}

/// Sends `n` requests of `method path` and counts the statuses the client got back.
pub async fn send(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    n: usize,
    got: &mut BTreeMap<(String, u16), u64>,
) {
    for _ in 0..n {
        let url = format!("{base}{path}");
        let req = match method {
            "POST" => client.post(&url).body("{}"),
            _ => client.get(&url),
        };
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = resp.status().as_u16();
        let _ = resp.bytes().await;
        *got.entry((path.to_string(), status)).or_insert(0) += 1;
    }
}

/// Reads a config template from tests/gateways/ and fills `{NAME}` placeholders.
pub fn config(template: &str, vars: &[(&str, String)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/gateways")
        .join(template);
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (k, v) in vars {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    text
}

/// A real HAProxy from `haproxy.cfg.tpl`, on free loopback ports, in front of `backend_port`.
pub struct Haproxy {
    pub guard: ProcessGuard,
    /// `http://127.0.0.1:PORT` of the frontend.
    pub base: String,
    /// The Prometheus exporter's URL.
    pub metrics: String,
    /// HAProxy's own output (shown when it fails to start).
    pub log: std::path::PathBuf,
}

impl Haproxy {
    /// `name` tells the files of several instances in one `dir` apart; `search_limit` is the
    /// frontend limiter's requests per window on `/search`.
    pub fn start(dir: &Path, name: &str, backend_port: u16, search_limit: u32) -> Haproxy {
        let (site, metrics, dead) = (free_port(), free_port(), free_port());
        let text = config(
            "haproxy.cfg.tpl",
            &[
                ("SITE_PORT", site.to_string()),
                ("METRICS_PORT", metrics.to_string()),
                ("DEAD_PORT", dead.to_string()),
                ("BACKEND_PORT", backend_port.to_string()),
                ("SEARCH_LIMIT", search_limit.to_string()),
            ],
        );
        let cfg = dir.join(format!("{name}.cfg"));
        std::fs::write(&cfg, text).expect("write haproxy.cfg");
        let log = dir.join(format!("{name}.log"));
        let guard = ProcessGuard::spawn(
            "haproxy",
            command("haproxy").arg("-db").arg("-f").arg(&cfg),
            &log,
        );
        Haproxy {
            guard,
            base: format!("http://127.0.0.1:{site}"),
            metrics: format!("http://127.0.0.1:{metrics}/metrics"),
            log,
        }
    }
}
