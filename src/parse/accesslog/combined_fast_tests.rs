use proptest::prelude::*;

use super::*;
use crate::parse::accesslog::clf::{compile_builtin, COMBINED};
use crate::parse::accesslog::nginx_format::Template;

/// The template alone, without the fast path: the reference.
fn reference() -> Template {
    compile_builtin(COMBINED).with_lenient_tail()
}

/// The fast reader's record when it takes the line; `None` when it leaves it to the template.
fn fast(line: &str) -> Option<LogRecord<'_>> {
    let mut rec = LogRecord::empty();
    parse(line, &mut rec).then_some(rec)
}

/// Checks one line: whenever the fast reader takes it, the template reads it the same way.
fn agree(line: &str) -> Result<bool, TestCaseError> {
    match fast(line) {
        Some(rec) => {
            let want = reference().parse(line);
            prop_assert_eq!(Ok(rec), want, "line {:?}", line);
            Ok(true)
        }
        None => Ok(false),
    }
}

const ORDINARY: &[&str] = &[
    r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/orders/1 HTTP/1.1" 200 26 "-" "lab/1 (traffic.py)""#,
    r#"10.4.5.6 - alice [22/Nov/2026:10:59:51 -0130] "POST /v1/pay?api_key=S3CRET HTTP/2.0" 502 157 "https://shop.test/" "Mozilla/5.0" 0.012 0.011"#,
    r#"::1 - - [01/Jan/2027:00:00:00 +0000] "DELETE /v1/carts/9f8e HTTP/1.1" 429 - "-" "-" 0.000 -"#,
    r#"192.0.2.1 - - [22/Nov/2026:10:59:50 +0000] "-" 400 0 "-" "-""#,
    r#"192.0.2.1 - - [22/Nov/2026:10:59:50 +0000] "\x16\x03\x01" 400 157 "-" "-""#,
    r#"10.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 304 0 "" "curl/8.5.0" 0.020, 0.003"#,
];

#[test]
fn ordinary_lines_take_the_fast_path_and_match_the_template() {
    for line in ORDINARY {
        let taken = agree(line).unwrap();
        assert!(taken, "the fast reader left an ordinary line: {line}");
    }
}

#[test]
fn reads_every_field_of_an_extended_line() {
    let r = fast(ORDINARY[1]).expect("taken");
    assert_eq!(r.client, Some("10.4.5.6"));
    assert_eq!(r.method, Some("POST"));
    assert_eq!(r.path, "/v1/pay");
    assert_eq!(r.query, Some("api_key=S3CRET"));
    assert_eq!(r.status, 502);
    assert_eq!(r.bytes, Some(157));
    assert_eq!(r.latency_ms, Some(12.0));
    assert_eq!(r.upstream_latency_ms, Some(11.0));
    assert!(r.time.is_some());
}

#[test]
fn unusual_lines_are_left_to_the_template() {
    let unusual = [
        // An escaped quote in the user agent.
        r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 200 26 "-" "say \"hi\"""#,
        // Milliseconds in the time.
        r#"127.0.0.1 - - [22/Nov/2026:10:59:50.123 +0000] "GET / HTTP/1.1" 200 26 "-" "-""#,
        // A time that does not parse.
        r#"127.0.0.1 - - [22/Xyz/2026:10:59:50 +0000] "GET / HTTP/1.1" 200 26 "-" "-""#,
        // A `]` inside the time, which the time reader does not look at: the line is cut
        // there, as the template cuts it.
        r#"10.0.0.1 - - [22/Nov/2026:10:59]50 +0000] "GET / HTTP/1.1" 304 0 "" "-" 0.020"#,
        // A bad byte count (the template reports it).
        r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 200 2x6 "-" "-""#,
        // Status 0, one digit.
        r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 0 26 "-" "-""#,
        // Cut short.
        r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET / HTTP/1.1" 200"#,
        "",
    ];
    for line in unusual {
        assert!(fast(line).is_none(), "taken: {line}");
    }
    // …and the template still reads the first two.
    assert_eq!(reference().parse(unusual[0]).unwrap().status, 200);
    assert_eq!(reference().parse(unusual[1]).unwrap().status, 200);
}

/// Pieces that stress the separators: spaces, quotes, backslashes, brackets, dashes, digits.
fn piece() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[ a-z0-9\-"\\\[\]./?:,é]{0,12}"#).unwrap()
}

proptest! {
    /// Ordinary lines with random values, including separators inside the values.
    #[test]
    fn random_fields_agree_with_the_template(
        client in piece(), user in piece(), target in piece(), status in 0u16..1000,
        bytes in prop_oneof![Just("-".to_string()), "[0-9]{1,6}", piece()],
        referer in piece(), agent in piece(),
        tail in prop_oneof![Just(String::new()), " [0-9]\\.[0-9]{3}( [0-9]\\.[0-9]{3})?", piece()],
    ) {
        let line = format!(
            r#"{client} - {user} [22/Nov/2026:10:59:50 +0000] "GET /{target} HTTP/1.1" {status:03} {bytes} "{referer}" "{agent}"{tail}"#
        );
        agree(&line)?;
    }

    /// An ordinary line with one byte replaced or inserted anywhere.
    #[test]
    fn damaged_lines_agree_with_the_template(
        which in 0..ORDINARY.len(), at in 0usize..200, insert in any::<bool>(),
        byte in proptest::sample::select(&b" \"\\[]-0123456789.,:?/a"[..]),
    ) {
        let mut b = ORDINARY[which].as_bytes().to_vec();
        let at = at % (b.len() + 1);
        if insert || at == b.len() {
            b.insert(at, byte);
        } else {
            b[at] = byte;
        }
        let line = String::from_utf8(b).unwrap();
        agree(&line)?;
    }

    /// The fast reader takes a good share of generated lines: the agreement tests above are not
    /// vacuous.
    #[test]
    fn plain_values_are_taken(
        a in 1u8..255, path in "[a-z0-9/]{0,20}", status in 100u16..600, bytes in 0u32..100_000,
        rt in 0u32..5000,
    ) {
        let line = format!(
            r#"10.0.0.{a} - - [22/Nov/2026:10:59:50 +0000] "GET /{path}?q=1 HTTP/1.1" {status} {bytes} "-" "ua/1" {}.{:03} -"#,
            rt / 1000, rt % 1000
        );
        prop_assert!(agree(&line)?, "not taken: {}", line);
    }
}
