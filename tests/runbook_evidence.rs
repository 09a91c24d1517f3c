//! Evidence lines from constructed dashboard states: each family's judgement, and silence when
//! the state does not know.

use std::time::Duration;

use gatewatch::model::status::{Responder, Status, StatusClass};
use gatewatch::model::time::Timestamp;
use gatewatch::runbook::evidence::{
    evidence, rate_limit_reason, CheckSeen, EvidenceInput, EvidenceLine, GatewayTimeout,
    RateLimitSeen, RatioPoint, RouteHits, Saturation, StatusCount, Tone, Topic,
};
use gatewatch::runbook::load::shipped;
use gatewatch::runbook::{Catalog, Query, Runbook};

const T0: i64 = 1_700_000_000_000;

fn catalog() -> Catalog {
    shipped().catalog
}

fn rb<'c>(catalog: &'c Catalog, id: &str) -> &'c Runbook {
    catalog.get(id).unwrap_or_else(|| panic!("{id} shipped"))
}

fn of(lines: &[EvidenceLine], topic: Topic) -> Vec<&EvidenceLine> {
    lines.iter().filter(|l| l.topic == topic).collect()
}

fn count(status: u16, responder: Responder, n: u64) -> StatusCount {
    StatusCount {
        status: Status::Code(status),
        responder,
        count: n,
    }
}

fn check(name: &str, ok: bool, reason: Option<&str>, status: Option<u16>) -> CheckSeen {
    CheckSeen {
        name: name.into(),
        ok,
        reason: reason.map(str::to_string),
        status,
        known_good_credentials: false,
    }
}

#[test]
fn nothing_known_means_no_lines_except_the_429_question() {
    let catalog = catalog();
    let empty = EvidenceInput::default();
    for id in ["400", "401", "502", "503", "504", "5xx", "cors", "dns"] {
        assert!(evidence(rb(&catalog, id), &empty).is_empty(), "{id}");
    }
    let lines = evidence(rb(&catalog, "429-throttle"), &empty);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].tone, Tone::Info);
    assert!(lines[0].text.starts_with("Quota or throttle?"), "{lines:?}");
}

#[test]
fn traffic_share_and_who_made_it() {
    let catalog = catalog();
    let input = EvidenceInput {
        window: Some(Duration::from_secs(300)),
        by_status: vec![
            count(200, Responder::Upstream, 8_676),
            count(502, Responder::Gateway, 1_190),
            count(502, Responder::Upstream, 14),
            StatusCount {
                status: Status::Class(StatusClass::ServerError),
                responder: Responder::Unknown,
                count: 40,
            },
        ],
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "502"), &input);
    let traffic = of(&lines, Topic::Traffic);
    assert_eq!(
        traffic[0].text,
        "502 on this route: 1,204 of 9,920 requests (12%) in the last 5m; +40 more counted by class only"
    );
    assert_eq!(traffic[0].tone, Tone::Crit);
    assert_eq!(
        traffic[1].text,
        "Made by the gateway: 1,190 · by the upstream: 14 — the gateway answered itself, the upstream gave no usable reply"
    );
    // The class runbook counts class-only numbers as its own.
    let lines = evidence(rb(&catalog, "5xx"), &input);
    assert!(of(&lines, Topic::Traffic)[0]
        .text
        .starts_with("5xx on this route: 1,244 of 9,920"));
    // Few requests: the ratio is flagged, not trusted.
    let few = EvidenceInput {
        by_status: vec![
            count(502, Responder::Unknown, 3),
            count(200, Responder::Unknown, 2),
        ],
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "502"), &few);
    let line = of(&lines, Topic::Traffic)[0];
    assert!(line.text.contains("too few requests"), "{line:?}");
    assert_eq!(line.tone, Tone::Info);
}

