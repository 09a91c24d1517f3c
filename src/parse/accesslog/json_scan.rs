//! A borrowing JSON scanner for access-log lines: it walks one object and hands back the raw
//! values at a fixed set of key paths (`status`, `request.uri`, `latencies.request`), skipping
//! everything else with `memchr`. No tree is built and nothing is allocated.

use std::borrow::Cow;

use memchr::{memchr2, memchr3};

/// A value as it appears in the line. Strings are raw (escapes not yet resolved).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Str(&'a str),
    Num(&'a str),
    Bool(bool),
    Null,
    Object(&'a str),
    Array(&'a str),
}

impl<'a> Value<'a> {
    /// The text of a string or number (`"200"` and `200` both give `200`).
    pub fn text(self) -> Option<&'a str> {
        match self {
            Value::Str(s) | Value::Num(s) => Some(s),
            _ => None,
        }
    }
}

/// The key paths one format reads; slot `i` of [`extract`]'s output is `paths[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSet {
    paths: Vec<Vec<Box<str>>>,
    /// Per depth, slots whose key there hashes to each of 256 buckets: one lookup rules out
    /// almost every slot before any string is compared.
    filter: Vec<[u64; 256]>,
}

fn key_bucket(key: &str) -> usize {
    let b = key.as_bytes();
    let first = b.first().copied().unwrap_or(0) as usize;
    let last = b.last().copied().unwrap_or(0) as usize;
    (first.wrapping_mul(31) ^ last.wrapping_mul(7) ^ b.len()) & 255
}

pub const MAX_PATHS: usize = 64;

impl PathSet {
    /// Dotted paths (`request.uri`); at most [`MAX_PATHS`]. A key with a dot in it cannot be
    /// addressed, which no gateway's log needs.
    pub fn new<S: AsRef<str>>(dotted: &[S]) -> PathSet {
        let paths: Vec<Vec<Box<str>>> = dotted
            .iter()
            .take(MAX_PATHS)
            .map(|p| p.as_ref().split('.').map(Box::from).collect())
            .collect();
        let depth = paths.iter().map(Vec::len).max().unwrap_or(0);
        let mut filter = vec![[0u64; 256]; depth];
        for (slot, path) in paths.iter().enumerate() {
            for (d, key) in path.iter().enumerate() {
                filter[d][key_bucket(key)] |= 1 << slot;
            }
        }
        PathSet { paths, filter }
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    fn all(&self) -> u64 {
        if self.paths.len() == 64 {
            u64::MAX
        } else {
            (1u64 << self.paths.len()) - 1
        }
    }
}

/// Fills `out[i]` with the value at `set`'s path `i` (first occurrence wins). Returns `None`
/// when the line is not a well-formed JSON object (as far as the walk went).
pub fn extract<'a>(line: &'a str, set: &PathSet, out: &mut [Option<Value<'a>>]) -> Option<()> {
    let b = line.as_bytes();
    let i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    walk_object(line, i, 0, set.all(), set, out).map(|_| ())
}

fn walk_object<'a>(
    s: &'a str,
    mut i: usize,
    depth: usize,
    mask: u64,
    set: &PathSet,
    out: &mut [Option<Value<'a>>],
) -> Option<usize> {
    let b = s.as_bytes();
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b'}' => return Some(i + 1),
            b'"' => {}
            _ => return None,
        }
        let key_end = string_end(b, i + 1)?;
        let key = s.get(i + 1..key_end)?;
        i = skip_ws(b, key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let (mut hit, mut deeper) = (0u64, 0u64);
        let mut m = mask & set.filter.get(depth).map_or(0, |f| f[key_bucket(key)]);
        while m != 0 {
            let slot = m.trailing_zeros() as usize;
            m &= m - 1;
            let path = &set.paths[slot];
            if path.get(depth).is_some_and(|k| **k == *key) {
                if path.len() == depth + 1 {
                    hit |= 1 << slot;
                } else {
                    deeper |= 1 << slot;
                }
            }
        }
        let start = i;
        let end = if deeper != 0 && b.get(i) == Some(&b'{') {
            walk_object(s, i, depth + 1, deeper, set, out)?
        } else {
            value_end(b, i)?
        };
        if hit != 0 {
            let v = classify(s, start, end)?;
            let mut m = hit;
            while m != 0 {
                let slot = m.trailing_zeros() as usize;
                m &= m - 1;
                if out[slot].is_none() {
                    out[slot] = Some(v);
                }
            }
        }
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i += 1,
            b'}' => return Some(i + 1),
            _ => return None,
        }
    }
}

fn classify(s: &str, start: usize, end: usize) -> Option<Value<'_>> {
    let raw = s.get(start..end)?;
    Some(match raw.as_bytes().first()? {
        b'"' => Value::Str(s.get(start + 1..end - 1)?),
        b'{' => Value::Object(raw),
        b'[' => Value::Array(raw),
        b't' => Value::Bool(true),
        b'f' => Value::Bool(false),
        b'n' => Value::Null,
        _ => Value::Num(raw),
    })
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Index of the closing quote of a string whose content starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = i + memchr2(b'"', b'\\', &b[i..])?;
        if b[j] == b'"' {
            return Some(j);
        }
        i = j + 2;
        if i > b.len() {
            return None;
        }
    }
}

