//! The probe dialog for real: the binary in tmux at 80x24. On the demo, `p` opens the dialog on
//! the selected route and Enter brings back a status and phase timings. Against a server that
//! accepts and never answers, the dashboard keeps moving its selection while the probe is still
//! in flight (proved from both ends: the screen says it is waiting, the server holds the
//! connection unanswered).

use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod tmux_support;
use tmux_support::{selected, tmux_available, Tmux};

fn dashboard_ready(sc: &str) -> bool {
    sc.contains("ROUTE") && selected(sc).is_some()
}

/// `│ status  404 HTTP/1.1 …`: the result pane's headline with a three-digit status.
fn status_shown(sc: &str) -> Option<u16> {
    sc.lines().find_map(|l| {
        let rest = l.split("│ status  ").nth(1)?;
        let code = rest.get(..3)?;
        code.parse().ok()
    })
}

#[test]
fn probe_dialog_on_the_demo_shows_status_and_phase_timings() {
    if !tmux_available("the probe dialog end-to-end tests") {
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start(home.path(), "gwp", "", "");
    let dash = t.wait_for("the dashboard", dashboard_ready);
    let route = selected(&dash).expect("a selected route");
    assert!(
        dash.contains("p probe"),
        "the footer offers the probe:\n{dash}"
    );
    t.keys(&["p"]);
    // Every expectation in one wait: a capture can catch a frame half written.
    t.wait_for(
        "the probe dialog on the route, URL prefilled, its keys in the footer",
        |sc| {
            sc.contains("✎url")
                && sc.contains(&format!("probe · {route}"))
                && sc.contains("http://127.0.0.1:")
                && sc.contains("esc done")
        },
    );
    t.keys(&["Enter"]);
    let done = t.wait_for("a status, every phase, a request id", |sc| {
        let phases = sc.lines().find(|l| l.contains("│ phases  ")).unwrap_or("");
        status_shown(sc).is_some()
            && ["dns ", "connect ", "tls ", "ttfb ", "total "]
                .iter()
                .all(|p| phases.contains(p))
            && sc.contains("request-id: ")
            && sc.contains("history 1/1")
    });
    assert!(status_shown(&done).is_some_and(|s| (100..600).contains(&s)));
    // r sends it again; the history grows.
    t.keys(&["r"]);
    t.wait_for("the re-sent probe", |sc| {
        sc.contains("history 1/2") && status_shown(sc).is_some()
    });
    t.keys(&["Escape"]);
    t.wait_for("the dialog to close", |sc| {
        !sc.contains("probe ·") && dashboard_ready(sc)
    });
    t.keys(&["q"]);
    t.wait_for("a clean exit", |sc| sc.contains("GW-EXIT=0"));
}

/// Accepts connections, reads each request, and never answers; keeps them open.
struct HangingServer {
    port: u16,
    held: Arc<Mutex<Vec<TcpStream>>>,
    stop: Arc<AtomicBool>,
}

impl HangingServer {
    fn start() -> HangingServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let held = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (held.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                        let mut req = Vec::new();
                        let mut buf = [0u8; 1024];
                        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                            match stream.read(&mut buf) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => req.extend_from_slice(&buf[..n]),
                            }
                        }
                        h.lock().expect("lock").push(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        HangingServer { port, held, stop }
    }

    fn connections(&self) -> usize {
        self.held.lock().expect("lock").len()
    }

    /// Every held connection is still open: the client has not given up on it.
    fn all_still_open(&self) -> bool {
        let held = self.held.lock().expect("lock");
        held.iter().all(|mut s| {
            let _ = s.set_nonblocking(true);
            let mut b = [0u8; 1];
            matches!(s.read(&mut b), Err(e) if e.kind() == ErrorKind::WouldBlock)
        })
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn selection_moves_while_a_probe_hangs() {
    if !tmux_available("the probe dialog end-to-end tests") {
        return;
    }
    let server = HangingServer::start();
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("probe.toml");
    std::fs::write(
        &config,
        format!(
            "[probe]\nbase_url = \"http://127.0.0.1:{}\"\ntimeout = \"120s\"\n",
            server.port
        ),
    )
    .expect("config");
    let t = Tmux::start(
        home.path(),
        "gwp",
        &format!("--demo --config {}", config.display()),
        "",
    );
    let dash = t.wait_for("the dashboard", |sc| {
        dashboard_ready(sc) && sc.lines().filter(|l| l.contains("/s ")).count() >= 4
    });
    let before = selected(&dash).expect("selected");
    t.keys(&["p"]);
    t.wait_for("the probe dialog", |sc| sc.contains("✎url"));
    t.keys(&["Enter"]);
    t.wait_for("the probe to be waiting", |sc| sc.contains("sending #1"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.connections() == 0 {
        assert!(
            Instant::now() < deadline,
            "the probe never reached the server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The probe is in flight. Close the dialog and move the selection.
    t.keys(&["Escape"]);
    t.wait_for("the dialog to close", |sc| !sc.contains("probe ·"));
    t.keys(&["j"]);
    let moved = t.wait_for("the selection to move", |sc| {
        selected(sc).is_some_and(|r| r != before)
    });
    assert!(dashboard_ready(&moved));
    // Still in flight: the server holds the request unanswered, and the client still waits.
    assert!(server.all_still_open(), "the probe gave up early");
    t.keys(&["p"]);
    // A finished probe never shows as sending again, so seeing it now proves it was still in
    // flight after the selection moved. (Both in one wait: a capture can catch a frame half
    // written.)
    t.wait_for("the dialog again, the probe still sending", |sc| {
        sc.contains("✎url") && sc.contains("sending #1")
    });
    // Keys typed into the dialog show while it waits, too.
    t.keys(&["-l", "/typed"]);
    t.wait_for("typed text", |sc| sc.contains("/typed"));
    assert!(server.all_still_open());
    t.keys(&["C-c"]);
    t.wait_for("a clean exit", |sc| sc.contains("GW-EXIT=0"));
}
