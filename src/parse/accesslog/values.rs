//! Field values as access logs write them: decimal durations, status codes, lists of upstream
//! tries (`502, 200`, `0.003, 0.012 : 0.001`), and request targets; timestamps are in
//! [`super::times`].

pub(crate) use super::times::parse_clf_time_bytes;
pub use super::times::{
    epoch_to_timestamp, parse_any_time, parse_clf_time, parse_iso_time, parse_iso_time_uncached,
};

/// `-` and the empty string both mean "not set" in access logs.
pub fn is_unset(v: &str) -> bool {
    v.is_empty() || v == "-"
}

/// A three-digit status code (`0` is allowed: Envoy writes it when no response was sent).
pub fn parse_status(v: &str) -> Option<u16> {
    status_of_bytes(v.as_bytes())
}

/// [`parse_status`] on bytes.
#[inline]
pub(crate) fn status_of_bytes(b: &[u8]) -> Option<u16> {
    if b.len() == 3 && b.iter().all(u8::is_ascii_digit) {
        return Some(
            u16::from(b[0] - b'0') * 100 + u16::from(b[1] - b'0') * 10 + u16::from(b[2] - b'0'),
        );
    }
    if b == b"0" {
        return Some(0);
    }
    None
}

pub fn parse_u64(v: &str) -> Option<u64> {
    u64_of_bytes(v.as_bytes())
}

/// [`parse_u64`] on bytes.
#[inline]
pub(crate) fn u64_of_bytes(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &d in b {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(d - b'0');
    }
    Some(n)
}

/// A non-negative decimal (`0.004`, `12`, `1.5e3`). Fast path for plain `digits[.digits]`.
pub fn parse_decimal(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    if b.is_empty() {
        return None;
    }
    let mut int: u64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        if i >= 18 {
            return v.parse().ok().filter(|x: &f64| x.is_finite());
        }
        int = int * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    if i == b.len() {
        return if i > 0 { Some(int as f64) } else { None };
    }
    if b[i] != b'.' {
        return v.parse().ok().filter(|x: &f64| x.is_finite() && *x >= 0.0);
    }
    i += 1;
    let start = i;
    let mut frac: u64 = 0;
    while i < b.len() && b[i].is_ascii_digit() && i - start < 18 {
        frac = frac * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    if i != b.len() {
        return v.parse().ok().filter(|x: &f64| x.is_finite() && *x >= 0.0);
    }
    if start == i && start == 1 {
        return None;
    }
    Some(int as f64 + frac as f64 / POW10[i - start])
}

/// `digits.digits` at `at` (at most 10 and 9 digits), ended by a space or the end of `b`: its
/// value, computed as [`parse_decimal`] computes it, and where it ends. The hot path for
/// nginx's request times.
#[inline]
pub(crate) fn decimal_at(b: &[u8], at: usize) -> Option<(f64, usize)> {
    // `0.018`, nginx's millisecond times under ten seconds, without loops.
    if let Some(&[s, b'.', x, y, z]) = b.get(at..at + 5) {
        let digits = [s, x, y, z];
        if digits.iter().all(u8::is_ascii_digit) && matches!(b.get(at + 5), None | Some(b' ')) {
            // Small integers: `u32` converts to `f64` in one instruction, and exactly.
            let [s, x, y, z] = digits.map(|d| u32::from(d - b'0'));
            let frac = x * 100 + y * 10 + z;
            return Some((f64::from(s) + f64::from(frac) / POW10[3], at + 5));
        }
    }
    let mut i = at;
    let mut int: u64 = 0;
    while i < b.len() && i - at < 10 && b[i].is_ascii_digit() {
        int = int * 10 + u64::from(b[i] - b'0');
        i += 1;
    }
    if i == at || b.get(i) != Some(&b'.') {
        return None;
    }
    let start = i + 1;
    let mut j = start;
    let mut frac: u64 = 0;
    while j < b.len() && j - start < 9 && b[j].is_ascii_digit() {
        frac = frac * 10 + u64::from(b[j] - b'0');
        j += 1;
    }
    if j == start || !matches!(b.get(j), None | Some(b' ')) {
        return None;
    }
    Some((int as f64 + frac as f64 / POW10[j - start], j))
}

const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];

/// The items of an nginx upstream list: `502, 200` or `0.003, 0.012 : 0.001` (`:` separates
/// upstream groups after an internal redirect).
pub fn list_items(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ':']).map(str::trim).filter(|s| !s.is_empty())
}

/// The last upstream's status in a list (the one whose answer was used).
pub fn last_status_in_list(v: &str) -> Option<u16> {
    list_items(v).last().and_then(parse_status)
}

/// Sum of the decimal items in a list, skipping `-`; `None` when none was a number.
pub fn sum_decimals_in_list(v: &str) -> Option<f64> {
    let mut sum = None;
    for item in list_items(v) {
        if let Some(x) = parse_decimal(item) {
            *sum.get_or_insert(0.0) += x;
        }
    }
    sum
}

