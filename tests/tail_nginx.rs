//! A real nginx writing its access log, rotated the logrotate way (`mv` then `nginx -s reopen`,
//! i.e. SIGUSR1 to the master), is followed without losing or repeating a request.

mod tail_support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gatewatch::sources::tail::{RotationKind, TailEvent};
use tail_support::*;

fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Stops nginx by its PID when the test ends, however it ends.
struct Nginx {
    child: Child,
}

impl Nginx {
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} failed");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // A graceful stop takes the workers down with the master.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_nginx(binary: &Path, dir: &Path, port: u16) -> Nginx {
    let d = dir.display();
    let conf = format!(
        "daemon off;\nmaster_process on;\nworker_processes 2;\npid {d}/nginx.pid;\n\
         error_log {d}/error.log info;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log {d}/access.log combined;\n\
         client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n\
         fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n\
         server {{ listen 127.0.0.1:{port}; location / {{ return 200 \"ok\\n\"; }} }}\n}}\n"
    );
    std::fs::create_dir_all(dir.join("tmp")).expect("tmp dir");
    std::fs::write(dir.join("nginx.conf"), conf).expect("write conf");
    let child = Command::new(binary)
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdin(Stdio::null())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx { child };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + DEADLINE;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    nginx
}

fn request(port: u16, n: u64) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let req = format!("GET /r/{n} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response");
    assert!(response.starts_with(b"HTTP/1.1 200"), "request {n}");
}

/// How many times each request number appears in the lines handed out.
fn request_counts(tail: &Tail) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for (_, line) in tail.lines() {
        let text = String::from_utf8_lossy(&line);
        let Some(rest) = text.split("\"GET /r/").nth(1) else {
            continue;
        };
        if let Ok(n) = rest.split(' ').next().unwrap_or_default().parse::<u64>() {
            *counts.entry(n).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn nginx_rotated_with_mv_and_reopen_loses_no_request() {
    let Some(binary) = find_binary("nginx") else {
        eprintln!("SKIPPED: nginx not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let nginx = start_nginx(&binary, dir.path(), port);
    let log = dir.path().join("access.log");
    let mut tail = Tail::ready(spec(&log));

    for n in 1..=200 {
        request(port, n);
    }
    std::fs::rename(&log, dir.path().join("access.log.1")).expect("mv");
    // Until the reopen, nginx keeps writing to the renamed file.
    for n in 201..=300 {
        request(port, n);
    }
    nginx.signal("-USR1");
    for n in 301..=500 {
        request(port, n);
    }

    tail.until("all 500 requests", |t| request_counts(t).len() == 500);
    // One more request, after everything: anything read twice would have shown up by now.
    request(port, 501);
    tail.until("the last request", |t| request_counts(t).contains_key(&501));
    let mut counts = request_counts(&tail);
    counts.remove(&501);
    // Two workers may log in either order, so only "each exactly once" is asserted.
    let wrong: Vec<_> = counts.iter().filter(|(_, &c)| c != 1).collect();
    assert!(wrong.is_empty(), "requests seen more than once: {wrong:?}");
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        (1..=500).collect::<Vec<u64>>()
    );
    assert!(
        tail.saw(|e| matches!(
            e,
            TailEvent::Rotated {
                how: RotationKind::Renamed,
                ..
            }
        )),
        "{}",
        tail.summary()
    );
}