#[test]
fn rate_limits_quota_versus_throttle() {
    let catalog = catalog();
    let now = Timestamp::from_millis(T0);
    let throttle = EvidenceInput {
        now: Some(now),
        rate_limit: Some(Saturation {
            value: 0.97,
            signal: "envoy local rate limit".into(),
        }),
        last_rate_limit: Some(RateLimitSeen {
            at: Some(Timestamp::from_millis(T0 - 12_000)),
            retry_after: Some(Duration::from_secs(2)),
            limit: Some(100),
            remaining: Some(0),
            reset: Some(Duration::from_secs(2)),
            policy: Some("100;w=1".into()),
        }),
        by_status: vec![
            count(429, Responder::Gateway, 300),
            count(200, Responder::Upstream, 700),
        ],
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "429-throttle"), &throttle);
    let texts: Vec<&str> = of(&lines, Topic::RateLimit)
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        texts,
        vec![
            "Rate-limit saturation 97% (from envoy local rate limit)",
            "Last seen at 22:13:08 UTC (12 s ago): Retry-After 2 s · limit 100 · remaining 0 · reset 2 s · policy 100;w=1",
            "Looks like a throttle (Retry-After 2 s): back off and retry",
        ]
    );
    assert_eq!(of(&lines, Topic::RateLimit)[0].tone, Tone::Crit);
    assert!(of(&lines, Topic::Traffic)[1]
        .text
        .ends_with("the gateway's own limiter"));
    assert_eq!(rate_limit_reason(&throttle), Some("throttled"));

    let quota = EvidenceInput {
        last_rate_limit: Some(RateLimitSeen {
            reset: Some(Duration::from_secs(6 * 3600 + 300)),
            remaining: Some(0),
            ..RateLimitSeen::default()
        }),
        ..EvidenceInput::default()
    };
    // Shown with the throttle runbook, the evidence says it points elsewhere.
    let lines = evidence(rb(&catalog, "429-throttle"), &quota);
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Last seen: remaining 0 · reset 6h 5m",
            "Looks like a quota (reset in 6h 5m): retries fail until it resets",
            "This runbook is for throttling, but the evidence points at a quota",
        ]
    );
    assert_eq!(rate_limit_reason(&quota), Some("quota_exceeded"));
    // The lead puts that reason in the query, and the quota runbook comes first.
    let query = Query {
        status: Some(Status::Code(429)),
        reason: rate_limit_reason(&quota).map(str::to_string),
        ..Query::default()
    };
    assert_eq!(
        catalog.best(&query).map(|m| m.runbook.id.as_str()),
        Some("429-quota")
    );

    let aws = EvidenceInput {
        gateway_error_type: Some("QUOTA_EXCEEDED".into()),
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "429-quota"), &aws);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0].text,
        "Looks like a quota (the gateway says QUOTA_EXCEEDED): retries fail until it resets"
    );
    assert_eq!(lines[0].tone, Tone::Crit);
}

#[test]
fn gateway_timeouts_against_p99() {
    let catalog = catalog();
    let rb504 = rb(&catalog, "504");
    let with = |p99: f64, preset: Option<&str>, timeout: Option<f64>| EvidenceInput {
        latency_p99_ms: Some(p99),
        preset: preset.map(str::to_string),
        gateway_timeout: timeout.map(|ms| GatewayTimeout {
            ms,
            source: "config".into(),
        }),
        ..EvidenceInput::default()
    };
    let cases = [
        (
            with(29_400.0, Some("aws"), None),
            Tone::Crit,
            "p99 29 s vs timeout 29 s (assumed: AWS API Gateway's default integration timeout): requests hit the timeout: the upstream is slower than the gateway waits",
        ),
        (
            with(12_500.0, Some("envoy"), None),
            Tone::Warn,
            "p99 12 s vs timeout 15 s (assumed: Envoy's default route timeout): close to the timeout: the slow tail is being cut off",
        ),
        (
            with(800.0, Some("haproxy"), Some(30_000.0)),
            Tone::Info,
            "p99 800 ms vs timeout 30 s (config): far below the timeout: look for a slow minority or connect timeouts",
        ),
        (
            with(4_200.0, Some("haproxy"), None),
            Tone::Info,
            "p99 4.2 s; the gateway timeout is unknown (set it in config to compare)",
        ),
    ];
    for (input, tone, text) in cases {
        let lines = evidence(rb504, &input);
        let latency = of(&lines, Topic::Latency);
        assert_eq!(latency.len(), 1, "{lines:?}");
        assert_eq!((latency[0].tone, latency[0].text.as_str()), (tone, text));
    }
    let caddy = evidence(rb504, &with(900.0, Some("caddy"), Some(10_000.0)));
    assert!(of(&caddy, Topic::Latency)[1].text.contains("reads low"));
    let timeout = evidence(rb(&catalog, "timeout"), &with(29_400.0, Some("aws"), None));
    assert_eq!(of(&timeout, Topic::Latency)[0].tone, Tone::Crit);
}

#[test]
fn bad_gateway_and_unavailable_with_checks() {
    let catalog = catalog();
    let checks = |list: Vec<CheckSeen>| EvidenceInput {
        checks: Some(list),
        ..EvidenceInput::default()
    };
    let cases = [
        (
            checks(vec![
                check("orders-health", false, Some("connect_refused"), None),
                check("orders-list", false, Some("connect_timeout"), None),
                check("orders-get", true, None, Some(200)),
            ]),
            Tone::Crit,
            "2 of 3 checks for this route fail to connect (connect_refused, connect_timeout): nothing accepts connections at their target",
        ),
        (
            checks(vec![check("orders-health", false, Some("http_status"), Some(502))]),
            Tone::Warn,
            "Check 'orders-health' fails (502), but it connects: the error is live",
        ),
        (
            checks(vec![check("a", true, None, Some(200)), check("b", true, None, Some(200))]),
            Tone::Ok,
            "All 2 checks for this route pass: the failure is partial, intermittent or request-specific",
        ),
        (
            checks(vec![]),
            Tone::Info,
            "No check covers this route: probe it to see whether it connects",
        ),
    ];
    for id in ["502", "503"] {
        for (input, tone, text) in &cases {
            let lines = evidence(rb(&catalog, id), input);
            let c = of(&lines, Topic::Checks);
            assert_eq!(c.len(), 1, "{id}: {lines:?}");
            assert_eq!((c[0].tone, c[0].text.as_str()), (*tone, *text), "{id}");
        }
    }
}

