//! Byte classes of the exposition grammar, and the blank handling the two formats differ on.

const fn table(first: bool, colon: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphabetic()
            || b == b'_'
            || (colon && b == b':')
            || (!first && b.is_ascii_digit());
        c += 1;
    }
    t
}

/// First byte of a metric name: `[a-zA-Z_:]`.
pub(crate) static METRIC_START: [bool; 256] = table(true, true);
/// Later bytes of a metric name: `[a-zA-Z0-9_:]`.
pub(crate) static METRIC_CHAR: [bool; 256] = table(false, true);
/// First byte of a label name: `[a-zA-Z_]`.
pub(crate) static LABEL_START: [bool; 256] = table(true, false);
/// Later bytes of a label name: `[a-zA-Z0-9_]`.
pub(crate) static LABEL_CHAR: [bool; 256] = table(false, false);

/// A valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub(crate) fn is_metric_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && METRIC_START[b[0] as usize] && b[1..].iter().all(|&c| METRIC_CHAR[c as usize])
}

/// Skips the separator at `i`: one space (OpenMetrics) or a run of blanks (Prometheus).
/// `None` when there is no separator at `i`.
#[inline]
pub(crate) fn separator(b: &[u8], i: usize, om: bool) -> Option<usize> {
    if om {
        return (b.get(i) == Some(&b' ')).then_some(i + 1);
    }
    let j = skip_blanks(b, i, om);
    (j > i).then_some(j)
}

/// Skips blanks and tabs from `i`, in Prometheus text only.
#[inline]
pub(crate) fn skip_blanks(b: &[u8], mut i: usize, om: bool) -> usize {
    if !om {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
    }
    i
}

/// End of the token starting at `i` (the next blank or the end).
#[inline]
pub(crate) fn token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    i
}

/// `b[i..]` starts with `prefix`.
#[inline]
pub(crate) fn has_prefix_at(b: &[u8], i: usize, prefix: &[u8]) -> bool {
    b.get(i..i + prefix.len())
        .is_some_and(|rest| eq_bytes(rest, prefix))
}

/// Byte-string equality, inlined, with word loads only. Names and suffixes are a few to a few
/// tens of bytes, where a `memcmp` call (what `==` on slices, or a byte loop LLVM recognises,
/// becomes) costs more than the comparison; the tail is compared as one overlapping load.
#[inline]
pub(crate) fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            if load8(a, i) != load8(b, i) {
                return false;
            }
            i += 8;
        }
        return i == n || load8(a, n - 8) == load8(b, n - 8);
    }
    if n >= 4 {
        return load4(a, 0) == load4(b, 0) && load4(a, n - 4) == load4(b, n - 4);
    }
    // 0 to 3 bytes: first, middle and last byte cover them all.
    n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
}

#[inline(always)]
fn load8(s: &[u8], i: usize) -> u64 {
    s.get(i..)
        .and_then(|r| r.first_chunk::<8>())
        .map_or(0, |c| u64::from_le_bytes(*c))
}

#[inline(always)]
fn load4(s: &[u8], i: usize) -> u32 {
    s.get(i..)
        .and_then(|r| r.first_chunk::<4>())
        .map_or(0, |c| u32::from_le_bytes(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_prefixes() {
        for ok in ["a", "_a", ":a", "a:b_c9", "http_requests_total"] {
            assert!(is_metric_name(ok), "{ok}");
        }
        for bad in ["", "0a", "a-b", "a.b", "a b", "é"] {
            assert!(!is_metric_name(bad), "{bad}");
        }
        let b = b"gateway_http_request_duration_seconds_bucket{le=\"1\"} 1";
        assert!(has_prefix_at(
            b,
            0,
            b"gateway_http_request_duration_seconds"
        ));
        assert!(has_prefix_at(b, 8, b"http"));
        assert!(has_prefix_at(b, 0, b""));
        assert!(!has_prefix_at(
            b,
            0,
            b"gateway_http_request_duration_secondz"
        ));
        assert!(!has_prefix_at(b, 0, b"gatewax"));
        assert!(!has_prefix_at(b"short", 0, b"shorter"));
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for n in 0..text.len() {
            let a = &text[..n];
            let copy = a.to_vec();
            assert!(eq_bytes(a, &copy), "{n}");
            for flip in 0..n {
                let mut b = a.to_vec();
                b[flip] ^= 0x20;
                assert!(!eq_bytes(a, &b), "{n} {flip}");
            }
            assert!(!eq_bytes(a, &text[..n + 1]));
        }
        assert_eq!(separator(b"a  1", 1, false), Some(3));
        assert_eq!(separator(b"a  1", 1, true), Some(2));
        assert_eq!(separator(b"a1", 1, false), None);
        assert_eq!(token_end(b"12 3", 0), 2);
    }
}
