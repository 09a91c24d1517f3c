//! PURE: just enough of HTTP structured-field lists (RFC 8941) to read rate-limit fields:
//! members with a bare item (quoted string, token or integer) and `;key=value` parameters.

use super::{RateLimit, RateLimitFamily};

#[derive(Debug, PartialEq)]
pub(super) struct Member {
    pub item: String,
    /// The item was a quoted string (a policy name) rather than a bare token or integer.
    pub quoted: bool,
    pub params: Vec<(String, String)>,
}

impl Member {
    fn param(&self, key: &str) -> Option<u64> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
    }
}

/// Splits on `sep` outside double quotes.
fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn unquote(s: &str) -> (String, bool) {
    let t = s.trim();
    match t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            (out, true)
        }
        None => (t.to_string(), false),
    }
}

pub(super) fn members(value: &str) -> Vec<Member> {
    split_outside_quotes(value, ',')
        .into_iter()
        .filter(|m| !m.trim().is_empty())
        .map(|m| {
            let mut pieces = split_outside_quotes(m, ';').into_iter();
            let (item, quoted) = unquote(pieces.next().unwrap_or(""));
            let params = pieces
                .filter_map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, "?1"));
                    let key = k.trim().to_ascii_lowercase();
                    (!key.is_empty()).then(|| (key, unquote(v).0))
                })
                .collect();
            Member {
                item,
                quoted,
                params,
            }
        })
        .collect()
}

/// The first integer of a value that may be a list (`10, 10;w=1`): older drafts allowed that.
pub(super) fn first_integer(value: &str) -> Option<u64> {
    let first = value.split([',', ';']).next()?.trim();
    first.parse().ok()
}

/// The window of the first policy in an older-draft `RateLimit-Policy: 100;w=60`.
pub(super) fn legacy_policy_window(value: &str) -> Option<u64> {
    members(value).into_iter().find_map(|m| m.param("w"))
}

/// `RateLimit: "burst";r=12;t=30` joined with `RateLimit-Policy: "burst";q=100;w=60` by name.
pub(super) fn structured(state: &str, policy: Option<&str>) -> Option<RateLimit> {
    let policies = policy.map(members).unwrap_or_default();
    members(state)
        .into_iter()
        .filter(|m| m.quoted || m.param("r").is_some())
        .map(|m| {
            let p = policies.iter().find(|p| p.quoted && p.item == m.item);
            RateLimit {
                family: Some(RateLimitFamily::IetfStructured),
                policy: (!m.item.is_empty()).then(|| m.item.clone()),
                limit: p.and_then(|p| p.param("q")),
                remaining: m.param("r"),
                reset_secs: m.param("t"),
                window_secs: p.and_then(|p| p.param("w")),
                retry_after_secs: None,
            }
        })
        .max_by(|a, b| {
            let sa = a.saturation().unwrap_or(-1.0);
            let sb = b.saturation().unwrap_or(-1.0);
            sa.total_cmp(&sb)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_members_with_quotes_and_params() {
        let m = members(r#""a,b";q=100;w=60, 10;w=1, "x\"y";flag"#);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].item, "a,b");
        assert!(m[0].quoted);
        assert_eq!(m[0].param("q"), Some(100));
        assert_eq!(m[1].item, "10");
        assert!(!m[1].quoted);
        assert_eq!(m[1].param("w"), Some(1));
        assert_eq!(m[2].item, "x\"y");
        assert_eq!(m[2].params, vec![("flag".to_string(), "?1".to_string())]);
    }

    #[test]
    fn first_integer_of_lists() {
        assert_eq!(first_integer("10, 10;w=1"), Some(10));
        assert_eq!(first_integer(" 7 "), Some(7));
        assert_eq!(first_integer("-1"), None);
        assert_eq!(first_integer(""), None);
    }
}
