use std::time::Duration;

use super::*;
use crate::model::check::response::RawResponse;
use crate::model::check::PhaseTimings;

fn result(
    name: &str,
    at: i64,
    status: Option<u16>,
    state: CheckState,
    reason: Option<FailureReason>,
) -> CheckResult {
    let headers = vec![
        ("X-Request-Id".to_string(), format!("req-{at}")),
        ("RateLimit-Limit".to_string(), "100".to_string()),
        ("RateLimit-Remaining".to_string(), "25".to_string()),
        ("Retry-After".to_string(), "30".to_string()),
    ];
    CheckResult {
        name: Arc::from(name),
        route: Some(RouteKey::new(Some("GET"), "/v1/orders")),
        method: "GET".into(),
        url: "http://127.0.0.1:1/v1/orders".into(),
        at: Timestamp(at),
        state,
        reason,
        response: status.map(|s| {
            ResponseSummary::build(
                RawResponse {
                    status: s,
                    version: "HTTP/1.1",
                    headers: &headers,
                    body: b"{}",
                    body_truncated: false,
                    cert_not_after: None,
                },
                &[],
                Timestamp(at),
            )
        }),
        phases: PhaseTimings {
            dns: None,
            connect: Some(Duration::from_millis(1)),
            tls: None,
            ttfb: Some(Duration::from_millis(10)),
            total: Duration::from_millis(at as u64 % 1000 + 12),
        },
        redirects: 0,
        cors: None,
    }
}

fn ok(name: &str, at: i64) -> CheckResult {
    result(name, at, Some(200), CheckState::Ok, None)
}

fn refused(name: &str, at: i64) -> CheckResult {
    result(
        name,
        at,
        None,
        CheckState::Failed,
        Some(FailureReason::ConnectRefused),
    )
}

#[test]
fn history_is_bounded_and_states_tracked() {
    let mut s = ChecksState::new(3, 2);
    s.apply(ok("orders", 1_000), Timestamp(1_050));
    s.apply(refused("orders", 2_000), Timestamp(2_050));
    s.apply(refused("orders", 3_000), Timestamp(3_050));
    s.apply(ok("orders", 4_000), Timestamp(4_050));
    let e = s.get("orders").expect("entry");
    assert_eq!(e.history.len(), 3);
    assert_eq!(e.history.front().map(|p| p.at), Some(Timestamp(2_000)));
    assert_eq!(e.last.state, CheckState::Ok);
    assert_eq!(e.state_since, Timestamp(4_000));
    assert_eq!(e.consecutive_failures, 0);
    assert_eq!(e.runs, 4);
    assert_eq!(e.failed_runs, 2);
    assert_eq!(e.updated_at, Timestamp(4_050));
    assert_eq!(
        e.last_failure.as_ref().map(|(at, r)| (*at, r.code())),
        Some((Timestamp(3_000), "connect_refused"))
    );
    assert_eq!(e.latency_trend(10), vec![None, None, Some(12.0)]);
    assert_eq!(e.latency_trend(1), vec![Some(12.0)]);
}

#[test]
fn a_failed_run_without_response_keeps_the_last_response() {
    let mut s = ChecksState::default();
    s.apply(
        result(
            "a",
            500,
            Some(503),
            CheckState::Failed,
            Some(FailureReason::HttpStatus {
                status: 503,
                expected: "2xx".into(),
            }),
        ),
        Timestamp(500),
    );
    s.apply(refused("a", 1_500), Timestamp(1_500));
    let e = s.get("a").expect("entry");
    assert_eq!(e.last.status(), None);
    assert_eq!(
        e.last_response.as_ref().map(|(at, r)| (*at, r.status)),
        Some((Timestamp(500), 503))
    );
    assert_eq!(e.consecutive_failures, 2);
    assert_eq!(e.state_since, Timestamp(500));
}

#[test]
fn saturation_feeds_the_route() {
    let mut s = ChecksState::default();
    s.apply(ok("orders", 10), Timestamp(10));
    let route = RouteKey::new(None, "/v1/orders");
    let sat = s.route_saturation(&route).expect("saturation");
    assert_eq!(sat.value, 0.75);
    assert!(sat.signal.contains("check orders"), "{}", sat.signal);
    s.apply(
        result("orders-2", 20, Some(429), CheckState::Failed, None),
        Timestamp(20),
    );
    assert_eq!(s.route_saturation(&route).map(|x| x.value), Some(1.0));
    assert!(s
        .route_saturation(&RouteKey::new(Some("POST"), "/v1/orders"))
        .is_none());
    assert!(s
        .route_saturation(&RouteKey::new(None, "/v1/users"))
        .is_none());
    assert_eq!(s.overall(), Some(CheckState::Failed));
}

#[test]
fn snapshot_json_has_the_documented_shape() {
    let mut s = ChecksState::default();
    s.apply(refused("inventory", 1_000), Timestamp(1_000));
    s.apply(ok("orders", 2_000), Timestamp(2_000));
    let json = serde_json::to_value(s.snapshot(Timestamp(62_000))).expect("serialises");
    let rows = json.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    let inv = &rows[0];
    assert_eq!(inv["name"], "inventory");
    assert_eq!(inv["route"], "GET /v1/orders");
    assert_eq!(inv["state"], "failed");
    assert_eq!(inv["reason"], "connect_refused");
    assert_eq!(inv["status"], serde_json::Value::Null);
    assert_eq!(inv["state_for_secs"], 61);
    for key in ["dns", "connect", "tls", "ttfb", "total"] {
        assert!(inv["phases_ms"].get(key).is_some(), "phases_ms.{key}");
    }
    let orders = &rows[1];
    assert_eq!(orders["state"], "ok");
    assert_eq!(orders["reason"], serde_json::Value::Null);
    assert_eq!(orders["status"], 200);
    assert_eq!(orders["latency_ms"], 12.0);
    assert_eq!(orders["phases_ms"]["ttfb"], 10.0);
    assert_eq!(orders["phases_ms"]["tls"], serde_json::Value::Null);
    assert_eq!(orders["request_id"], "req-2000");
    assert_eq!(orders["retry_after_secs"], 30);
    assert_eq!(orders["headers"]["x-request-id"], "req-2000");
    assert_eq!(orders["rate_limit"]["remaining"], 25);
}

#[test]
fn probe_history_is_bounded_newest_last() {
    let mut s = ChecksState::new(10, 2);
    for id in 1..=3 {
        s.apply_probe(id, ok("probe", id as i64));
    }
    let ids: Vec<u64> = s.probes().map(|p| p.id).collect();
    assert_eq!(ids, vec![2, 3]);
}
