//! `inspect` on saved dumps (files, file:// URLs) and on a live URL served in-test.

#[path = "gateways/support.rs"]
mod support;

use std::time::Duration;

use gatewatch::commands::inspect::{run, InspectArgs, InspectFormat};
use support::shared_dir;

fn args(source: String, preset: &str) -> InspectArgs {
    InspectArgs {
        source,
        preset: preset.into(),
        generic: None,
        format: InspectFormat::Json,
        timeout: Duration::from_secs(5),
        max_bytes: 50 << 20,
    }
}

#[tokio::test]
async fn clean_fixture_exits_zero_and_a_bad_file_exits_one() {
    let Some(dir) = shared_dir("inspect fixtures") else {
        return;
    };
    let haproxy = dir.join("fixtures/haproxy-2.6/metrics-after.prom");
    assert_eq!(
        run(args(haproxy.display().to_string(), "auto"))
            .await
            .unwrap(),
        0
    );
    let url = format!(
        "file://{}",
        dir.join("fixtures/caddy-2.6/metrics-after.prom").display()
    );
    assert_eq!(run(args(url, "caddy")).await.unwrap(), 0);

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.prom");
    std::fs::write(
        &bad,
        "haproxy_backend_http_responses_total{proxy=\"a\",code=\"2xx\"} 1\nnot { valid\n",
    )
    .unwrap();
    assert_eq!(
        run(args(bad.display().to_string(), "auto")).await.unwrap(),
        1
    );
    assert_eq!(
        run(args(bad.display().to_string(), "no-such-preset"))
            .await
            .unwrap(),
        2
    );
    assert!(run(args(
        tmp.path().join("missing.prom").display().to_string(),
        "auto"
    ))
    .await
    .is_err());
}

#[tokio::test]
async fn fetches_a_url_with_a_timeout() {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/metrics",
        get(|| async {
            "# TYPE nginx_http_requests_total counter\nnginx_http_requests_total 12\nnginx_up 1\n"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let code = run(args(format!("http://{addr}/metrics"), "auto"))
        .await
        .unwrap();
    assert_eq!(code, 0);
    assert!(
        run(args(format!("http://{addr}/nothing"), "auto"))
            .await
            .is_err(),
        "HTTP 404 is an error"
    );
    server.abort();
}