#[test]
fn unauthorized_with_a_known_good_credential() {
    let catalog = catalog();
    let rb401 = rb(&catalog, "401");
    let canary = |ok: bool, status: Option<u16>, reason: Option<&str>| EvidenceInput {
        checks: Some(vec![
            check("orders-anon", false, Some("http_status"), Some(401)),
            CheckSeen {
                known_good_credentials: true,
                ..check("orders-canary", ok, reason, status)
            },
        ]),
        ..EvidenceInput::default()
    };
    let cases = [
        (
            canary(true, Some(200), None),
            Tone::Ok,
            "Known-good credential check 'orders-canary' passes: gateway auth works; suspect the callers' credentials",
        ),
        (
            canary(false, Some(401), Some("http_status")),
            Tone::Crit,
            "Even the known-good credential check 'orders-canary' gets 401: the gateway's auth or the identity provider broke",
        ),
        (
            canary(false, None, Some("connect_refused")),
            Tone::Warn,
            "Known-good credential check 'orders-canary' fails (connect_refused): cannot tell auth from reachability",
        ),
        (
            EvidenceInput {
                checks: Some(vec![check("orders-anon", false, Some("http_status"), Some(401))]),
                ..EvidenceInput::default()
            },
            Tone::Info,
            "No known-good-credential check for this route: probe it with a token you trust",
        ),
    ];
    for (input, tone, text) in cases {
        let lines = evidence(rb401, &input);
        let c = of(&lines, Topic::Credentials);
        assert_eq!(c.len(), 1, "{lines:?}");
        assert_eq!((c[0].tone, c[0].text.as_str()), (tone, text));
    }
}

#[test]
fn server_error_bursts_and_their_spread() {
    let catalog = catalog();
    let series = |ratios: &[f64]| -> Vec<RatioPoint> {
        ratios
            .iter()
            .enumerate()
            .map(|(i, r)| RatioPoint {
                at: Timestamp::from_millis(T0 + i as i64 * 60_000),
                ratio: *r,
            })
            .collect()
    };
    let now = Some(Timestamp::from_millis(T0 + 9 * 60_000 + 12_000));
    let input = EvidenceInput {
        now,
        error_ratio: series(&[0.0, 0.001, 0.0, 0.0, 0.002, 0.0, 0.25, 0.4, 0.38, 0.41]),
        other_routes: Some(vec![
            RouteHits {
                route: "/v1/cart".into(),
                count: 40,
            },
            RouteHits {
                route: "/v1/orders/{id}".into(),
                count: 120,
            },
            RouteHits {
                route: "/v1/pay\x1b[2J".into(),
                count: 12,
            },
            RouteHits {
                route: "/v1/users".into(),
                count: 3,
            },
        ]),
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "502"), &input);
    let burst = of(&lines, Topic::Burst);
    assert_eq!(burst[0].text, "Burst began 22:19:20 UTC (3m 12s ago)");
    let spread: Vec<&str> = of(&lines, Topic::Spread)
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        spread,
        vec![
            "Also on 4 other routes: /v1/orders/{id} (120), /v1/cart (40), /v1/pay (12), +1 more",
            "Many routes at once: suspect something shared (the gateway, the network, a common dependency)",
        ]
    );
    // The store's own burst start wins over detection; no other route is a finding too.
    let known = EvidenceInput {
        burst_started_at: Some(Timestamp::from_millis(T0)),
        other_routes: Some(vec![]),
        ..input.clone()
    };
    let lines = evidence(rb(&catalog, "500"), &known);
    assert_eq!(
        of(&lines, Topic::Burst)[0].text,
        "Burst began 22:13:20 UTC (9m 12s ago)"
    );
    assert_eq!(
        of(&lines, Topic::Spread)[0].text,
        "No other route shows this error: suspect this route's upstream"
    );
    // Quiet now.
    let quiet = EvidenceInput {
        error_ratio: series(&[0.3, 0.2, 0.0005]),
        ..EvidenceInput::default()
    };
    let lines = evidence(rb(&catalog, "503"), &quiet);
    assert_eq!(
        of(&lines, Topic::Burst)[0].text,
        "No burst now: latest share <0.1%"
    );
    // Client errors get no burst lines.
    assert!(of(&evidence(rb(&catalog, "404"), &input), Topic::Burst).is_empty());
}
