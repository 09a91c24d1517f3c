//! A real nginx, started by the test in front of an in-test backend, writes two access logs
//! (`combined`, and a `log_format` with request id, times and upstream fields); both are parsed
//! and must count exactly what the test sent, per route and status, with who answered.

mod accesslog_support;
mod cli_support;

use std::collections::BTreeMap;
use std::process::Command;

use accesslog_support::real::{self, ProcessGuard};
use gatewatch::model::route_template::RouteTemplates;
use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};

const TIMED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$http_x_request_id rt=$request_time uht=$upstream_header_time urt=$upstream_response_time us=$upstream_status"#;

fn config(dir: &std::path::Path, port: u16, backend: u16, dead: u16) -> String {
    include_str!("gateways/nginx-log/nginx.conf.in")
        .replace("@DIR@", &dir.display().to_string())
        .replace("@PORT@", &port.to_string())
        .replace("@BACKEND@", &backend.to_string())
        .replace("@DEAD@", &dead.to_string())
        .replace("@TIMED@", TIMED)
}

fn aggregate(bytes: &[u8], format: FormatChoice) -> LogAggregator {
    let mut agg = LogAggregator::new(format, RouteTemplates::auto(), AggregateOptions::default());
    for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        agg.push_line(line, Timestamp(0));
    }
    agg
}

/// `gatewatch snapshot --config` with a `[[log]]` table carrying `TIMED`: route × status.
fn snapshot_with_log_format(
    dir: &std::path::Path,
    log: &std::path::Path,
) -> BTreeMap<(String, u16), u64> {
    let conf = dir.join("gatewatch.toml");
    let toml = format!(
        "[[log]]\npath = {:?}\nread_from = \"start\"\nlog_format = '{TIMED}'\n",
        log.display().to_string()
    );
    std::fs::write(&conf, toml).expect("write gatewatch.toml");
    let mut args: Vec<std::ffi::OsString> = ["snapshot", "--wait", "0s", "--format", "json"]
        .iter()
        .map(Into::into)
        .collect();
    args.extend(["--config".into(), conf.into_os_string()]);
    let out = cli_support::run_ok(args);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["sources"][0]["detected"], "nginx", "{doc}");
    assert_eq!(doc["sources"][0]["bad_lines"], 0, "{doc}");
    let mut got = BTreeMap::new();
    for r in doc["routes"].as_array().unwrap() {
        let route = format!(
            "{} {}",
            r["method"].as_str().unwrap(),
            r["route"].as_str().unwrap()
        );
        for (code, n) in r["by_status"].as_object().unwrap() {
            got.insert((route.clone(), code.parse().unwrap()), n.as_u64().unwrap());
        }
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_nginx_logs_count_exactly_what_was_sent() {
    let Some(nginx) = real::binary("nginx") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = real::start_backend().await;
    let (port, dead) = (real::free_port(), real::free_port());
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config(dir.path(), port, backend, dead)).expect("write conf");
    let mut guard = ProcessGuard::spawn(
        "nginx",
        Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.path().join("startup.log")),
    )
    .expect("start nginx");
    real::wait_for_port(port, &mut guard).expect("nginx listens");

    let sent = real::send_plan(&format!("http://127.0.0.1:{port}"), "ngx").await;
    let want = real::expected(&sent);
    // The plan's shape came back: limit_req let one search through, the dead upstream is a 502.
    assert_eq!(
        want.get(&("GET /v1/search".into(), 429)),
        Some(&4),
        "{want:?}"
    );
    assert_eq!(
        want.get(&("GET /v1/inventory".into(), 502)),
        Some(&3),
        "{want:?}"
    );

    let timed_bytes = real::wait_for_lines(&dir.path().join("timed.log"), sent.len());
    let combined_bytes = real::wait_for_lines(&dir.path().join("combined.log"), sent.len());
    drop(guard);

    // End to end: the log_format comes from the config, and `snapshot` counts the file.
    let via_config = snapshot_with_log_format(dir.path(), &dir.path().join("timed.log"));
    assert_eq!(via_config, want, "snapshot with [[log]] log_format");

    let timed = LogFormat::nginx(TIMED).expect("compile the log_format");
    let runs = [
        ("timed", aggregate(&timed_bytes, FormatChoice::Fixed(timed))),
        ("combined", aggregate(&combined_bytes, FormatChoice::Auto)),
    ];
    for (name, mut agg) in runs {
        assert_eq!(
            agg.stats().bad_lines,
            0,
            "{name}: {:?}",
            agg.stats().last_bad_line
        );
        let batch = agg.take_batch();
        let mut got: BTreeMap<(String, u16), u64> = BTreeMap::new();
        let mut by_responder: BTreeMap<(String, u16, Responder), u64> = BTreeMap::new();
        for d in &batch.deltas {
            for s in &d.statuses {
                let Status::Code(code) = s.status else {
                    continue;
                };
                *got.entry((d.route.to_string(), code)).or_default() += s.count;
                *by_responder
                    .entry((d.route.to_string(), code, s.responder))
                    .or_default() += s.count;
            }
            for e in &d.errors {
                assert!(!e.line.contains("SECRET"), "secret shown: {}", e.line);
            }
        }
        assert_eq!(got, want, "{name}: per route and status");
        if name == "combined" {
            assert_eq!(agg.detected(), Some(FormatName::Combined));
            continue;
        }
        let gw = |route: &str, code: u16, r: Responder| {
            by_responder.get(&(route.to_string(), code, r)).copied()
        };
        assert_eq!(
            gw("GET /v1/search", 429, Responder::Gateway),
            Some(4),
            "limit_req is nginx's own"
        );
        assert_eq!(
            gw("GET /v1/limited", 429, Responder::Upstream),
            Some(3),
            "the upstream's 429"
        );
        assert_eq!(
            gw("GET /v1/inventory", 502, Responder::Gateway),
            Some(3),
            "nginx's own 502"
        );
        assert_eq!(gw("GET /v1/fail", 500, Responder::Upstream), Some(2));
        let latencies: u64 = batch
            .deltas
            .iter()
            .filter_map(|d| d.latency.as_ref())
            .map(|h| h.total())
            .sum();
        assert_eq!(latencies as usize, sent.len());
        // Every request id the test sent is in the log, once.
        let text = String::from_utf8_lossy(&timed_bytes);
        for s in &sent {
            assert_eq!(
                text.matches(&format!("rid={} ", s.request_id)).count(),
                1,
                "{}",
                s.request_id
            );
        }
    }
}
