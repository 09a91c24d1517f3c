use super::*;
use crate::model::time::Timestamp;

const TIMED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time" us=$upstream_status rid=$request_id host=$host"#;

fn compile(f: &str) -> Template {
    Template::compile(f, ResponderRule::None).unwrap()
}

#[test]
fn reads_upstream_lists_and_attribution() {
    let t = compile(TIMED);
    let base = r#"10.0.0.9 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/inventory?x=1 HTTP/1.1" 502 157 "-" "curl/8""#;
    // (tail, status in tail order, upstream status, upstream ms, responder)
    let cases: &[(&str, Option<u16>, Option<f64>, Responder)] = &[
        (
            r#" rt=0.012 uct="0.001" uht="0.010" urt="0.011" us=200 rid=abc host=api.test"#,
            Some(200),
            Some(11.0),
            Responder::Gateway,
        ),
        (
            r#" rt=0.000 uct="-" uht="-" urt="0.000" us=502 rid=abc host=api.test"#,
            Some(502),
            Some(0.0),
            Responder::Gateway,
        ),
        (
            r#" rt=0.020 uct="0.001, 0.002" uht="-, 0.015" urt="0.003, 0.012" us=502, 502 rid=abc host=api.test"#,
            Some(502),
            Some(15.0),
            Responder::Upstream,
        ),
        (
            r#" rt=0.020 uct="0.001 : 0.002" uht="0.001 : 0.010" urt="0.003 : 0.012" us=504 : 502 rid=abc host=api.test"#,
            Some(502),
            Some(15.0),
            Responder::Upstream,
        ),
        (
            r#" rt=0.000 uct="-" uht="-" urt="-" us=- rid=abc host=api.test"#,
            None,
            None,
            Responder::Gateway,
        ),
    ];
    for (tail, us, ums, responder) in cases {
        let line = format!("{base}{tail}");
        let r = t.parse(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(r.status, 502);
        assert_eq!(r.upstream_status, *us, "{tail}");
        match (r.upstream_latency_ms, ums) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{tail}: {a} vs {b}"),
            (a, b) => assert_eq!(a, *b, "{tail}"),
        }
        assert_eq!(r.responder, *responder, "{tail}");
        assert_eq!(r.request_id, Some("abc"));
        assert_eq!(r.host, Some("api.test"));
        assert_eq!(r.path, "/v1/inventory");
        assert_eq!(r.query, Some("x=1"));
    }
}

