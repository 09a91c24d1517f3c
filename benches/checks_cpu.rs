//! CPU cost of scheduled checks: 200 checks at a 1 s interval against an in-process server,
//! for a bounded run (BENCH_SECS, default 10). The checks run on their own thread (a
//! current-thread runtime), the server on another, so /proc/thread-self/schedstat gives the
//! checks' CPU time alone. The peer is the same schedule sent with reqwest (connection pool
//! off, so both open a fresh connection per request), in the same run.
//!
//!     cargo bench --bench checks_cpu
//!     BENCH_SECS=30 BENCH_CHECKS=200 cargo bench --bench checks_cpu

use std::time::{Duration, Instant};

use gatewatch::model::check::CheckConfig;
use gatewatch::sources::check::{spawn_checks, CheckSpec, ClientCache};
use gatewatch::store::Event;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Nanoseconds this thread has spent on a CPU.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn start_server() -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send addr");
                while let Ok((mut sock, _)) = listener.accept().await {
                    tokio::spawn(async move {
                        let mut buf = [0u8; 2048];
                        let mut seen = Vec::new();
                        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            match sock.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => seen.extend_from_slice(&buf[..n]),
                            }
                        }
                        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 15\r\ncontent-type: application/json\r\nx-request-id: bench\r\n\r\n{\"status\":\"ok\"}";
                        let _ = sock.write_all(reply).await;
                        let _ = sock.shutdown().await;
                    });
                }
            });
        })
        .expect("server thread");
    rx.recv().expect("server address")
}

struct Run {
    cpu: Duration,
    wall: Duration,
    results: u64,
    failed: u64,
}

fn gatewatch_run(addr: std::net::SocketAddr, checks: u64, secs: u64) -> Run {
    std::thread::Builder::new()
        .name("checks".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                let mut clients = ClientCache::default();
                let specs: Vec<CheckSpec> = (0..checks)
                    .map(|i| {
                        let text = format!(
                            "name = \"c{i}\"\nurl = \"http://{addr}/health/{i}\"\ninterval = \"1s\"\ntimeout = \"900ms\"\nfail_after = \"500ms\"\njson = [{{ pointer = \"/status\", equals = \"ok\" }}]\n"
                        );
                        let c: CheckConfig = toml::from_str(&text).expect("config");
                        CheckSpec::from_config(&c, &mut clients).expect("spec")
                    })
                    .collect();
                let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
                let cpu0 = thread_cpu_ns();
                let t0 = Instant::now();
                let handles = spawn_checks(specs, tx);
                let end = tokio::time::Instant::now() + Duration::from_secs(secs);
                let (mut results, mut failed) = (0, 0);
                while let Ok(Some(ev)) = tokio::time::timeout_at(end, rx.recv()).await {
                    if let Event::CheckResult(r) = ev {
                        results += 1;
                        failed += u64::from(r.state != gatewatch::model::check::CheckState::Ok);
                    }
                }
                let run = Run {
                    cpu: Duration::from_nanos(thread_cpu_ns() - cpu0),
                    wall: t0.elapsed(),
                    results,
                    failed,
                };
                for h in handles {
                    h.abort();
                }
                run
            })
        })
        .expect("checks thread")
        .join()
        .expect("checks run")
}

fn reqwest_run(addr: std::net::SocketAddr, checks: u64, secs: u64) -> Run {
    std::thread::Builder::new()
        .name("reqwest".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .timeout(Duration::from_millis(900))
                    .build()
                    .expect("reqwest");
                let (tx, mut rx) = tokio::sync::mpsc::channel::<bool>(1024);
                let cpu0 = thread_cpu_ns();
                let t0 = Instant::now();
                let mut handles = Vec::new();
                for i in 0..checks {
                    let client = client.clone();
                    let tx = tx.clone();
                    let url = format!("http://{addr}/health/{i}");
                    let offset = Duration::from_secs(1).mul_f64(i as f64 / checks as f64);
                    handles.push(tokio::spawn(async move {
                        let mut ticks = tokio::time::interval_at(
                            tokio::time::Instant::now() + offset,
                            Duration::from_secs(1),
                        );
                        loop {
                            ticks.tick().await;
                            let ok = match client.get(&url).send().await {
                                Ok(r) => {
                                    r.status().is_success()
                                        && r.bytes().await.is_ok_and(|b| {
                                            serde_json::from_slice::<serde_json::Value>(&b)
                                                .is_ok_and(|v| {
                                                    v.pointer("/status")
                                                        == Some(&serde_json::json!("ok"))
                                                })
                                        })
                                }
                                Err(_) => false,
                            };
                            if tx.send(ok).await.is_err() {
                                break;
                            }
                        }
                    }));
                }
                let end = tokio::time::Instant::now() + Duration::from_secs(secs);
                let (mut results, mut failed) = (0, 0);
                while let Ok(Some(ok)) = tokio::time::timeout_at(end, rx.recv()).await {
                    results += 1;
                    failed += u64::from(!ok);
                }
                let run = Run {
                    cpu: Duration::from_nanos(thread_cpu_ns() - cpu0),
                    wall: t0.elapsed(),
                    results,
                    failed,
                };
                for h in handles {
                    h.abort();
                }
                run
            })
        })
        .expect("reqwest thread")
        .join()
        .expect("reqwest run")
}

fn share(r: &Run) -> f64 {
    100.0 * r.cpu.as_secs_f64() / r.wall.as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let checks = env_or("BENCH_CHECKS", 200);
    let secs = env_or("BENCH_SECS", 10);
    let addr = start_server();
    let ours = gatewatch_run(addr, checks, secs);
    let peer = reqwest_run(addr, checks, secs);
    for (name, r) in [("gatewatch checks", &ours), ("reqwest peer", &peer)] {
        println!(
            "{name:<17} {checks} checks @1s for {:.1}s: {} results ({} not ok), cpu {:.3}s = {:.2}% of one core, {:.1} µs/request",
            r.wall.as_secs_f64(),
            r.results,
            r.failed,
            r.cpu.as_secs_f64(),
            share(r),
            r.cpu.as_secs_f64() * 1e6 / r.results.max(1) as f64,
        );
    }
    println!("ratio gatewatch/reqwest cpu per request: {:.2}", {
        let a = ours.cpu.as_secs_f64() / ours.results.max(1) as f64;
        let b = peer.cpu.as_secs_f64() / peer.results.max(1) as f64;
        a / b
    });
}
