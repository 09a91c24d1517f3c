//! CORS preflight checks end to end, and the three rate-limit header families off the wire.

mod checks_support;

use checks_support::*;
use gatewatch::model::check::{CheckConfig, CheckState, Expectations, StatusExpectation};
use gatewatch::model::ratelimit::RateLimitFamily;
use gatewatch::sources::check::{run_check, CheckSpec, ClientCache};

fn cors_check(url: &str, credentials: bool) -> CheckSpec {
    let text = format!(
        r#"
name = "orders-cors"
url = "{url}"
method = "DELETE"
cors = {{ origin = "https://app.example.com", headers = ["Authorization", "content-type"], credentials = {credentials} }}
"#
    );
    let config: CheckConfig = toml::from_str(&text).expect("config");
    CheckSpec::from_config(&config, &mut ClientCache::default()).expect("spec")
}

#[tokio::test]
async fn good_preflight_passes_and_is_sent_like_a_browser() {
    let addr = serve(|seen| {
        let ok = seen.head.starts_with("OPTIONS ")
            && seen.header("origin") == Some("https://app.example.com")
            && seen.header("access-control-request-method") == Some("DELETE")
            && seen.header("access-control-request-headers") == Some("authorization,content-type");
        let status = if ok { 204 } else { 400 };
        Script::Reply(response(
            status,
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "GET, DELETE"),
                (
                    "Access-Control-Allow-Headers",
                    "authorization, content-type",
                ),
                ("Vary", "Origin"),
            ],
            "",
        ))
    })
    .await;
    let r = run_check(&cors_check(&format!("http://{addr}/v1/orders"), true)).await;
    assert_eq!(r.state, CheckState::Ok, "{:?}", r.reason);
    assert_eq!(r.method, "OPTIONS");
    assert!(r.cors.expect("verdict").allowed());
}

#[tokio::test]
async fn wildcard_with_credentials_fails_with_a_clear_reason() {
    let addr = serve(|_| {
        Script::Reply(response(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "*"),
                ("Access-Control-Allow-Headers", "*"),
            ],
            "",
        ))
    })
    .await;
    let r = run_check(&cors_check(&format!("http://{addr}/v1/orders"), true)).await;
    assert_eq!(r.state, CheckState::Failed);
    assert_eq!(reason_code(&r), "cors");
    let text = r.reason.expect("reason").to_string();
    assert!(text.contains("wildcard_with_credentials"), "{text}");
    assert!(text.contains("exact origin"), "{text}");
    let verdict = r.cors.expect("verdict");
    let rules: Vec<&str> = verdict.failures.iter().map(|f| f.rule.code()).collect();
    assert_eq!(
        rules,
        [
            "wildcard_with_credentials",
            "allow_methods",
            "allow_headers"
        ]
    );
}

#[tokio::test]
async fn missing_vary_degrades() {
    let addr = serve(|_| {
        Script::Reply(response(
            204,
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Methods", "DELETE"),
                (
                    "Access-Control-Allow-Headers",
                    "Authorization, Content-Type",
                ),
            ],
            "",
        ))
    })
    .await;
    let r = run_check(&cors_check(&format!("http://{addr}/v1/orders"), false)).await;
    assert_eq!(r.state, CheckState::Degraded, "{:?}", r.reason);
    assert!(r
        .reason
        .expect("reason")
        .to_string()
        .contains("vary_origin"));
}

#[tokio::test]
async fn three_rate_limit_families_off_the_wire() {
    let addr = serve(|seen| {
        let headers: Vec<(&str, &str)> = match seen.path() {
            "/structured" => vec![
                ("RateLimit-Policy", "\"hourly\";q=1000;w=3600"),
                ("RateLimit", "\"hourly\";r=0;t=120"),
                ("Retry-After", "120"),
            ],
            "/legacy" => vec![
                ("RateLimit-Limit", "60"),
                ("RateLimit-Remaining", "15"),
                ("RateLimit-Reset", "20"),
            ],
            _ => vec![
                ("X-RateLimit-Limit-Minute", "5"),
                ("X-RateLimit-Remaining-Minute", "0"),
                ("Retry-After", "30"),
                ("X-Request-Id", "kong-req-7"),
            ],
        };
        Script::Reply(response(
            429,
            &headers,
            "{\"message\":\"API rate limit exceeded\"}",
        ))
    })
    .await;
    let expect = Expectations {
        status: StatusExpectation::success_or_redirect(),
        ..Expectations::default()
    };
    let client = plain_client();
    let mut got = Vec::new();
    for path in ["/structured", "/legacy", "/x"] {
        let r = run(
            &client,
            &get(&format!("http://{addr}{path}"), 2000),
            &expect,
        )
        .await;
        assert_eq!(reason_code(&r), "http_status");
        let resp = r.response.expect("response");
        let rl = resp.rate_limit.clone().expect("rate limit parsed");
        got.push((
            rl.family,
            rl.limit,
            rl.remaining,
            rl.reset_secs,
            rl.retry_after_secs,
        ));
        if path == "/x" {
            assert_eq!(resp.request_id(), Some("kong-req-7"));
            assert_eq!(resp.header("retry-after"), Some("30"));
        }
    }
    assert_eq!(
        got,
        vec![
            (
                Some(RateLimitFamily::IetfStructured),
                Some(1000),
                Some(0),
                Some(120),
                Some(120)
            ),
            (
                Some(RateLimitFamily::IetfLegacy),
                Some(60),
                Some(15),
                Some(20),
                None
            ),
            (
                Some(RateLimitFamily::XRateLimit),
                Some(5),
                Some(0),
                None,
                Some(30)
            ),
        ]
    );
}
