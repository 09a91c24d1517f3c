//! Running real gateways in tests: free loopback ports, a process guard that kills by PID, a
//! tiny axum backend, and a client that records what it sent and what came back.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;

/// The path of `name` if it is on PATH (or in the sbin directories packages install into).
pub fn binary(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/sbin", "/sbin"].map(Into::into));
    for dir in dirs {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    eprintln!("SKIPPED: {name} not installed (apt-get install -y {name})");
    None
}

/// A free port on 127.0.0.1 (bound and released: another process could take it in between,
/// which a retry of the test would survive).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// Kills the process by its PID when dropped.
pub struct ProcessGuard {
    child: Child,
    pub name: &'static str,
}

impl ProcessGuard {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> std::io::Result<ProcessGuard> {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        Ok(ProcessGuard { child, name })
    }

    /// Still running?
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn stderr_text(&mut self) -> String {
        use std::io::Read;
        let mut s = String::new();
        if let Some(e) = self.child.stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (bounded) until something accepts connections on `port`.
pub fn wait_for_port(port: u16, guard: &mut ProcessGuard) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..200 {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            return Ok(());
        }
        if !guard.alive() {
            let name = guard.name;
            return Err(format!("{name} exited: {}", guard.stderr_text()));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(format!("{} did not listen on {port}", guard.name))
}

/// Waits (bounded) until `path` holds at least `lines` lines; returns its bytes.
pub fn wait_for_lines(path: &Path, lines: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for _ in 0..200 {
        bytes = std::fs::read(path).unwrap_or_default();
        if bytes.iter().filter(|&&b| b == b'\n').count() >= lines {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    bytes
}

fn echo_id(headers: &HeaderMap) -> [(String, String); 1] {
    let id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    [("x-request-id".to_string(), id)]
}

/// The backend: fixed answers per route, echoing the request id. Serves on 127.0.0.1:0.
pub async fn start_backend() -> u16 {
    let app =
        Router::new()
            .route(
                "/v1/orders",
                get(|h: HeaderMap| async move { (StatusCode::OK, echo_id(&h), "[]") }),
            )
            .route(
                "/v1/orders",
                post(|h: HeaderMap| async move { (StatusCode::CREATED, echo_id(&h), "{}") }),
            )
            .route(
                "/v1/orders/{id}",
                get(|h: HeaderMap| async move { (StatusCode::OK, echo_id(&h), "{}") }),
            )
            .route(
                "/v1/users/{id}",
                get(|h: HeaderMap| async move { (StatusCode::OK, echo_id(&h), "{}") }),
            )
            .route(
                "/v1/search",
                get(|h: HeaderMap| async move { (StatusCode::OK, echo_id(&h), "[]") }),
            )
            .route(
                "/v1/limited",
                get(|h: HeaderMap| async move {
                    let [(k, v)] = echo_id(&h);
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(k, v), ("retry-after".into(), "30".into())],
                        "slow down",
                    )
                }),
            )
            .route(
                "/v1/login",
                post(|h: HeaderMap| async move { (StatusCode::UNAUTHORIZED, echo_id(&h), "no") }),
            )
            .route(
                "/v1/fail",
                get(|h: HeaderMap| async move {
                    (StatusCode::INTERNAL_SERVER_ERROR, echo_id(&h), "boom")
                }),
            )
            .fallback(|h: HeaderMap| async move { (StatusCode::NOT_FOUND, echo_id(&h), "nope") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind backend");
    let port = listener.local_addr().expect("backend addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

/// One request sent through the gateway and what came back.
#[derive(Clone, Debug)]
pub struct Sent {
    pub method: &'static str,
    pub path: String,
    pub route: &'static str,
    pub request_id: String,
    pub status: u16,
}

/// The traffic the real-gateway tests send: (method, path, route template, times).
pub const PLAN: &[(&str, &str, &str, usize)] = &[
    ("GET", "/v1/orders", "/v1/orders", 7),
    ("POST", "/v1/orders", "/v1/orders", 3),
    ("GET", "/v1/orders/{n}", "/v1/orders/{id}", 6),
    (
        "GET",
        "/v1/users/{n}?api_key=sk_test_SECRET{n}&page=2",
        "/v1/users/{id}",
        4,
    ),
    ("GET", "/v1/limited", "/v1/limited", 3),
    ("POST", "/v1/login", "/v1/login", 2),
    ("GET", "/v1/fail", "/v1/fail", 2),
    ("GET", "/v1/nope", "/v1/nope", 2),
    ("GET", "/v1/inventory", "/v1/inventory", 3),
    ("GET", "/v1/search?q=item{n}", "/v1/search", 5),
];

/// Sends [`PLAN`] to `base` one request at a time, each with a unique `X-Request-Id`.
pub async fn send_plan(base: &str, tag: &str) -> Vec<Sent> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut sent = Vec::new();
    let mut n = 0;
    for &(method, path, route, times) in PLAN {
        for _ in 0..times {
            n += 1;
            let path = path.replace("{n}", &(1000 + n).to_string());
            let request_id = format!("{tag}-{n:04}");
            let req = match method {
                "POST" => client.post(format!("{base}{path}")).body("{}"),
                _ => client.get(format!("{base}{path}")),
            };
            let resp = req
                .header("x-request-id", &request_id)
                .send()
                .await
                .expect("gateway answers");
            sent.push(Sent {
                method,
                path,
                route,
                request_id,
                status: resp.status().as_u16(),
            });
        }
    }
    sent
}

/// Expected count per (`METHOD route`, status), from what the client saw.
pub fn expected(sent: &[Sent]) -> BTreeMap<(String, u16), u64> {
    let mut out = BTreeMap::new();
    for s in sent {
        *out.entry((format!("{} {}", s.method, s.route), s.status))
            .or_default() += 1;
    }
    out
}
