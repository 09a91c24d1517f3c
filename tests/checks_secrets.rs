//! A secret sent in a header never appears in full in any output: check text/json/junit, probe
//! text/json, error messages, Debug output and tracing logs — even when the server echoes it
//! back in its body and in a header that is shown.

mod checks_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use checks_support::*;
use gatewatch::commands::check::{build_specs, parse_checks_toml, render, CheckFormat};
use gatewatch::commands::probe::{self, ProbeFormat};
use gatewatch::model::check::ProbeConfig;
use gatewatch::sources::check::probe::{Probe, ProbeRequest};
use gatewatch::sources::check::{run_all, ClientCache};
use gatewatch::sources::http::wall_now;

const TOKEN: &str = "Bearer gw-SECRET-token-8c1f3a9e";
const BARE: &str = "gw-SECRET-token-8c1f3a9e";
const QUERY_SECRET: &str = "qs-SECRET-77d2";
const FILE_SECRET: &str = "file-SECRET-k3y-0042";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [BARE, QUERY_SECRET, FILE_SECRET] {
        assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
    }
}

/// Echoes every credential it got, in the body and in a shown header.
async fn echo_server() -> std::net::SocketAddr {
    serve(|seen| {
        let auth = seen.header("authorization").unwrap_or("").to_string();
        let key = seen.header("x-api-key").unwrap_or("").to_string();
        let body = format!(
            "{{\"you_sent\":\"{auth}\",\"key\":\"{key}\",\"head\":{:?}}}",
            seen.head
        );
        Script::Reply(response(
            401,
            &[
                ("X-Request-Id", &auth),
                ("WWW-Authenticate", &format!("Bearer error=\"{key}\"")),
            ],
            &body,
        ))
    })
    .await
}

#[tokio::test]
async fn no_output_format_shows_a_secret() {
    std::env::set_var("GW_SECRET_TEST_TOKEN", TOKEN);
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, format!("{FILE_SECRET}\n")).expect("write");
    let addr = echo_server().await;
    let config = format!(
        r#"
[[checks]]
name = "orders"
url = "http://{addr}/v1/orders?api_key={QUERY_SECRET}"
headers = {{ Authorization = "env:GW_SECRET_TEST_TOKEN", X-Api-Key = "file:{}" }}
expect_headers = [{{ name = "x-request-id", equals = "something else" }}]

[[checks]]
name = "status"
url = "http://{addr}/v1/status?token={QUERY_SECRET}"
headers = {{ Authorization = "env:GW_SECRET_TEST_TOKEN" }}
status = 200
"#,
        key_file.display()
    );
    let file = parse_checks_toml(&config).expect("config");

    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let specs = build_specs(
        &file.checks,
        &[],
        std::time::Duration::from_secs(3),
        &mut ClientCache::default(),
    )
    .expect("specs");
    assert_clean("spec Debug", &format!("{specs:?}"));
    let results = run_all(&specs).await;
    assert!(
        results.iter().all(|r| r.status() == Some(401)),
        "{results:?}"
    );
    assert_clean("result Debug", &format!("{results:?}"));
    for format in [CheckFormat::Text, CheckFormat::Json, CheckFormat::Junit] {
        let out = render(&results, format, false, wall_now());
        assert_clean(&format!("check {format:?}"), &out);
        assert!(out.contains("orders"), "{format:?} shows the check");
    }
    let json = render(&results, CheckFormat::Json, false, wall_now());
    assert!(
        json.contains("…(redacted)"),
        "the redacted form is shown instead:\n{json}"
    );
    for r in &results {
        if let Some(reason) = &r.reason {
            assert_clean("reason", &reason.to_string());
        }
    }

    let req = ProbeRequest {
        method: "GET".into(),
        url: format!("/v1/orders?api_key={QUERY_SECRET}"),
        headers: vec![
            ("Authorization".into(), "env:GW_SECRET_TEST_TOKEN".into()),
            ("X-Api-Key".into(), format!("file:{}", key_file.display())),
        ],
        ..ProbeRequest::default()
    };
    let cfg = ProbeConfig {
        base_url: Some(format!("http://{addr}")),
        ..ProbeConfig::default()
    };
    let p = Probe::build(&req, &cfg).expect("probe");
    assert_clean("probe Debug", &format!("{p:?}"));
    let result = p.send().await;
    for format in [ProbeFormat::Text, ProbeFormat::Json] {
        let out = probe::render(&result, format);
        assert_clean(&format!("probe {format:?}"), &out);
        assert!(out.contains("401"));
    }

    let captured = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(
        captured.contains("check did not pass"),
        "tracing captured: {captured}"
    );
    assert_clean("tracing", &captured);
}

#[tokio::test]
async fn error_messages_name_the_source_not_the_value() {
    std::env::remove_var("GW_SECRET_UNSET");
    let bad = format!(
        "[[checks]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/?api_key={QUERY_SECRET}\"\nheaders = {{ Authorization = \"env:GW_SECRET_UNSET\" }}\n"
    );
    let file = parse_checks_toml(&bad).expect("parses");
    let err = build_specs(
        &file.checks,
        &[],
        std::time::Duration::from_secs(1),
        &mut ClientCache::default(),
    )
    .expect_err("unset variable");
    let text = format!("{err:#}");
    assert!(text.contains("GW_SECRET_UNSET"), "{text}");
    assert_clean("config error", &text);

    let bad_header = ProbeRequest {
        url: format!("http://127.0.0.1:9/?token={QUERY_SECRET}"),
        headers: vec![("Authorization".into(), format!("{TOKEN}\n{TOKEN}"))],
        ..ProbeRequest::default()
    };
    let err = Probe::build(&bad_header, &ProbeConfig::default()).expect_err("newline in a header");
    assert_clean("probe usage error", &err.to_string());
    let bad_url = ProbeRequest {
        url: format!("htp//nowhere?token={QUERY_SECRET}"),
        ..ProbeRequest::default()
    };
    let err = Probe::build(&bad_url, &ProbeConfig::default()).expect_err("bad url");
    assert_clean("url error", &err.to_string());
}