#[test]
fn attribution_without_header_time() {
    let t = compile(r#"$remote_addr [$time_local] "$request" $status $upstream_status"#);
    let cases = [
        ("429 -", Responder::Gateway),
        ("429 429", Responder::Upstream),
        ("502 502", Responder::Unknown),
        ("504 504", Responder::Unknown),
        ("500 200", Responder::Gateway),
        ("200 502, 200", Responder::Upstream),
    ];
    for (tail, want) in cases {
        let line = format!(r#"1.1.1.1 [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" {tail}"#);
        assert_eq!(t.parse(&line).unwrap().responder, want, "{tail}");
    }
}

#[test]
fn escape_json_formats_compile_and_parse() {
    let f = r#"{"time":"$time_iso8601","rid":"$request_id","method":"$request_method","uri":"$request_uri","status":$status,"rt":$request_time,"us":"$upstream_status","ua":"$http_user_agent"}"#;
    let t = compile(f);
    let line = r#"{"time":"2026-11-22T10:59:50+00:00","rid":"r1","method":"POST","uri":"/a\/b?k=v","status":201,"rt":0.250,"us":"","ua":"say \"hi\""}"#;
    let r = t.parse(line).unwrap();
    assert_eq!(r.time, Some(Timestamp(1_795_345_190_000)));
    assert_eq!(
        (r.method, r.path.as_ref(), r.status),
        (Some("POST"), "/a/b", 201)
    );
    assert!((r.latency_ms.unwrap() - 250.0).abs() < 1e-9);
    assert_eq!(r.responder, Responder::Gateway);
}

#[test]
fn compile_errors() {
    assert_eq!(
        Template::compile("", ResponderRule::None),
        Err(FormatError::Empty)
    );
    assert_eq!(
        Template::compile("$request", ResponderRule::None),
        Err(FormatError::NoStatus)
    );
    assert_eq!(
        Template::compile("$status $remote_addr", ResponderRule::None),
        Err(FormatError::NoPath)
    );
    assert!(matches!(
        Template::compile("$request$status", ResponderRule::None),
        Err(FormatError::Adjacent(..))
    ));
    assert!(matches!(
        Template::compile("${request} ${status", ResponderRule::None),
        Err(FormatError::Unterminated(_))
    ));
    // Braced names and adjacent variables that do not matter are fine.
    let t = compile(r#"${remote_addr} "$request" $status "$scheme://$proxy_host$upstream_uri""#);
    let r = t
        .parse(r#"1.2.3.4 "GET /x HTTP/1.1" 200 "http://up/x""#)
        .unwrap();
    assert_eq!((r.client, r.status), (Some("1.2.3.4"), 200));
}

#[test]
fn mismatches_are_reported_with_a_position() {
    let t = compile(r#"$remote_addr [$time_local] "$request" $status"#);
    let e = t.parse("1.2.3.4 22/Nov/2026").unwrap_err();
    assert_eq!(
        e,
        LineError::Expected {
            expected: " [".into(),
            at: 7
        }
    );
    assert!(matches!(
        t.parse(r#"1.2.3.4 [x] "GET / HTTP/1.1" 200 extra"#),
        Err(LineError::BadField { .. })
    ));
    assert!(matches!(
        t.parse(r#"1.2.3.4 [x] "GET / HTTP/1.1"#),
        Err(LineError::Truncated { .. })
    ));
}

proptest::proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let t = compile(TIMED);
        let _ = t.parse(&s);
    }

    #[test]
    fn compiling_arbitrary_formats_never_panics(s in "[$a-z_{} \"\\[\\]]{0,60}") {
        if let Ok(t) = Template::compile(&s, ResponderRule::None) {
            let _ = t.parse(&s);
        }
    }
}

proptest::proptest! {
    /// The word-at-a-time search finds the same byte as a plain scan, wherever it starts.
    #[test]
    fn find_byte_agrees_with_a_plain_scan(
        bytes in proptest::collection::vec(proptest::prop_oneof![
            proptest::prelude::Just(b' '), proptest::prelude::Just(b'"'), 0u8..=255u8
        ], 0..80),
        from in 0usize..90,
        c in proptest::prop_oneof![proptest::prelude::Just(b' '), proptest::prelude::Just(b'"'), 0u8..=255u8],
    ) {
        let want = bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&x| x == c).map(|k| from + k));
        proptest::prop_assert_eq!(find_byte(&bytes, from, c), want);
        proptest::prop_assert_eq!(find_byte_swar::<64>(&bytes, from, c), want);
    }

    /// The one-pass reading of a tail word equals "has a dot, then `parse_decimal`".
    #[test]
    fn dotted_decimal_agrees_with_parse_decimal(w in "[0-9.e+x-]{0,14}|[0-9]{1,12}\\.[0-9]{0,12}") {
        let want = w.contains('.').then(|| parse_decimal(&w));
        proptest::prop_assert_eq!(dotted_decimal(&w), want);
    }

    /// The ` HTTP/x.y` shortcut splits a request line where the last-space rule does.
    #[test]
    fn request_lines_split_as_by_the_last_space(
        method in "GET|POST|get|-", target in "[/a-z0-9 ?#=]{0,20}", version in " HTTP/1\\.1| HTTP/2| HTTP/1\\. 1|HTTP/1\\.1| HTTP/1\\.1 |",
    ) {
        let v = format!("{method} {target}{version}");
        let mut got = LogRecord::empty();
        read_request(&v, &mut got, false);
        // The plain rule: method up to the first space, target up to a last space that is
        // followed by `HTTP/`.
        let mut want = LogRecord::empty();
        if let Some((m, rest)) = v.split_once(' ') {
            if crate::parse::accesslog::values::is_method(m) {
                let target = match rest.rfind(' ') {
                    Some(j) if rest[j + 1..].starts_with("HTTP/") => &rest[..j],
                    _ => rest,
                };
                let (path, query) = split_target(target);
                want.method = Some(m);
                want.path = std::borrow::Cow::Borrowed(path);
                want.query = query;
            }
        }
        proptest::prop_assert_eq!(got, want);
    }
}
