//! The demo gateway answering real HTTP requests: statuses per the scenario, Kong's headers,
//! CORS, and real requests showing up in the log.

use std::time::Duration;

use gatewatch::demo::{self, DemoHandle, DemoOptions, ForcedPhase, IncidentKind};

async fn start_demo(dir: &tempfile::TempDir) -> DemoHandle {
    demo::start(DemoOptions {
        listen: None,
        log_file: Some(dir.path().join("access.log")),
        rps: 50,
        seed: 7,
    })
    .await
    .expect("demo starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

fn is_hex_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn rate_limit_incident_answers_429_with_retry_after_and_request_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = start_demo(&dir).await;
    assert!(
        demo.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        demo.base_url
    );
    demo.force_phase(Some(ForcedPhase::Incident {
        kind: IncidentKind::RateLimitBurst,
        progress: 0.5,
    }));
    assert_eq!(
        demo.current_incident().map(|i| (i.kind, i.route, i.status)),
        Some((IncidentKind::RateLimitBurst, "search-query", 429))
    );
    let http = client();
    let url = format!("{}/v1/search?q=lamp", demo.base_url);
    let mut limited = None;
    // At the plateau about two thirds of search requests are refused; 200 tries cannot all pass.
    for _ in 0..200 {
        let resp = http.get(&url).send().await.expect("request");
        assert!(
            header(&resp, "ratelimit-limit").is_some(),
            "every answer carries RateLimit-*"
        );
        if resp.status() == 429 {
            limited = Some(resp);
            break;
        }
        assert_eq!(resp.status(), 200);
        assert!(header(&resp, "retry-after").is_none());
    }
    let resp = limited.expect("a 429 during the rate-limit burst");
    let retry_after: u32 = header(&resp, "retry-after")
        .expect("Retry-After on 429")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after));
    assert_eq!(header(&resp, "ratelimit-remaining"), Some("0"));
    assert_eq!(header(&resp, "x-ratelimit-remaining-minute"), Some("0"));
    assert_eq!(
        header(&resp, "ratelimit-reset").map(str::to_string),
        Some(retry_after.to_string())
    );
    assert!(is_hex_id(
        header(&resp, "x-kong-request-id").expect("request id")
    ));
    assert_eq!(header(&resp, "x-request-id").map(str::len), Some(36));
    assert_eq!(header(&resp, "server"), Some("kong/3.6.1"));
    let body = resp.text().await.expect("body");
    assert!(body.contains("API rate limit exceeded"), "{body}");
    demo.shutdown().await;
}

#[tokio::test]
async fn baseline_routes_answer_like_kong_and_are_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = start_demo(&dir).await;
    demo.force_phase(Some(ForcedPhase::Baseline));
    let http = client();

    let resp = http
        .get(format!("{}/healthz", demo.base_url))
        .header("user-agent", "demo-live-test/1")
        .send()
        .await
        .expect("healthz");
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "via").is_some_and(|v| v.contains("kong/")));
    let id = header(&resp, "x-kong-request-id")
        .expect("request id")
        .to_string();
    assert!(is_hex_id(&id));
    assert!(header(&resp, "x-kong-upstream-latency").is_some());

    let resp = http
        .get(format!("{}/v2/nothing", demo.base_url))
        .send()
        .await
        .expect("unmatched");
    assert_eq!(resp.status(), 404);
    assert_eq!(header(&resp, "server"), Some("kong/3.6.1"));
    assert!(header(&resp, "x-kong-request-id").is_some());
    assert!(resp
        .text()
        .await
        .expect("body")
        .contains("no Route matched"));

    demo.set_traffic_paused(true);
    let log = std::fs::read_to_string(&demo.log_path).expect("log");
    let ours: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("demo-live-test/1"))
        .collect();
    assert_eq!(ours.len(), 1, "the real request is logged once");
    assert!(ours[0].starts_with("127.0.0.1 - - ["), "{}", ours[0]);
    assert!(
        ours[0].contains("\"GET /healthz HTTP/1.1\" 200 "),
        "{}",
        ours[0]
    );
    demo.shutdown().await;
}

