//! Each transport failure reason, produced against an in-process server on 127.0.0.1:0.

mod checks_support;

use std::time::Duration;

use checks_support::*;
use gatewatch::model::check::{CheckState, Expectations, FailureReason, Phase};
use gatewatch::store::checks::ChecksState;

#[tokio::test]
async fn ok_answer_has_phase_timings() {
    let addr = serve(|_| Script::Reply(response(200, &[("X-Request-Id", "r-1")], "hello"))).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/health"), 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(r.state, CheckState::Ok, "{:?}", r.reason);
    assert_eq!(r.status(), Some(200));
    assert_eq!(r.phases.dns, None, "an IP literal needs no DNS");
    assert!(r.phases.connect.is_some());
    assert_eq!(r.phases.tls, None);
    let ttfb = r.phases.ttfb.expect("ttfb");
    assert!(r.phases.total >= ttfb);
    let resp = r.response.expect("response");
    assert_eq!(resp.request_id(), Some("r-1"));
    assert_eq!(resp.body_preview, "hello");
}

#[tokio::test]
async fn localhost_is_resolved_and_timed() {
    let addr = serve(|_| Script::Reply(response(204, &[], ""))).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://localhost:{}/", addr.port()), 2000),
        &Expectations::default(),
    )
    .await;
    // localhost may resolve to ::1 first where nothing listens; the client tries every address.
    assert_eq!(r.state, CheckState::Ok, "{:?}", r.reason);
    assert!(r.phases.dns.is_some());
}

#[tokio::test]
async fn dns_failure() {
    let r = run(
        &plain_client(),
        &get("http://no-such-gateway.invalid/", 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "dns");
    assert!(r
        .reason
        .expect("reason")
        .to_string()
        .contains("no-such-gateway.invalid"));
}

#[tokio::test]
async fn connect_refused() {
    let addr = closed_port().await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "connect_refused");
    assert_eq!(r.state, CheckState::Failed);
    assert!(r.response.is_none());
}

#[tokio::test]
async fn connect_timeout() {
    let (addr, held, _listener) = full_backlog().await;
    let mut req = get(&format!("http://{addr}/"), 2000);
    req.connect_timeout = Some(Duration::from_millis(200));
    let r = run(&plain_client(), &req, &Expectations::default()).await;
    if held.is_empty() {
        eprintln!("SKIPPED: could not fill a listen backlog here");
        return;
    }
    assert_eq!(reason_code(&r), "connect_timeout", "{:?}", r.reason);
    assert!(r.phases.connect.expect("connect timed") >= Duration::from_millis(200));
}

#[tokio::test]
async fn timeout_waiting_for_headers() {
    let addr = serve(|_| Script::Stall).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 200),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "timeout_headers");
    assert!(r.phases.total >= Duration::from_millis(200));
    assert!(r.phases.connect.is_some() && r.phases.ttfb.is_none());
}

#[tokio::test]
async fn timeout_reading_body() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b".to_vec();
    let addr = serve(move |_| Script::ReplyThenStall(head.clone())).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 200),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "timeout_body");
    assert!(r.phases.ttfb.is_some(), "headers did arrive");
}

#[tokio::test]
async fn reset_connection() {
    let addr = serve(|_| Script::Reset).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(
        r.reason,
        Some(FailureReason::ConnectionReset {
            phase: Phase::Headers
        })
    );
}

#[tokio::test]
async fn reset_in_the_middle_of_the_body() {
    let addr =
        serve(|_| Script::Reply(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\ncut".to_vec()))
            .await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(
        r.reason,
        Some(FailureReason::ConnectionReset { phase: Phase::Body })
    );
}

#[tokio::test]
async fn garbage_is_a_bad_response() {
    let addr = serve(|_| Script::Reply(b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec())).await;
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/"), 2000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "bad_response");
}

#[tokio::test]
async fn status_sequence_moves_the_store() {
    let addr = serve(|seen| {
        let status = [200, 503, 503, 200][seen.index % 4];
        Script::Reply(response(status, &[], "x"))
    })
    .await;
    let client = plain_client();
    let req = get(&format!("http://{addr}/"), 2000);
    let mut state = ChecksState::default();
    let mut seen = Vec::new();
    for i in 0..4 {
        let r = run(&client, &req, &Expectations::default()).await;
        seen.push((r.status(), reason_code(&r)));
        state.apply(r, gatewatch::model::time::Timestamp(i));
    }
    assert_eq!(
        seen,
        vec![
            (Some(200), "none"),
            (Some(503), "http_status"),
            (Some(503), "http_status"),
            (Some(200), "none")
        ]
    );
    let e = state.get("test").expect("entry");
    assert_eq!(e.failed_runs, 2);
    assert_eq!(e.consecutive_failures, 0);
    assert_eq!(
        e.last_failure.as_ref().map(|(_, r)| r.code()),
        Some("http_status")
    );
}
