use super::*;

const DAY_MS: i64 = 86_400_000;

fn obs<'a>(status: u16, headers: &'a [(String, String)], body: &'a [u8], ms: u64) -> Observed<'a> {
    Observed {
        status,
        headers,
        body,
        latency: Duration::from_millis(ms),
        cert_not_after: Some(Timestamp(30 * DAY_MS)),
    }
}

fn headers() -> Vec<(String, String)> {
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Request-Id".into(), "req-42".into()),
        ("Authorization".into(), "Bearer leaked-secret-value".into()),
    ]
}

fn expect() -> Expectations {
    Expectations {
        status: StatusExpectation(vec![
            Status::Code(200),
            Status::Class(StatusClass::Redirection),
        ]),
        degraded_after: Some(Duration::from_millis(300)),
        fail_after: Some(Duration::from_secs(2)),
        ..Expectations::default()
    }
}

fn code_and_assertion(v: &Verdict) -> (CheckState, Option<String>) {
    let label = v.reason.as_ref().map(|r| match r {
        FailureReason::Assertion { assertion, .. } => assertion.clone(),
        other => other.code().to_string(),
    });
    (v.state, label)
}

#[test]
fn table_of_assertions() {
    let hs = headers();
    let body = br#"{"status":"ok","data":[{"id":7}]}"#;
    let re = |s: &str| Regex::new(s).expect("test regex");
    let cases: Vec<(Expectations, Observed<'_>, CheckState, Option<&str>)> = vec![
        (expect(), obs(200, &hs, body, 10), CheckState::Ok, None),
        (expect(), obs(302, &hs, body, 10), CheckState::Ok, None),
        (
            expect(),
            obs(201, &hs, body, 10),
            CheckState::Failed,
            Some("http_status"),
        ),
        (
            expect(),
            obs(200, &hs, body, 301),
            CheckState::Degraded,
            Some("latency ≤ 300 ms (degraded_after)"),
        ),
        (
            expect(),
            obs(200, &hs, body, 2001),
            CheckState::Failed,
            Some("latency ≤ 2.00 s (fail_after)"),
        ),
        (
            Expectations {
                headers: vec![HeaderAssertion {
                    name: "x-request-id".into(),
                    check: HeaderCheck::Present,
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Ok,
            None,
        ),
        (
            Expectations {
                headers: vec![HeaderAssertion {
                    name: "x-trace".into(),
                    check: HeaderCheck::Present,
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Failed,
            Some("header x-trace present"),
        ),
        (
            Expectations {
                headers: vec![HeaderAssertion {
                    name: "content-type".into(),
                    check: HeaderCheck::Equals("text/html".into()),
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Failed,
            Some("header content-type == \"text/html\""),
        ),
        (
            Expectations {
                headers: vec![HeaderAssertion {
                    name: "x-request-id".into(),
                    check: HeaderCheck::Matches(re("^req-[0-9]+$")),
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Ok,
            None,
        ),
        (
            Expectations {
                body: vec![BodyAssertion::Contains("\"ok\"".into())],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Ok,
            None,
        ),
        (
            Expectations {
                body: vec![BodyAssertion::Matches(re("down|maintenance"))],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Failed,
            Some("body ~ /down|maintenance/"),
        ),
        (
            Expectations {
                json: vec![JsonAssertion {
                    pointer: "/data/0/id".into(),
                    equals: serde_json::json!(7),
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Ok,
            None,
        ),
        (
            Expectations {
                json: vec![JsonAssertion {
                    pointer: "/status".into(),
                    equals: serde_json::json!("degraded"),
                }],
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Failed,
            Some("json /status == \"degraded\""),
        ),
        (
            Expectations {
                json: vec![JsonAssertion {
                    pointer: "/missing".into(),
                    equals: serde_json::json!(1),
                }],
                ..expect()
            },
            obs(200, &hs, b"<html>", 1),
            CheckState::Failed,
            Some("json /missing == 1"),
        ),
        (
            Expectations {
                cert_valid_days: Some(14),
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Ok,
            None,
        ),
        (
            Expectations {
                cert_valid_days: Some(31),
                ..expect()
            },
            obs(200, &hs, body, 1),
            CheckState::Failed,
            Some("cert valid ≥ 31 days"),
        ),
    ];
    for (i, (e, o, state, label)) in cases.into_iter().enumerate() {
        let v = evaluate(&e, &o, Timestamp(0));
        assert_eq!(
            code_and_assertion(&v),
            (state, label.map(String::from)),
            "case {i}: {v:?}"
        );
        assert_eq!(v.reason.is_some(), state != CheckState::Ok, "case {i}");
    }
}

#[test]
fn failures_never_show_a_secret_header_in_full() {
    let hs = headers();
    let e = Expectations {
        headers: vec![HeaderAssertion {
            name: "authorization".into(),
            check: HeaderCheck::Equals("Bearer other".into()),
        }],
        ..expect()
    };
    let v = evaluate(&e, &obs(200, &hs, b"", 1), Timestamp(0));
    let text = v.reason.expect("fails").to_string();
    assert!(!text.contains("leaked-secret-value"), "{text}");
    assert!(text.contains("(redacted)"), "{text}");
}

#[test]
fn status_expectation_displays_and_matches() {
    let e = StatusExpectation(vec![
        Status::Code(200),
        Status::Code(204),
        Status::Class(StatusClass::Redirection),
    ]);
    assert_eq!(e.to_string(), "200 or 204 or 3xx");
    assert!(e.matches(204) && e.matches(307) && !e.matches(201));
    assert!(StatusExpectation::default().matches(299));
    assert!(!StatusExpectation::default().matches(304));
}

#[test]
fn missing_certificate_fails_the_cert_assertion() {
    let hs = headers();
    let mut o = obs(200, &hs, b"", 1);
    o.cert_not_after = None;
    let v = evaluate(
        &Expectations {
            cert_valid_days: Some(1),
            ..expect()
        },
        &o,
        Timestamp(0),
    );
    assert_eq!(v.state, CheckState::Failed);
    assert!(v.reason.expect("fails").to_string().contains("not https"));
}
