//! Checks and probes against a real Caddy started here (Debian's `caddy` package), on free
//! loopback ports, stopped by PID. Skips loudly when caddy is not installed.

mod checks_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use checks_support::*;
use gatewatch::commands::check::{build_specs, parse_checks_toml};
use gatewatch::model::check::CheckState;
use gatewatch::sources::check::{run_all, ClientCache};

struct Caddy {
    child: Child,
}

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(bin))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

async fn wait_for(port: u16) -> bool {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

fn start(bin: &Path, dir: &Path, http: u16, https: u16) -> Caddy {
    let caddyfile = format!(
        r#"{{
	admin off
	skip_install_trust
	http_port {http}
	https_port {https}
	servers {{
		protocols h1 h2
	}}
}}

http://127.0.0.1:{http} {{
	bind 127.0.0.1
	handle /health {{
		header X-Request-Id {{http.request.uuid}}
		respond "ok" 200
	}}
	handle /limited {{
		header Retry-After 30
		header X-Request-Id {{http.request.uuid}}
		header RateLimit-Limit 10
		header RateLimit-Remaining 0
		respond "slow down" 429
	}}
	redir /old /health 301
	respond "nope" 404
}}

https://localhost:{https} {{
	bind 127.0.0.1
	tls internal
	respond "secure" 200
}}
"#
    );
    let path = dir.join("Caddyfile");
    std::fs::write(&path, caddyfile).expect("write Caddyfile");
    let child = Command::new(bin)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&path)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start caddy");
    Caddy { child }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_against_real_caddy() {
    let Some(bin) = on_path("caddy") else {
        eprintln!("SKIPPED: caddy not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (http, https) = (free_port(), free_port());
    let _caddy = start(&bin, dir.path(), http, https);
    assert!(wait_for(http).await, "caddy did not listen on {http}");
    assert!(wait_for(https).await, "caddy did not listen on {https}");

    let root = dir.path().join("data/caddy/pki/authorities/local/root.crt");
    for _ in 0..50 {
        if root.is_file() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let config = format!(
        r#"
[[checks]]
name = "health"
url = "http://127.0.0.1:{http}/health"
expect_headers = [{{ name = "x-request-id", matches = "^[0-9a-f-]{{36}}$" }}]
body_contains = ["ok"]

[[checks]]
name = "limited"
url = "http://127.0.0.1:{http}/limited"

[[checks]]
name = "old"
url = "http://127.0.0.1:{http}/old"
follow_redirects = true

[[checks]]
name = "tls"
url = "https://localhost:{https}/"
ca_file = "{root}"
cert_valid_days = 0

[[checks]]
name = "tls-expiring"
url = "https://localhost:{https}/"
ca_file = "{root}"
# Caddy's internal certificates live 12 hours: two days is more than it has.
cert_valid_days = 2

[[checks]]
name = "tls-untrusted"
url = "https://localhost:{https}/"
"#,
        root = root.display()
    );
    let file = parse_checks_toml(&config).expect("config");
    let specs = build_specs(
        &file.checks,
        &[],
        Duration::from_secs(5),
        &mut ClientCache::default(),
    )
    .expect("specs");
    // Caddy issues its internal certificate shortly after it starts listening.
    let tls_spec = specs.iter().find(|s| &*s.name == "tls").expect("tls spec");
    for _ in 0..50 {
        let r = gatewatch::sources::check::run_check(tls_spec).await;
        if reason_code(&r) != "tls_handshake" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let results = run_all(&specs).await;
    let by_name = |n: &str| results.iter().find(|r| &*r.name == n).expect("result");

    let health = by_name("health");
    assert_eq!(health.state, CheckState::Ok, "{:?}", health.reason);
    assert_eq!(
        health.response.as_ref().and_then(|r| r.header("server")),
        Some("Caddy")
    );

    let limited = by_name("limited");
    assert_eq!(reason_code(limited), "http_status");
    let resp = limited.response.as_ref().expect("response");
    assert_eq!(resp.status, 429);
    assert!(resp.request_id().is_some());
    let rl = resp.rate_limit.as_ref().expect("rate limit");
    assert_eq!(
        (rl.limit, rl.remaining, rl.retry_after_secs),
        (Some(10), Some(0), Some(30))
    );

    let old = by_name("old");
    assert_eq!(old.state, CheckState::Ok, "{:?}", old.reason);
    assert_eq!(old.redirects, 1);

    let tls = by_name("tls");
    assert_eq!(tls.state, CheckState::Ok, "{:?}", tls.reason);
    assert!(tls.phases.tls.is_some());
    assert!(tls
        .response
        .as_ref()
        .and_then(|r| r.cert_not_after)
        .is_some());

    assert_eq!(reason_code(by_name("tls-expiring")), "assertion");
    assert_eq!(reason_code(by_name("tls-untrusted")), "tls_untrusted");
}
