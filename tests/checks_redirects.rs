//! Redirects: not followed unless asked; loops named; credentials never cross origins.

mod checks_support;

use std::time::Duration;

use checks_support::*;
use gatewatch::model::check::{CheckState, Expectations, StatusExpectation};
use gatewatch::sources::http::HttpRequest;

fn with_auth(url: &str, follow: bool) -> HttpRequest {
    let headers = vec![
        (
            "Authorization".to_string(),
            "Bearer redirect-secret-123".to_string(),
        ),
        (
            "Cookie".to_string(),
            "session=cookie-secret-456".to_string(),
        ),
        ("X-Trace".to_string(), "keep-me".to_string()),
    ];
    let mut r =
        HttpRequest::new("GET", url, &headers, &[], None, Duration::from_secs(3)).expect("request");
    r.follow_redirects = follow;
    r
}

/// Answers 200 with what credentials it got, as headers.
async fn echo_server() -> std::net::SocketAddr {
    serve(|seen| {
        let auth = if seen.header("authorization").is_some() {
            "yes"
        } else {
            "no"
        };
        let cookie = if seen.header("cookie").is_some() {
            "yes"
        } else {
            "no"
        };
        let trace = seen.header("x-trace").unwrap_or("none").to_string();
        Script::Reply(response(
            200,
            &[
                ("X-Got-Auth", auth),
                ("X-Got-Cookie", cookie),
                ("X-Got-Trace", &trace),
            ],
            "landed",
        ))
    })
    .await
}

#[tokio::test]
async fn not_followed_by_default() {
    let addr = serve(|_| Script::Reply(response(302, &[("Location", "/elsewhere")], ""))).await;
    let expect = Expectations {
        status: StatusExpectation::success_or_redirect(),
        ..Expectations::default()
    };
    let r = run(
        &plain_client(),
        &get(&format!("http://{addr}/start"), 2000),
        &expect,
    )
    .await;
    assert_eq!(r.state, CheckState::Ok);
    assert_eq!(r.status(), Some(302));
    assert_eq!(r.redirects, 0);
    assert_eq!(
        r.response.expect("resp").header("location"),
        Some("/elsewhere")
    );
}

#[tokio::test]
async fn redirect_loop_is_named() {
    let addr = serve(|seen| {
        let next = if seen.path() == "/a" { "/b" } else { "/a" };
        Script::Reply(response(301, &[("Location", next)], ""))
    })
    .await;
    let mut req = get(&format!("http://{addr}/a"), 2000);
    req.follow_redirects = true;
    let r = run(&plain_client(), &req, &Expectations::default()).await;
    assert_eq!(reason_code(&r), "redirect_loop");
    assert_eq!(r.redirects, 2);
}

#[tokio::test]
async fn too_many_redirects_is_a_loop_too() {
    let addr = serve(|seen| {
        let n: u32 = seen.path().trim_start_matches("/r").parse().unwrap_or(0);
        Script::Reply(response(307, &[("Location", &format!("/r{}", n + 1))], ""))
    })
    .await;
    let mut req = get(&format!("http://{addr}/r0"), 3000);
    req.follow_redirects = true;
    req.max_redirects = 3;
    let r = run(&plain_client(), &req, &Expectations::default()).await;
    assert_eq!(reason_code(&r), "redirect_loop");
    assert_eq!(r.redirects, 4);
}

#[tokio::test]
async fn same_origin_redirect_keeps_credentials() {
    let addr = serve(move |seen| {
        if seen.path() == "/start" {
            Script::Reply(response(302, &[("Location", "/final")], ""))
        } else {
            let auth = if seen.header("authorization").is_some() {
                "yes"
            } else {
                "no"
            };
            Script::Reply(response(200, &[("X-Got-Auth", auth)], "ok"))
        }
    })
    .await;
    let ex = plain_client()
        .send(&with_auth(&format!("http://{addr}/start"), true))
        .await;
    assert_eq!(ex.redirects, 1);
    let resp = ex.outcome.expect("answer");
    assert_eq!(resp.status, 200);
    assert!(resp
        .headers
        .iter()
        .any(|(k, v)| k == "x-got-auth" && v == "yes"));
}

#[tokio::test]
async fn cross_origin_redirect_drops_credentials() {
    let target = echo_server().await;
    let location = format!("http://{target}/landing");
    let addr = serve(move |_| Script::Reply(response(302, &[("Location", &location)], ""))).await;
    let req = with_auth(&format!("http://{addr}/start"), true);
    let client = plain_client();
    let exchange = client.send(&req).await;
    let resp = exchange.outcome.expect("answer");
    let got = |name: &str| {
        resp.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(exchange.redirects, 1);
    assert_eq!(got("x-got-auth").as_deref(), Some("no"));
    assert_eq!(got("x-got-cookie").as_deref(), Some("no"));
    assert_eq!(got("x-got-trace").as_deref(), Some("keep-me"));

    // The same request straight to the target does carry them (the echo works).
    let direct = client
        .send(&with_auth(&format!("http://{target}/landing"), false))
        .await;
    let d = direct.outcome.expect("answer");
    assert!(d
        .headers
        .iter()
        .any(|(k, v)| k == "x-got-auth" && v == "yes"));
}

#[tokio::test]
async fn see_other_turns_a_post_into_a_get() {
    let addr = serve(|seen| {
        if seen.path() == "/submit" {
            Script::Reply(response(303, &[("Location", "/result")], ""))
        } else {
            let method = seen.head.split(' ').next().unwrap_or("").to_string();
            Script::Reply(response(200, &[("X-Method", &method)], ""))
        }
    })
    .await;
    let mut req = HttpRequest::new(
        "POST",
        &format!("http://{addr}/submit"),
        &[],
        &[],
        Some(b"a=1".to_vec()),
        Duration::from_secs(2),
    )
    .expect("request");
    req.follow_redirects = true;
    let ex = plain_client().send(&req).await;
    let resp = ex.outcome.expect("answer");
    assert!(resp
        .headers
        .iter()
        .any(|(k, v)| k == "x-method" && v == "GET"));
}
