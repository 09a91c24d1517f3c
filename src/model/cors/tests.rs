use super::*;

const ORIGIN: &str = "https://app.example.com";

fn req(method: &str, headers: &[&str], credentials: bool) -> PreflightRequest {
    PreflightRequest {
        origin: ORIGIN.into(),
        method: method.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        credentials,
    }
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// (request, status, headers, expected failing rules, expected warnings)
type Case = (
    PreflightRequest,
    u16,
    Vec<(String, String)>,
    Vec<CorsRule>,
    Vec<CorsRule>,
);

#[test]
fn table_of_preflight_answers() {
    let good_echo = [
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, POST, DELETE"),
        (
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type",
        ),
        ("Vary", "Accept-Encoding, Origin"),
        ("Access-Control-Max-Age", "600"),
    ];
    // (request, status, headers, expected failing rules, expected warnings)
    let cases: Vec<Case> = vec![
        (
            req("DELETE", &["authorization", "content-type"], true),
            204,
            h(&good_echo),
            vec![],
            vec![],
        ),
        (
            req("PUT", &["x-custom"], false),
            200,
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "*"),
                ("Access-Control-Allow-Headers", "*"),
            ]),
            vec![],
            vec![],
        ),
        (
            req("GET", &[], true),
            200,
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
            ]),
            vec![CorsRule::WildcardWithCredentials],
            vec![],
        ),
        (
            req("PUT", &["authorization"], true),
            200,
            h(&[
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "*"),
                ("Access-Control-Allow-Headers", "*"),
                ("Vary", "Origin"),
            ]),
            vec![CorsRule::AllowMethods, CorsRule::AllowHeaders],
            vec![],
        ),
        (
            req("GET", &["authorization"], false),
            200,
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Headers", "*"),
            ]),
            vec![CorsRule::AllowHeaders],
            vec![],
        ),
        (
            req("POST", &[], false),
            403,
            h(&[]),
            vec![CorsRule::PreflightStatus, CorsRule::AllowOrigin],
            vec![],
        ),
        (
            req("GET", &[], false),
            200,
            h(&[("Access-Control-Allow-Origin", "https://other.example.com")]),
            vec![CorsRule::AllowOrigin],
            vec![],
        ),
        (
            req("GET", &[], false),
            200,
            h(&[
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Origin", ORIGIN),
            ]),
            vec![CorsRule::AllowOrigin],
            vec![],
        ),
        (
            req("GET", &[], true),
            200,
            h(&[
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "TRUE"),
            ]),
            vec![CorsRule::AllowCredentials],
            vec![CorsRule::VaryOrigin],
        ),
        (
            req("patch", &[], false),
            200,
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "PATCH"),
            ]),
            vec![CorsRule::AllowMethods],
            vec![],
        ),
        (
            req("delete", &["X-Trace"], false),
            200,
            h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "DELETE"),
                ("Access-Control-Allow-Headers", "x-trace"),
            ]),
            vec![],
            vec![],
        ),
    ];
    for (i, (r, status, headers, fails, warns)) in cases.into_iter().enumerate() {
        let v = judge(&r, status, &headers);
        let got_fails: Vec<CorsRule> = v.failures.iter().map(|f| f.rule).collect();
        let got_warns: Vec<CorsRule> = v.warnings.iter().map(|f| f.rule).collect();
        assert_eq!(got_fails, fails, "case {i}: {:?}", v.failures);
        assert_eq!(got_warns, warns, "case {i}: {:?}", v.warnings);
        assert_eq!(v.allowed(), fails.is_empty(), "case {i}");
    }
}

#[test]
fn wildcard_with_credentials_has_a_clear_reason() {
    let v = judge(
        &req("GET", &[], true),
        200,
        &h(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ]),
    );
    assert_eq!(v.state(), CheckState::Failed);
    let reason = v.reason().expect("a reason");
    assert_eq!(reason.code(), "cors");
    let text = reason.to_string();
    assert!(text.contains("wildcard_with_credentials"), "{text}");
    assert!(text.contains("credentials"), "{text}");
}

#[test]
fn missing_vary_degrades_and_max_age_is_read() {
    let v = judge(
        &req("GET", &[], false),
        204,
        &h(&[
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Max-Age", "86400"),
        ]),
    );
    assert_eq!(v.state(), CheckState::Degraded);
    assert_eq!(v.max_age_secs, Some(86_400));
    assert_eq!(v.reason().map(|r| r.code()), Some("cors"));
}
