//! Timestamps as access logs write them (CLF `22/Nov/2026:10:59:50 +0000`, RFC 3339, epoch
//! numbers), with a per-thread cache of the last text parsed.

use super::values::{parse_decimal, same_bytes};
use crate::model::time::{days_from_civil, Timestamp};

fn month_of(b: &[u8]) -> Option<u32> {
    Some(match b {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    })
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
}

fn from_parts(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<Timestamp> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    Some(Timestamp(secs * 1000 + i64::from(ms)))
}

/// Fractional seconds `.123456` → milliseconds (truncated).
fn frac_ms(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut ms = 0;
    for i in 0..3 {
        ms = ms * 10 + b.get(i).map_or(0, |d| u32::from(d - b'0'));
    }
    Some(ms)
}

/// An optional fraction after the seconds (`.883`, introduced by one of `seps`): its
/// milliseconds and what follows it. A separator without digits is no time (`None`).
fn fraction<'a>(rest: &'a [u8], seps: &[u8]) -> Option<(u32, &'a [u8])> {
    match rest {
        [sep, tail @ ..] if seps.contains(sep) => {
            let end = tail
                .iter()
                .position(|c| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            Some((frac_ms(&tail[..end])?, &tail[end..]))
        }
        _ => Some((0, rest)),
    }
}

/// `+0100` / `-0530` / `+01:00` / `Z` → offset in seconds.
fn tz_offset_secs(b: &[u8]) -> Option<i64> {
    match b {
        b"" | b"Z" | b"z" => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                _ => return None,
            };
            let off = i64::from(h * 3600 + m * 60);
            Some(if *sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

/// The last time text parsed on this thread and its value: consecutive log lines mostly share
/// their second, so most lines skip the calendar arithmetic.
struct TimeCache {
    text: [u8; TIME_CACHE_BYTES],
    len: usize,
    value: Option<Timestamp>,
}

/// Longest time text the cache holds; longer ones are parsed every time.
const TIME_CACHE_BYTES: usize = 40;

type TimeCacheCell = std::cell::RefCell<TimeCache>;

thread_local! {
    // One per shape: the same text can be a time in one shape and nothing in the other.
    static LAST_CLF: TimeCacheCell = const {
        std::cell::RefCell::new(TimeCache { text: [0; TIME_CACHE_BYTES], len: usize::MAX, value: None })
    };
    static LAST_ISO: TimeCacheCell = const {
        std::cell::RefCell::new(TimeCache { text: [0; TIME_CACHE_BYTES], len: usize::MAX, value: None })
    };
}

fn cached(
    cache: &'static std::thread::LocalKey<TimeCacheCell>,
    b: &[u8],
    parse: fn(&[u8]) -> Option<Timestamp>,
) -> Option<Timestamp> {
    if b.len() > TIME_CACHE_BYTES {
        return parse(b);
    }
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len == b.len() && same_bytes(&c.text[..b.len()], b) {
            return c.value;
        }
        let value = parse(b);
        c.text[..b.len()].copy_from_slice(b);
        c.len = b.len();
        c.value = value;
        value
    })
}

/// `22/Nov/2026:10:59:50 +0000` (nginx `$time_local`, Apache `%t` without brackets) and
/// HAProxy's `22/Nov/2026:10:59:50.883` (no zone: taken as UTC).
pub fn parse_clf_time(v: &str) -> Option<Timestamp> {
    parse_clf_time_bytes(v.as_bytes())
}

/// [`parse_clf_time`] on bytes.
#[inline]
pub(crate) fn parse_clf_time_bytes(b: &[u8]) -> Option<Timestamp> {
    cached(&LAST_CLF, b, parse_clf_time_uncached)
}

/// RFC 3339 / ISO 8601, as [`parse_iso_time_uncached`], remembering the last answer.
pub fn parse_iso_time(v: &str) -> Option<Timestamp> {
    cached(&LAST_ISO, v.as_bytes(), parse_iso_time_uncached)
}

fn parse_clf_time_uncached(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 20
        || b[2] != b'/'
        || b[6] != b'/'
        || b[11] != b':'
        || b[14] != b':'
        || b[17] != b':'
    {
        return None;
    }
    let d = digits(&b[0..2])?;
    let mo = month_of(&b[3..6])?;
    let y = digits(&b[7..11])?;
    let h = digits(&b[12..14])?;
    let mi = digits(&b[15..17])?;
    let s = digits(&b[18..20])?;
    let (ms, rest) = fraction(&b[20..], b".")?;
    let off = match rest {
        [] => 0,
        [b' ', zone @ ..] => tz_offset_secs(zone)?,
        _ => return None,
    };
    from_parts(y, mo, d, h, mi, s, ms).map(|t| Timestamp(t.0 - off * 1000))
}

/// RFC 3339 / ISO 8601: `2026-11-22T10:59:50+00:00`, `2016-04-15T20:17:00.310Z`,
/// `2024-01-01 10:00:00.123456789Z`.
pub fn parse_iso_time_uncached(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let y = digits(&b[0..4])?;
    let mo = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    let h = digits(&b[11..13])?;
    let mi = digits(&b[14..16])?;
    let s = digits(&b[17..19])?;
    let (ms, rest) = fraction(&b[19..], b".,")?;
    let off = tz_offset_secs(rest)?;
    from_parts(y, mo, d, h, mi, s, ms).map(|t| Timestamp(t.0 - off * 1000))
}

/// Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by magnitude
/// (any time after 1973 in seconds is below 1e11, in ms below 1e14, in µs below 1e17).
pub fn epoch_to_timestamp(x: f64) -> Option<Timestamp> {
    if !x.is_finite() || x <= 0.0 {
        return None;
    }
    let ms = if x < 1e11 {
        x * 1e3
    } else if x < 1e14 {
        x
    } else if x < 1e17 {
        x / 1e3
    } else {
        x / 1e6
    };
    Some(Timestamp(ms.round() as i64))
}

/// Any of the time shapes above; used where a format does not fix one.
pub fn parse_any_time(v: &str) -> Option<Timestamp> {
    let b = v.as_bytes();
    match b.first()? {
        b'0'..=b'9' if b.len() > 4 && b[4] == b'-' => parse_iso_time(v),
        b'0'..=b'9' if b.len() > 2 && b[2] == b'/' => parse_clf_time(v),
        b'0'..=b'9' => parse_decimal(v).and_then(epoch_to_timestamp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let want = Timestamp(1_795_345_190_000); // 2026-11-22T10:59:50Z
        assert_eq!(parse_clf_time("22/Nov/2026:10:59:50 +0000"), Some(want));
        assert_eq!(parse_clf_time("22/Nov/2026:11:59:50 +0100"), Some(want));
        assert_eq!(
            parse_clf_time("22/Nov/2026:10:59:50.883"),
            Some(Timestamp(want.0 + 883))
        );
        assert_eq!(parse_clf_time("22/Foo/2026:10:59:50 +0000"), None);
        // Every separator is checked: a time never hides another field's `]` or `"`.
        assert_eq!(parse_clf_time("22/Nov/2026:10]59:50 +0000"), None);
        assert_eq!(parse_clf_time("22/Nov/2026:10:59]50 +0000"), None);
        assert_eq!(parse_iso_time("2026-11-22T10:59:50+00:00"), Some(want));
        assert_eq!(parse_iso_time("2026-11-22T05:29:50-05:30"), Some(want));
        assert_eq!(
            parse_iso_time("2026-11-22T10:59:50.123456789Z"),
            Some(Timestamp(want.0 + 123))
        );
        assert_eq!(parse_iso_time("2026-11-22 10:59:50Z"), Some(want));
        // The fraction's separator is `.` or `,` (ISO), only `.` in CLF; never digitless.
        assert_eq!(
            parse_iso_time("2026-11-22T10:59:50,5Z"),
            Some(Timestamp(want.0 + 500))
        );
        assert_eq!(parse_clf_time("22/Nov/2026:10:59:50,5"), None);
        assert_eq!(parse_iso_time("2026-11-22T10:59:50.Z"), None);
        assert_eq!(parse_iso_time("2026-13-22T10:59:50Z"), None);
        assert_eq!(
            epoch_to_timestamp(1_795_345_190.5),
            Some(Timestamp(want.0 + 500))
        );
        assert_eq!(epoch_to_timestamp(1_795_345_190_000.0), Some(want));
        assert_eq!(epoch_to_timestamp(1.795_345_19e18), Some(want));
        assert_eq!(parse_any_time("1795345190"), Some(want));
        assert_eq!(parse_any_time("22/Nov/2026:10:59:50 +0000"), Some(want));
    }

    #[test]
    fn the_time_cache_never_changes_an_answer() {
        let texts = [
            "22/Nov/2026:10:59:50 +0000",
            "22/Nov/2026:10:59:50 +0000",
            "22/Nov/2026:10:59:51 +0000",
            "bad",
            "bad",
            "22/Nov/2026:10:59:50 +0000",
        ];
        for t in texts {
            assert_eq!(
                parse_clf_time(t),
                parse_clf_time_uncached(t.as_bytes()),
                "{t}"
            );
            assert_eq!(
                parse_iso_time(t),
                parse_iso_time_uncached(t.as_bytes()),
                "{t}"
            );
        }
    }

    /// The combined reader relies on it: a CLF time that parses holds no `]` (nor `"`).
    #[test]
    fn a_clf_time_with_a_bracket_or_quote_anywhere_is_no_time() {
        for t in [
            "22/Nov/2026:10:59:50 +0000",
            "22/Nov/2026:10:59:50.883",
            "22/Nov/2026:10:59:50",
        ] {
            assert!(parse_clf_time(t).is_some(), "{t}");
            for at in 0..t.len() {
                for c in ["]", "\""] {
                    let bad = format!("{}{c}{}", &t[..at], &t[at + 1..]);
                    assert_eq!(parse_clf_time(&bad), None, "{bad}");
                }
            }
        }
    }
}
