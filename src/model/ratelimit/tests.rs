use super::*;

/// 2026-12-01T10:00:00Z
const NOW: Timestamp = Timestamp(1_796_119_200_000);

fn parse_pairs(pairs: &[(&str, &str)]) -> Option<RateLimit> {
    parse(pairs.iter().copied(), NOW)
}

#[test]
fn table_of_header_families() {
    struct Case {
        headers: &'static [(&'static str, &'static str)],
        family: Option<RateLimitFamily>,
        limit: Option<u64>,
        remaining: Option<u64>,
        reset: Option<u64>,
        window: Option<u64>,
        retry: Option<u64>,
        policy: Option<&'static str>,
    }
    let cases = [
        Case {
            headers: &[
                (
                    "RateLimit-Policy",
                    r#""burst";q=100;w=60, "daily";q=1000;w=86400"#,
                ),
                ("RateLimit", r#""burst";r=90;t=30, "daily";r=10;t=3600"#),
            ],
            family: Some(RateLimitFamily::IetfStructured),
            limit: Some(1000),
            remaining: Some(10),
            reset: Some(3600),
            window: Some(86_400),
            retry: None,
            policy: Some("daily"),
        },
        Case {
            headers: &[
                ("RateLimit-Limit", "100"),
                ("RateLimit-Remaining", "25"),
                ("RateLimit-Reset", "42"),
                ("RateLimit-Policy", "100;w=60"),
            ],
            family: Some(RateLimitFamily::IetfLegacy),
            limit: Some(100),
            remaining: Some(25),
            reset: Some(42),
            window: Some(60),
            retry: None,
            policy: None,
        },
        Case {
            headers: &[
                ("ratelimit-limit", "10, 10;window=1"),
                ("ratelimit-remaining", "0"),
                ("Retry-After", "7"),
            ],
            family: Some(RateLimitFamily::IetfLegacy),
            limit: Some(10),
            remaining: Some(0),
            reset: None,
            window: None,
            retry: Some(7),
            policy: None,
        },
        Case {
            // GitHub style: reset is a Unix time; 90 s after NOW.
            headers: &[
                ("X-RateLimit-Limit", "5000"),
                ("X-RateLimit-Remaining", "4999"),
                ("X-RateLimit-Reset", "1796119290"),
            ],
            family: Some(RateLimitFamily::XRateLimit),
            limit: Some(5000),
            remaining: Some(4999),
            reset: Some(90),
            window: None,
            retry: None,
            policy: None,
        },
        Case {
            // Kong: one pair per window; the most saturated window wins.
            headers: &[
                ("X-RateLimit-Limit-Second", "10"),
                ("X-RateLimit-Remaining-Second", "9"),
                ("X-RateLimit-Limit-Minute", "5"),
                ("X-RateLimit-Remaining-Minute", "0"),
                ("Retry-After", "Tue, 01 Dec 2026 10:00:30 GMT"),
            ],
            family: Some(RateLimitFamily::XRateLimit),
            limit: Some(5),
            remaining: Some(0),
            reset: None,
            window: Some(60),
            retry: Some(30),
            policy: Some("minute"),
        },
        Case {
            headers: &[("Retry-After", "120")],
            family: Some(RateLimitFamily::RetryAfter),
            limit: None,
            remaining: None,
            reset: None,
            window: None,
            retry: Some(120),
            policy: None,
        },
        Case {
            headers: &[
                ("X-Rate-Limit-Limit", "60"),
                ("X-Rate-Limit-Remaining", "30"),
            ],
            family: Some(RateLimitFamily::XRateLimit),
            limit: Some(60),
            remaining: Some(30),
            reset: None,
            window: None,
            retry: None,
            policy: None,
        },
    ];
    for (i, c) in cases.iter().enumerate() {
        let got = parse_pairs(c.headers).unwrap_or_else(|| panic!("case {i}: nothing parsed"));
        assert_eq!(got.family, c.family, "case {i}");
        assert_eq!(got.limit, c.limit, "case {i} limit");
        assert_eq!(got.remaining, c.remaining, "case {i} remaining");
        assert_eq!(got.reset_secs, c.reset, "case {i} reset");
        assert_eq!(got.window_secs, c.window, "case {i} window");
        assert_eq!(got.retry_after_secs, c.retry, "case {i} retry");
        assert_eq!(got.policy.as_deref(), c.policy, "case {i} policy");
    }
}

#[test]
fn structured_beats_legacy_beats_x() {
    let got = parse_pairs(&[
        ("X-RateLimit-Limit", "1"),
        ("X-RateLimit-Remaining", "1"),
        ("RateLimit-Limit", "2"),
        ("RateLimit-Remaining", "1"),
    ])
    .expect("parsed");
    assert_eq!(got.family, Some(RateLimitFamily::IetfLegacy));
    assert_eq!(got.saturation(), Some(0.5));
}

#[test]
fn no_headers_no_rate_limit() {
    assert_eq!(parse_pairs(&[("Content-Type", "text/plain")]), None);
    assert_eq!(parse_pairs(&[("Retry-After", "soon")]), None);
}

#[test]
fn retry_after_in_the_past_is_zero() {
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", NOW),
        Some(0)
    );
    assert_eq!(
        parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", NOW),
        Some(0)
    );
    assert_eq!(
        parse_retry_after("Tue, 01 Dec 2026 10:01:00 GMT", NOW),
        Some(60)
    );
    assert_eq!(parse_retry_after("", NOW), None);
}

#[test]
fn saturation_and_description() {
    let rl = RateLimit {
        family: Some(RateLimitFamily::XRateLimit),
        policy: Some("minute".into()),
        limit: Some(100),
        remaining: Some(12),
        reset_secs: Some(30),
        window_secs: Some(60),
        retry_after_secs: None,
    };
    assert_eq!(rl.saturation(), Some(0.88));
    assert_eq!(
        rl.describe(),
        "12/100 left (X-RateLimit-*, minute) per 60s resets in 30s"
    );
    let over = RateLimit {
        limit: Some(10),
        remaining: Some(50),
        ..RateLimit::default()
    };
    assert_eq!(over.saturation(), Some(0.0));
    let zero = RateLimit {
        limit: Some(0),
        remaining: Some(0),
        ..RateLimit::default()
    };
    assert_eq!(zero.saturation(), Some(1.0));
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_values(name in "(?i)(x-)?rate-?limit(-[a-z]{0,9}){0,2}|retry-after", value in ".{0,80}") {
        let rl = parse([(name.as_str(), value.as_str())], NOW);
        if let Some(s) = rl.and_then(|r| r.saturation()) {
            proptest::prop_assert!((0.0..=1.0).contains(&s));
        }
    }

    #[test]
    fn structured_lists_never_panic(state in "[\"a-z0-9;=, \\\\]{0,60}", policy in "[\"a-z0-9;=, \\\\]{0,60}") {
        let _ = parse([("RateLimit", state.as_str()), ("RateLimit-Policy", policy.as_str())], NOW);
    }
}
