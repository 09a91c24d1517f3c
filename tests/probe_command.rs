//! `gatewatch probe`: exit codes, and what it shows for a 429 (timings, request id,
//! Retry-After) and a CORS preflight.

mod checks_support;

use checks_support::*;
use gatewatch::commands::probe::{self, render, ProbeArgs, ProbeFormat};
use gatewatch::sources::check::probe::{Probe, ProbeRequest};

fn args(url: String) -> ProbeArgs {
    ProbeArgs {
        url,
        method: "GET".into(),
        headers: vec![],
        data: None,
        cors: None,
        cors_credentials: false,
        timeout: Some(std::time::Duration::from_secs(2)),
        follow: false,
        format: ProbeFormat::Text,
        config: None,
        cacert: None,
        resolve: vec![],
    }
}

async fn gateway() -> std::net::SocketAddr {
    serve(|seen| match seen.path() {
        "/v1/limited" => Script::Reply(response(
            429,
            &[
                ("Retry-After", "30"),
                ("X-Request-Id", "rid-429"),
                ("RateLimit-Limit", "10"),
                ("RateLimit-Remaining", "0"),
                ("RateLimit-Reset", "30"),
                ("Server", "nginx"),
            ],
            "{\"error\":\"too many requests\"}",
        )),
        "/v1/moved" => Script::Reply(response(301, &[("Location", "/v1/orders")], "")),
        "/v1/orders" if seen.head.starts_with("OPTIONS") => Script::Reply(response(
            204,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
            "",
        )),
        "/v1/orders" => {
            let echo = seen.header("x-echo").unwrap_or("none").to_string();
            Script::Reply(response(200, &[("X-Request-Id", &echo)], "[]"))
        }
        _ => Script::Reply(response(404, &[], "nope")),
    })
    .await
}

#[tokio::test]
async fn exit_codes() {
    let addr = gateway().await;
    let base = format!("http://{addr}");
    assert_eq!(
        probe::run(args(format!("{base}/v1/orders")))
            .await
            .expect("runs"),
        0
    );
    assert_eq!(
        probe::run(args(format!("{base}/v1/moved")))
            .await
            .expect("runs"),
        0,
        "3xx counts as an answer"
    );
    assert_eq!(
        probe::run(args(format!("{base}/v1/limited")))
            .await
            .expect("runs"),
        1
    );
    assert_eq!(
        probe::run(args(format!("{base}/v1/nope")))
            .await
            .expect("runs"),
        1
    );
    let refused = closed_port().await;
    assert_eq!(
        probe::run(args(format!("http://{refused}/")))
            .await
            .expect("runs"),
        1
    );
    // Usage errors.
    assert_eq!(
        probe::run(args("/v1/orders".into())).await.expect("runs"),
        2,
        "a path needs base_url"
    );
    assert_eq!(probe::run(args("ftp://x/".into())).await.expect("runs"), 2);
    let mut bad_header = args(format!("{base}/v1/orders"));
    bad_header.headers = vec!["no colon".into()];
    assert_eq!(probe::run(bad_header).await.expect("runs"), 2);
    let mut bad_method = args(format!("{base}/v1/orders"));
    bad_method.method = "GE T".into();
    assert_eq!(probe::run(bad_method).await.expect("runs"), 2);
}

#[tokio::test]
async fn a_429_shows_timings_request_id_and_retry_after() {
    let addr = gateway().await;
    let req = ProbeRequest {
        method: "GET".into(),
        url: format!("http://{addr}/v1/limited"),
        ..ProbeRequest::default()
    };
    let result = Probe::build(&req, &Default::default())
        .expect("probe")
        .send()
        .await;
    let text = render(&result, ProbeFormat::Text);
    assert!(text.contains("→ 429"), "{text}");
    assert!(text.contains("phases ms:  dns —  connect "), "{text}");
    assert!(text.contains("ttfb "), "{text}");
    assert!(text.contains("request id: rid-429"), "{text}");
    assert!(text.contains("retry after: 30s"), "{text}");
    assert!(
        text.contains("rate limit: 0/10 left (RateLimit-*) resets in 30s retry after 30s"),
        "{text}"
    );
    assert!(text.contains("  server: nginx"), "{text}");
    assert!(
        text.contains("body:       {\"error\":\"too many requests\"}"),
        "{text}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&render(&result, ProbeFormat::Json)).expect("json");
    assert_eq!(json["status"], 429);
    assert_eq!(json["state"], "failed");
    assert_eq!(json["reason"], "http_status");
    assert_eq!(json["request_id"], "rid-429");
    assert_eq!(json["retry_after_secs"], 30);
    assert_eq!(json["headers"]["retry-after"], "30");
    assert_eq!(json["rate_limit"]["remaining"], 0);
    assert!(json["phases_ms"]["total"].is_number());
    assert!(json["phases_ms"]["dns"].is_null());
}

#[tokio::test]
async fn cors_probe_judges_the_preflight() {
    let addr = gateway().await;
    let mut a = args(format!("http://{addr}/v1/orders"));
    a.cors = Some("https://app.example.com".into());
    assert_eq!(
        probe::run(a.clone()).await.expect("runs"),
        0,
        "no credentials: * is fine"
    );
    a.cors_credentials = true;
    assert_eq!(
        probe::run(a.clone()).await.expect("runs"),
        1,
        "* with credentials is blocked"
    );
    let req = probe::request_from_args(&a).expect("request");
    let result = Probe::build(&req, &Default::default())
        .expect("probe")
        .send()
        .await;
    let text = render(&result, ProbeFormat::Text);
    assert!(text.contains("a browser would block it"), "{text}");
    assert!(text.contains("wildcard_with_credentials"), "{text}");
}

#[tokio::test]
async fn follow_and_resolve_flags() {
    let addr = gateway().await;
    let mut a = args(format!("http://gateway.test:{}/v1/moved", addr.port()));
    a.resolve = vec![format!("gateway.test={}", addr.ip())];
    a.follow = true;
    a.headers = vec!["X-Echo: followed".into()];
    let req = probe::request_from_args(&a).expect("request");
    let result = Probe::build(&req, &Default::default())
        .expect("probe")
        .send()
        .await;
    assert_eq!(result.status(), Some(200), "{:?}", result.reason);
    assert_eq!(result.redirects, 1);
    assert_eq!(
        result.response.as_ref().and_then(|r| r.request_id()),
        Some("followed")
    );
    let mut bad = a.clone();
    bad.resolve = vec!["gateway.test=not-an-ip".into()];
    assert!(probe::request_from_args(&bad).is_err());
}
