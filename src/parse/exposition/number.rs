//! Numbers in an exposition: sample values, `le`/`quantile` label values and timestamps.
//!
//! Accepted value syntax (both formats): a decimal float (`1`, `-0.5`, `1.5e-3`, `.5`, `5.`,
//! leading zeros allowed), or `NaN`, `Inf`, `+Inf`, `-Inf`, `Infinity` in any letter case.
//! Hexadecimal floats, `0b`/`0o` prefixes and `_` digit separators are rejected, as
//! OpenMetrics requires (Go's `ParseFloat` would take some of them; no real exporter emits
//! them).

/// Parses a sample value or a numeric label value (`le="0.25"`, `quantile="+Inf"`).
pub fn parse_value(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if let Some(v) = small_uint(b) {
        return Some(v as f64);
    }
    if let Some(v) = short_decimal(b) {
        return Some(v);
    }
    if is_decimal(b) {
        return s.parse::<f64>().ok();
    }
    special(b)
}

/// `[-]digits.digits` with at most 15 digits in all: the digits as an integer are exact in an
/// f64, and so is the power of ten, so one division gives the correctly rounded value (the
/// classic fast path of decimal-to-float conversion). Bucket bounds and sums look like this.
#[inline]
fn short_decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    let mut seen_dot = false;
    let mut frac = 0usize;
    let mut count = 0usize;
    for &c in digits {
        if c == b'.' && !seen_dot {
            seen_dot = true;
            continue;
        }
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
        count += 1;
        frac += usize::from(seen_dot);
    }
    if !seen_dot || count == 0 || count > 15 {
        return None;
    }
    let x = v as f64 / POW10[frac];
    Some(if negative { -x } else { x })
}

/// Unsigned integers of up to 15 digits are exact in an f64 and are by far the most common
/// values (counters, bucket counts), so they skip the general float parser.
#[inline]
fn small_uint(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`
fn is_decimal(b: &[u8]) -> bool {
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

fn special(b: &[u8]) -> Option<f64> {
    let (sign, rest) = match b.first() {
        Some(b'+') => (1.0, &b[1..]),
        Some(b'-') => (-1.0, &b[1..]),
        _ => (1.0, b),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(sign * f64::INFINITY);
    }
    // NaN takes no sign.
    if rest.len() == b.len() && rest.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    None
}

/// A timestamp as written in the exposition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timestamp {
    /// Milliseconds since the Unix epoch, rounded; saturates at the ends of `i64`.
    pub ms: i64,
    /// The written value in the format's own unit, kept for ordering checks finer than 1 ms.
    pub raw: f64,
}

/// Prometheus 0.0.4: an integer count of milliseconds, optionally signed.
pub fn parse_timestamp_prometheus(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let digits = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let ms = s.parse::<i64>().ok()?;
    Some(Timestamp { ms, raw: ms as f64 })
}

/// OpenMetrics: seconds since the epoch as a decimal float (no NaN, no infinities).
pub fn parse_timestamp_openmetrics(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let secs = if let Some(v) = small_uint(b) {
        return Some(Timestamp {
            ms: (v as i64).saturating_mul(1000),
            raw: v as f64,
        });
    } else if is_decimal(b) {
        s.parse::<f64>().ok()?
    } else {
        return None;
    };
    // `as` saturates for out-of-range floats, which is the documented behaviour.
    Some(Timestamp {
        ms: (secs * 1000.0).round() as i64,
        raw: secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let cases: &[(&str, Option<f64>)] = &[
            ("0", Some(0.0)),
            ("42", Some(42.0)),
            ("123456789012345", Some(123_456_789_012_345.0)),
            ("9223372036854775808", Some(9_223_372_036_854_775_808.0)),
            ("-1", Some(-1.0)),
            ("+1", Some(1.0)),
            ("1.5", Some(1.5)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("1e3", Some(1000.0)),
            ("1.5E-3", Some(0.0015)),
            ("2.478268416e+09", Some(2_478_268_416.0)),
            ("0000001.2e-1", Some(0.12)),
            ("+Inf", Some(f64::INFINITY)),
            ("-Inf", Some(f64::NEG_INFINITY)),
            ("Inf", Some(f64::INFINITY)),
            ("+inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            ("", None),
            ("-", None),
            (".", None),
            ("1e", None),
            ("1e+", None),
            ("e5", None),
            ("a", None),
            ("1_2", None),
            ("0x1", None),
            ("0X1", None),
            ("0x1p-3", None),
            ("0b1", None),
            ("0o1", None),
            ("1.1.1", None),
            ("1 ", None),
            ("+NaN", None),
            ("infinit", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_value(s), *want, "value {s:?}");
        }
        for s in ["NaN", "nan", "NAN"] {
            assert!(parse_value(s).is_some_and(f64::is_nan), "{s}");
        }
        // The short-decimal path agrees with the general parser, bit for bit.
        for s in [
            "0.005",
            "0.1",
            "0.25",
            "2.5",
            "4.210817643000001",
            "147.123",
            "-0.5",
            ".5",
            "5.",
            "123456789.012345",
            "0.000000000000001",
            "99999999999999.9",
            "-.0",
            "1.0",
        ] {
            let want: f64 = s.parse().expect("decimal");
            assert_eq!(
                parse_value(s).map(f64::to_bits),
                Some(want.to_bits()),
                "{s}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn decimals_parse_like_the_standard_library(
            digits in proptest::collection::vec(0u8..10, 1..18),
            dot in 0usize..18,
            negative in proptest::bool::ANY,
        ) {
            let mut s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            s.insert(dot.min(s.len()), '.');
            if negative {
                s.insert(0, '-');
            }
            let want: f64 = s.parse().expect("decimal");
            proptest::prop_assert_eq!(parse_value(&s).map(f64::to_bits), Some(want.to_bits()), "{}", s);
        }
    }

    #[test]
    fn prometheus_timestamps() {
        let ms = |s| parse_timestamp_prometheus(s).map(|t| t.ms);
        assert_eq!(ms("1395066363000"), Some(1_395_066_363_000));
        assert_eq!(ms("-5"), Some(-5));
        assert_eq!(ms("1.5"), None);
        assert_eq!(ms("NaN"), None);
        assert_eq!(ms("1z"), None);
        assert_eq!(ms(""), None);
        assert_eq!(ms("99999999999999999999"), None);
    }

    #[test]
    fn openmetrics_timestamps() {
        let ms = |s| parse_timestamp_openmetrics(s).map(|t| t.ms);
        assert_eq!(ms("1234567890"), Some(1_234_567_890_000));
        assert_eq!(ms("1.5e3"), Some(1_500_000));
        assert_eq!(ms("0.0000000001"), Some(0));
        assert_eq!(ms("-1.1"), Some(-1100));
        assert_eq!(ms("12345678901234567890.1234567890"), Some(i64::MAX));
        for bad in [
            "NaN", "Inf", "-Inf", "0x1p-3", "1_2", "1.1.1", "z", "1z", "",
        ] {
            assert_eq!(ms(bad), None, "{bad}");
        }
    }
}
