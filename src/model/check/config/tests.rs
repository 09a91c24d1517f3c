use super::*;
use crate::model::status::StatusClass;

#[derive(Deserialize)]
struct File {
    checks: Vec<CheckConfig>,
    #[serde(default)]
    probe: Option<ProbeConfig>,
}

fn parse(text: &str) -> Result<File, toml::de::Error> {
    toml::from_str(text)
}

const FULL: &str = r#"
[probe]
base_url = "https://api.example.com"
timeout = "3s"
headers = { Authorization = "env:GW_TOKEN" }

[[checks]]
name = "orders"
route = "GET /v1/orders"
url = "https://api.example.com/v1/orders?page=1"
headers = { Authorization = "env:GW_TOKEN", X-Api-Key = "file:/run/secrets/key" }
interval = "10s"
timeout = "2s"
status = ["2xx", 304]
degraded_after = "300ms"
fail_after = "1s"
expect_headers = [{ name = "X-Request-Id" }, { name = "content-type", matches = "json" }]
body_contains = ["orders"]
json = [{ pointer = "/status", equals = "ok" }, { pointer = "/count", equals = 3 }]
cert_valid_days = 14

[[checks]]
name = "orders-cors"
url = "https://api.example.com/v1/orders"
method = "POST"
cors = { origin = "https://app.example.com", headers = ["authorization"], credentials = true }
"#;

#[test]
fn parses_a_full_config() {
    let f = parse(FULL).expect("parses");
    assert_eq!(f.checks.len(), 2);
    let c = &f.checks[0];
    c.validate().expect("valid");
    assert_eq!(c.interval, Duration::from_secs(10));
    assert_eq!(c.degraded_after, Some(Duration::from_millis(300)));
    assert_eq!(
        c.route_key(),
        Some(RouteKey::new(Some("GET"), "/v1/orders"))
    );
    let e = c.expectations().expect("compiles");
    assert_eq!(
        e.status.0,
        vec![Status::Class(StatusClass::Success), Status::Code(304)]
    );
    assert_eq!(e.headers.len(), 2);
    assert_eq!(e.headers[0].name, "x-request-id");
    assert_eq!(e.json[1].equals, serde_json::json!(3));
    assert_eq!(e.cert_valid_days, Some(14));

    let cors = &f.checks[1];
    cors.validate().expect("valid");
    assert_eq!(cors.interval, Duration::from_secs(30));
    assert_eq!(cors.timeout, Duration::from_secs(5));
    let pre = cors.preflight().expect("a preflight");
    assert_eq!(pre.method, "POST");
    assert!(pre.credentials);

    let probe = f.probe.expect("probe section");
    assert_eq!(probe.base_url.as_deref(), Some("https://api.example.com"));
    assert_eq!(probe.timeout, Some(Duration::from_secs(3)));
}

#[test]
fn rejects_what_it_does_not_know() {
    let cases = [
        (
            "[[checks]]\nname='a'\nurl='http://x'\nintervl='1s'\n",
            "unknown field",
        ),
        (
            "[[checks]]\nname='a'\nurl='http://x'\ntimeout='soon'\n",
            "soon",
        ),
        (
            "[[checks]]\nname='a'\nurl='http://x'\nexpect_headers=[{name='a', present=true}]\n",
            "unknown field",
        ),
    ];
    for (text, needle) in cases {
        let err = parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(needle), "{text}: {err}");
    }
}

#[test]
fn validation_names_the_field() {
    let base = "[[checks]]\nname='a'\n";
    let cases = [
        ("url='ftp://x/'", "url"),
        ("url='not a url'", "url"),
        ("url='http://x'\nmethod='GE T'", "method"),
        ("url='http://x'\nstatus='9xx'", "status"),
        ("url='http://x'\nstatus=[]", "status"),
        ("url='http://x'\nstatus=700", "status"),
        ("url='http://x'\nbody_matches=['(']", "body_matches"),
        (
            "url='http://x'\ndegraded_after='2s'\nfail_after='1s'",
            "degraded_after",
        ),
        ("url='http://x'\ninterval='10ms'", "interval"),
        ("url='http://x'\ntimeout='0s'", "timeout"),
        ("url='http://x'\nheaders={'bad name'='v'}", "headers"),
        (
            "url='http://x'\njson=[{pointer='status', equals=1}]",
            "json",
        ),
        (
            "url='http://x'\nexpect_headers=[{name='a', equals='b', matches='c'}]",
            "expect_headers",
        ),
    ];
    for (body, field) in cases {
        let f = parse(&format!("{base}{body}\n")).expect("parses");
        let err = f.checks[0].validate().expect_err(body);
        assert_eq!(err.field, field, "{body}: {err}");
        assert!(err.to_string().starts_with("check \"a\""), "{err}");
    }
}

#[test]
fn routes_split_method_only_when_it_is_one() {
    assert_eq!(
        parse_route("POST /v1/login"),
        RouteKey::new(Some("POST"), "/v1/login")
    );
    assert_eq!(parse_route("be_orders"), RouteKey::new(None, "be_orders"));
    assert_eq!(
        parse_route("orders@file"),
        RouteKey::new(None, "orders@file")
    );
    assert_eq!(parse_route("Get me"), RouteKey::new(None, "Get me"));
}