#[tokio::test]
async fn cors_preflights_one_right_one_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = start_demo(&dir).await;
    let http = client();
    let preflight = |path: &str, origin: &str| {
        http.request(reqwest::Method::OPTIONS, format!("{}{path}", demo.base_url))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };

    let good = preflight("/v1/catalog", "https://shop.example.com")
        .await
        .expect("preflight");
    assert_eq!(good.status(), 200);
    assert_eq!(
        header(&good, "access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    assert_eq!(
        header(&good, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(header(&good, "vary"), Some("Origin"));
    assert_eq!(
        header(&good, "access-control-allow-headers"),
        Some("authorization")
    );

    let foreign = preflight("/v1/catalog", "https://evil.example")
        .await
        .expect("preflight");
    assert!(header(&foreign, "access-control-allow-origin").is_none());

    let broken = preflight("/v1/search", "https://evil.example")
        .await
        .expect("preflight");
    assert_eq!(header(&broken, "access-control-allow-origin"), Some("*"));
    assert_eq!(
        header(&broken, "access-control-allow-credentials"),
        Some("true")
    );

    let no_cors = preflight("/v1/orders", "https://shop.example.com")
        .await
        .expect("preflight");
    assert_eq!(
        no_cors.status(),
        404,
        "no cors plugin on this route: Kong finds no OPTIONS route"
    );
    demo.shutdown().await;
}

#[tokio::test]
async fn non_loopback_listen_is_a_usage_error() {
    let args = gatewatch::commands::demo::DemoArgs {
        listen: Some("0.0.0.0:0".parse().expect("addr")),
        log_file: None,
        rps: 10,
        seed: 1,
    };
    let code = gatewatch::commands::demo::run(args).await.expect("run");
    assert_eq!(code, 2);
}

#[tokio::test]
async fn upstream_down_and_timeouts_answer_from_kong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = start_demo(&dir).await;
    let http = client();

    demo.force_phase(Some(ForcedPhase::Incident {
        kind: IncidentKind::UpstreamDown,
        progress: 0.5,
    }));
    let mut failed = None;
    for _ in 0..100 {
        let resp = http
            .post(format!("{}/v1/payments", demo.base_url))
            .send()
            .await
            .expect("payment");
        if resp.status().is_server_error() {
            failed = Some(resp);
            break;
        }
    }
    let resp = failed.expect("a 5xx while the payments upstream is down");
    assert!(matches!(resp.status().as_u16(), 502 | 503));
    assert_eq!(header(&resp, "server"), Some("kong/3.6.1"));
    assert!(
        header(&resp, "via").is_none(),
        "Kong answered, nothing was proxied"
    );
    let metrics = http
        .get(&demo.metrics_url)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body");
    let unhealthy = metrics
        .lines()
        .filter(|l| l.starts_with("kong_upstream_target_health{upstream=\"payments.upstream\""))
        .filter(|l| l.contains("state=\"unhealthy\""))
        .collect::<Vec<_>>();
    assert_eq!(unhealthy.len(), 2, "both payments targets");
    assert!(unhealthy.iter().all(|l| l.ends_with(" 1")), "{unhealthy:?}");

    demo.force_phase(Some(ForcedPhase::Incident {
        kind: IncidentKind::LatencyClimb,
        progress: 0.85,
    }));
    let mut timed_out = None;
    // At this point most reports requests reach the 5 s read timeout (answered after 500 ms).
    for _ in 0..20 {
        let resp = http
            .get(format!("{}/v1/reports/77", demo.base_url))
            .send()
            .await
            .expect("report");
        if resp.status() == 504 {
            timed_out = Some(resp);
            break;
        }
    }
    let resp = timed_out.expect("a 504 at the top of the latency climb");
    let latency: u32 = header(&resp, "x-kong-response-latency")
        .expect("Kong's response latency")
        .parse()
        .expect("ms");
    assert!(
        latency >= 5_000,
        "simulated latency is the read timeout: {latency}"
    );
    demo.shutdown().await;
}

#[test]
fn handle_can_move_between_tasks() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<DemoHandle>();
}
