//! A sample's label set, kept as the raw text between the braces and decoded on demand.
//!
//! The scanner has already validated the text (see `line.rs`), so decoding here never fails;
//! it walks `name="value"` pairs separated by commas (and, in Prometheus text, blanks).
//! A value is borrowed from the body unless it holds an escape.

use std::borrow::Cow;

/// The labels of one sample, borrowed from the exposition body.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> Labels<'a> {
    /// `raw` is validated label text without the braces; `escaped` says whether it holds a
    /// backslash anywhere (false lets every value be borrowed without looking).
    pub(crate) fn from_validated(raw: &'a str, escaped: bool) -> Self {
        Self { raw, escaped }
    }

    /// No labels at all.
    pub fn empty() -> Self {
        Self {
            raw: "",
            escaped: false,
        }
    }

    /// The value of label `name`, unescaped; `None` when absent.
    pub fn get(&self, name: &str) -> Option<Cow<'a, str>> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The value of label `name` exactly as written (escapes not decoded).
    pub fn get_raw(&self, name: &str) -> Option<&'a str> {
        self.raw_pairs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// `(name, value)` pairs in written order, values unescaped.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + 'a {
        let escaped = self.escaped;
        self.raw_pairs().map(move |(n, v)| {
            if escaped {
                (n, unescape_label_value(v))
            } else {
                (n, Cow::Borrowed(v))
            }
        })
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.raw_pairs().count()
    }

    pub fn is_empty(&self) -> bool {
        self.raw_pairs().next().is_none()
    }

    /// The label text as written between the braces.
    pub fn as_raw(&self) -> &'a str {
        self.raw
    }

    fn raw_pairs(&self) -> RawPairs<'a> {
        RawPairs {
            rest: self.raw,
            escaped: self.escaped,
        }
    }
}

/// Walks validated label text yielding `(name, raw value)`.
struct RawPairs<'a> {
    rest: &'a str,
    escaped: bool,
}

impl<'a> Iterator for RawPairs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest.trim_start_matches([',', ' ', '\t']);
        let eq = s.find('=')?;
        let name = s[..eq].trim_end_matches([' ', '\t']);
        let after = &s[eq + 1..];
        let open = after.find('"')?;
        let body = &after[open + 1..];
        let close = if self.escaped {
            closing_quote(body.as_bytes())?
        } else {
            memchr::memchr(b'"', body.as_bytes())?
        };
        self.rest = &body[close + 1..];
        Some((name, &body[..close]))
    }
}

/// Index of the first `"` not preceded by an escaping backslash.
pub(crate) fn closing_quote(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'"', b'\\', &b[i..]) {
        let at = i + off;
        if b[at] == b'"' {
            return Some(at);
        }
        i = at + 2;
        if i > b.len() {
            return None;
        }
    }
    None
}

/// Decodes `\\`, `\"` and `\n`; any other backslash is kept as written, as Prometheus does.
pub fn unescape_label_value(v: &str) -> Cow<'_, str> {
    unescape(v, true)
}

/// HELP text: `\\` and `\n` in both formats, and `\"` in OpenMetrics only.
pub fn unescape_help(v: &str, openmetrics: bool) -> Cow<'_, str> {
    unescape(v, openmetrics)
}

fn unescape(v: &str, quote: bool) -> Cow<'_, str> {
    if memchr::memchr(b'\\', v.as_bytes()).is_none() {
        return Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quote => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        let escaped = raw.contains('\\');
        Labels::from_validated(raw, escaped)
            .iter()
            .map(|(n, v)| (n.to_string(), v.into_owned()))
            .collect()
    }

    #[test]
    fn decodes_pairs() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            (r#"a="1""#, &[("a", "1")]),
            (r#"a="1",b="2""#, &[("a", "1"), ("b", "2")]),
            (r#"a="1",b="2","#, &[("a", "1"), ("b", "2")]),
            (r#" a = "1" , b="x,y=z}" "#, &[("a", "1"), ("b", "x,y=z}")]),
            (r#"a="q\"uo\"te",b="""#, &[("a", "q\"uo\"te"), ("b", "")]),
            (r#"a="back\\slash""#, &[("a", "back\\slash")]),
            (r#"a="line\nbreak""#, &[("a", "line\nbreak")]),
            (r#"a="\\\"",b="z""#, &[("a", "\\\""), ("b", "z")]),
            (r#"a="b\\a\z""#, &[("a", "b\\a\\z")]),
            (
                r#"route="/v1/orders/{id}""#,
                &[("route", "/v1/orders/{id}")],
            ),
        ];
        for (raw, want) in cases {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            assert_eq!(pairs(raw), want, "{raw}");
        }
    }

    #[test]
    fn get_len_and_borrowing() {
        let l = Labels::from_validated(r#"code="200",path="/a\"b""#, true);
        assert_eq!(l.len(), 2);
        assert!(!l.is_empty());
        assert!(matches!(l.get("code"), Some(Cow::Borrowed("200"))));
        assert!(matches!(l.get("path"), Some(Cow::Owned(ref s)) if s == "/a\"b"));
        assert_eq!(l.get_raw("path"), Some(r#"/a\"b"#));
        assert_eq!(l.get("nope"), None);
        assert!(Labels::empty().is_empty());
    }

    #[test]
    fn help_unescape() {
        assert_eq!(unescape_help(r"he\n\\l\tp", true), "he\n\\l\\tp");
        assert_eq!(unescape_help(r"plain", true), "plain");
        assert_eq!(unescape_help("trailing\\", true), "trailing\\");
        assert_eq!(unescape_help(r#"say \"hi\""#, true), "say \"hi\"");
        assert_eq!(unescape_help(r#"say \"hi\""#, false), r#"say \"hi\""#);
    }
}
