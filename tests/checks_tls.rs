//! TLS failure reasons and the certificate assertion, against a test CA generated per run.

mod checks_support;

use checks_support::*;
use gatewatch::model::check::{CheckState, Expectations};

const LONG_AGO: (i32, u8, u8) = (2020, 1, 1);
const FAR_AHEAD: (i32, u8, u8) = (2090, 1, 1);

fn ok_reply() -> Vec<u8> {
    response(200, &[("Server", "test-tls")], "secure")
}

#[tokio::test]
async fn valid_certificate_from_the_test_ca() {
    let ca = TestCa::new();
    let addr = serve_tls(ca.leaf(&["localhost"], LONG_AGO, FAR_AHEAD), ok_reply()).await;
    let url = format!("https://localhost:{}/", addr.port());
    let expect = Expectations {
        cert_valid_days: Some(30),
        ..Expectations::default()
    };
    let r = run(&ca.client(), &get(&url, 3000), &expect).await;
    assert_eq!(r.state, CheckState::Ok, "{:?}", r.reason);
    assert!(r.phases.tls.is_some(), "tls phase timed");
    assert!(r.phases.dns.is_some());
    let resp = r.response.expect("response");
    let days = resp
        .cert_days_left(gatewatch::sources::http::wall_now())
        .expect("cert expiry read");
    assert!(days > 365, "{days}");
    assert_eq!(resp.header("server"), Some("test-tls"));
}

#[tokio::test]
async fn certificate_expiring_too_soon_fails_the_assertion() {
    let ca = TestCa::new();
    let addr = serve_tls(ca.leaf(&["localhost"], LONG_AGO, FAR_AHEAD), ok_reply()).await;
    let url = format!("https://localhost:{}/", addr.port());
    let expect = Expectations {
        // More days than the certificate has left.
        cert_valid_days: Some(100 * 365),
        ..Expectations::default()
    };
    let r = run(&ca.client(), &get(&url, 3000), &expect).await;
    assert_eq!(reason_code(&r), "assertion");
    assert!(r.reason.expect("reason").to_string().contains("cert valid"));
}

#[tokio::test]
async fn self_signed_without_the_ca_is_untrusted() {
    let ca = TestCa::new();
    let addr = serve_tls(ca.leaf(&["localhost"], LONG_AGO, FAR_AHEAD), ok_reply()).await;
    let url = format!("https://localhost:{}/", addr.port());
    // The bundled web roots only: the test CA is unknown.
    let r = run(&plain_client(), &get(&url, 3000), &Expectations::default()).await;
    assert_eq!(reason_code(&r), "tls_untrusted", "{:?}", r.reason);
}

#[tokio::test]
async fn wrong_host_name() {
    let ca = TestCa::new();
    let addr = serve_tls(
        ca.leaf(&["api.other.test"], LONG_AGO, FAR_AHEAD),
        ok_reply(),
    )
    .await;
    let url = format!("https://localhost:{}/", addr.port());
    let r = run(&ca.client(), &get(&url, 3000), &Expectations::default()).await;
    assert_eq!(reason_code(&r), "tls_name_mismatch", "{:?}", r.reason);
}

#[tokio::test]
async fn expired_certificate() {
    let ca = TestCa::new();
    let addr = serve_tls(
        ca.leaf(&["localhost"], (2019, 1, 1), (2021, 1, 1)),
        ok_reply(),
    )
    .await;
    let url = format!("https://localhost:{}/", addr.port());
    let r = run(&ca.client(), &get(&url, 3000), &Expectations::default()).await;
    assert_eq!(reason_code(&r), "tls_expired", "{:?}", r.reason);
}

#[tokio::test]
async fn plain_http_on_an_https_url_is_a_handshake_failure() {
    let addr = serve(|_| Script::Reply(response(400, &[], "plain http"))).await;
    let ca = TestCa::new();
    let r = run(
        &ca.client(),
        &get(&format!("https://{addr}/"), 3000),
        &Expectations::default(),
    )
    .await;
    assert_eq!(reason_code(&r), "tls_handshake", "{:?}", r.reason);
}

#[tokio::test]
async fn ca_file_is_loaded_from_pem() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, ca.pem()).expect("write");
    let certs = gatewatch::sources::http::load_pem_certs(&path).expect("loads");
    assert_eq!(certs.len(), 1);
    std::fs::write(&path, "not pem").expect("write");
    assert!(gatewatch::sources::http::load_pem_certs(&path).is_err());
}