/// A request target split into path and query. Absolute-form targets (`http://host/p`, sent to
/// proxies and by scanners) keep only their path; a fragment is dropped.
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    let mut t = target;
    if let Some(rest) = t
        .strip_prefix("http://")
        .or_else(|| t.strip_prefix("https://"))
    {
        t = match memchr::memchr(b'/', rest.as_bytes()) {
            Some(i) => &rest[i..],
            None => "/",
        };
    }
    // One pass for both: `?` and `#` end the path.
    match query_or_fragment(t.as_bytes()) {
        None => (t, None),
        Some(i) if t.as_bytes()[i] == b'#' => (&t[..i], None),
        Some(i) => {
            let q = &t[i + 1..];
            let q = memchr::memchr(b'#', q.as_bytes()).map_or(q, |h| &q[..h]);
            (&t[..i], Some(q))
        }
    }
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

fn u128_at(b: &[u8], i: usize) -> u128 {
    let mut w = [0u8; 16];
    w.copy_from_slice(&b[i..i + 16]);
    u128::from_le_bytes(w)
}

/// `a == b`, for texts up to 32 bytes compared in a few overlapping words rather than through
/// `memcmp`: times and route-cache paths are compared on every line.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = b.len();
    if a.len() != n {
        return false;
    }
    match n {
        8..=16 => u64_at(a, 0) == u64_at(b, 0) && u64_at(a, n - 8) == u64_at(b, n - 8),
        17..=32 => u128_at(a, 0) == u128_at(b, 0) && u128_at(a, n - 16) == u128_at(b, n - 16),
        _ => a == b,
    }
}

/// The first `?` or `#`: eight bytes at a time (paths are short; `memchr2` costs more to set
/// up than to run on them).
#[inline]
fn query_or_fragment(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let hits = has_zero(w ^ (ONES * u64::from(b'?'))) | has_zero(w ^ (ONES * u64::from(b'#')));
        if hits != 0 {
            // The lowest flagged byte is exact (borrows only run upwards).
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .map(|k| i + k)
}

/// A method as gateways log it: 1–20 upper-case letters (plus `-`/`_` for WebDAV-style verbs).
pub fn is_method(m: &str) -> bool {
    (1..=20).contains(&m.len())
        && m.bytes()
            .all(|c| c.is_ascii_uppercase() || c == b'-' || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        let cases = [
            ("0.004", Some(0.004)),
            ("1.001", Some(1.001)),
            ("12", Some(12.0)),
            ("0", Some(0.0)),
            ("1.5e3", Some(1500.0)),
            ("-", None),
            ("", None),
            (".", None),
            ("abc", None),
            ("-1", None),
            ("0.000000001", Some(1e-9)),
        ];
        for (v, want) in cases {
            let got = parse_decimal(v);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{v}: {g} vs {w}"),
                (g, w) => assert_eq!(g, w, "{v}"),
            }
        }
    }

    #[test]
    fn statuses_and_lists() {
        assert_eq!(parse_status("200"), Some(200));
        assert_eq!(parse_status("0"), Some(0));
        assert_eq!(parse_status("20"), None);
        assert_eq!(parse_status("2000"), None);
        assert_eq!(last_status_in_list("502, 502 : 200"), Some(200));
        assert_eq!(last_status_in_list("-"), None);
        let s = sum_decimals_in_list("0.003, 0.012 : -").unwrap();
        assert!((s - 0.015).abs() < 1e-12);
        assert_eq!(sum_decimals_in_list("-"), None);
    }

    /// The word compare agrees with `==` at every length up to 48 bytes, with any single
    /// byte changed, and between texts of different lengths.
    #[test]
    fn same_bytes_is_equality() {
        for n in 0..=48 {
            let a: Vec<u8> = (0..n).map(|i| b'0' + (i % 10) as u8).collect();
            assert!(same_bytes(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_bytes(&a, &b), "length {n}, byte {at}");
            }
            if n > 0 {
                assert!(!same_bytes(&a, &a[..n - 1]), "{n}");
                assert!(!same_bytes(&a[1..], &a), "{n}");
            }
        }
    }

    #[test]
    fn targets() {
        assert_eq!(
            split_target("/v1/users/7?api_key=x"),
            ("/v1/users/7", Some("api_key=x"))
        );
        assert_eq!(split_target("/a#frag?no"), ("/a", None));
        assert_eq!(split_target("http://evil.test/x?y=1"), ("/x", Some("y=1")));
        assert_eq!(split_target("https://evil.test"), ("/", None));
        assert!(is_method("GET") && is_method("M-SEARCH") && !is_method("get") && !is_method(""));
    }

    proptest::proptest! {
        #[test]
        fn value_parsers_never_panic(s in "\\PC{0,40}") {
            let _ = (parse_decimal(&s), parse_status(&s), parse_any_time(&s), split_target(&s));
            let _ = (parse_clf_time(&s), parse_iso_time(&s), sum_decimals_in_list(&s));
        }

        #[test]
        fn query_or_fragment_finds_the_first_of_either(s in "[a/?#\\x00\\xff-]{0,40}") {
            let want = s.bytes().position(|c| c == b'?' || c == b'#');
            proptest::prop_assert_eq!(query_or_fragment(s.as_bytes()), want);
        }
    }
}