/// One past the end of the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i + 1).map(|j| j + 1),
        b'{' => container_end(b, i, b'{', b'}'),
        b'[' => container_end(b, i, b'[', b']'),
        _ => {
            let len = b[i..]
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(b.len() - i);
            if len == 0 {
                None
            } else {
                Some(i + len)
            }
        }
    }
}

/// Skips a nested object or array by counting its own brackets outside strings (the other kind
/// of bracket balances on its own in well-formed JSON, so it can be ignored).
fn container_end(b: &[u8], i: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    loop {
        let k = j + memchr3(b'"', open, close, &b[j..])?;
        match b[k] {
            b'"' => j = string_end(b, k + 1)? + 1,
            c if c == open => {
                depth += 1;
                j = k + 1;
            }
            _ => {
                depth -= 1;
                j = k + 1;
                if depth == 0 {
                    return Some(j);
                }
            }
        }
    }
}

/// Resolves JSON string escapes (`\"`, `\\`, `\/`, `\n`, `\u00e9`, surrogate pairs); a broken
/// escape becomes U+FFFD. Borrows when there is nothing to resolve.
pub fn unescape_json(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hi = hex4(&mut chars);
                let c = match hi {
                    Some(h @ 0xD800..=0xDBFF) => {
                        let mut look = chars.clone();
                        let lo = match (look.next(), look.next()) {
                            (Some('\\'), Some('u')) => hex4(&mut look),
                            _ => None,
                        };
                        match lo {
                            Some(l @ 0xDC00..=0xDFFF) => {
                                chars = look;
                                char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                            }
                            _ => None,
                        }
                    }
                    Some(h) => char::from_u32(h),
                    None => None,
                };
                out.push(c.unwrap_or('\u{fffd}'));
            }
            _ => out.push('\u{fffd}'),
        }
    }
    Cow::Owned(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut v = 0;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(line: &'a str, paths: &[&str]) -> Option<Vec<Option<Value<'a>>>> {
        let set = PathSet::new(paths);
        let mut out = vec![None; set.len()];
        extract(line, &set, &mut out)?;
        Some(out)
    }

    #[test]
    fn reads_nested_paths_and_skips_the_rest() {
        let line = r#"{"level":"info","request":{"headers":{"X":["a\"}{","b"]},"uri":"/v1?x=1","method":"GET"},"status":502,"duration":0.5,"ok":true,"n":null,"arr":[1,[2,{"k":"]"}]]}"#;
        let v = get(
            line,
            &[
                "status",
                "request.uri",
                "request.method",
                "duration",
                "ok",
                "n",
                "arr",
                "missing",
                "request.headers",
            ],
        )
        .unwrap();
        assert_eq!(v[0], Some(Value::Num("502")));
        assert_eq!(v[1], Some(Value::Str("/v1?x=1")));
        assert_eq!(v[2], Some(Value::Str("GET")));
        assert_eq!(v[3], Some(Value::Num("0.5")));
        assert_eq!(v[4], Some(Value::Bool(true)));
        assert_eq!(v[5], Some(Value::Null));
        assert_eq!(v[6], Some(Value::Array(r#"[1,[2,{"k":"]"}]]"#)));
        assert_eq!(v[7], None);
        assert_eq!(v[8], Some(Value::Object(r#"{"X":["a\"}{","b"]}"#)));
    }

    #[test]
    fn a_parent_and_its_child_can_both_be_read() {
        let v = get(r#"{"a":{"b":1}}"#, &["a.b", "a"]).unwrap();
        assert_eq!(v[0], Some(Value::Num("1")));
        assert_eq!(v[1], Some(Value::Object(r#"{"b":1}"#)));
    }

    #[test]
    fn rejects_what_is_not_an_object() {
        for line in [
            "",
            "[1]",
            "{\"a\":",
            "{\"a\" 1}",
            "{\"a\":1,,}",
            "{\"a\":\"x",
            "not json",
        ] {
            assert!(get(line, &["a"]).is_none(), "{line:?}");
        }
        assert!(get("  { \"a\" : 1 } ", &["a"]).is_some());
    }

    #[test]
    fn unescapes_strings() {
        let cases = [
            (r"plain", "plain"),
            (r#"a\"b\\c\/d"#, "a\"b\\c/d"),
            (r"\u0026x\u00e9", "&xé"),
            (r"\ud83d\ude00", "😀"),
            (r"\ud83d", "\u{fffd}"),
            (r"\q", "\u{fffd}"),
            (r"\u12", "\u{fffd}"),
        ];
        for (raw, want) in cases {
            assert_eq!(unescape_json(raw), want, "{raw}");
        }
        assert!(matches!(unescape_json("no escapes"), Cow::Borrowed(_)));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = get(&s, &["a", "a.b", "status"]);
            let _ = unescape_json(&s);
        }

        #[test]
        fn never_panics_on_json_like_input(s in "[{}\\[\\]\":,a-c0-9\\\\ ]{0,60}") {
            let _ = get(&s, &["a", "a.b", "c"]);
        }
    }
}
