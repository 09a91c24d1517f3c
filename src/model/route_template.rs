//! Route templates: turning request paths into the routes an engineer recognises.
//!
//! Two rules, in order: explicit patterns from the configuration (`/v1/orders/{id}`, with `{*}`
//! as a trailing wildcard) win; otherwise id-like segments (numbers, UUIDs, long hex, long or
//! digit-heavy mixed tokens) collapse into `{id}`. Method + template is the [`RouteKey`].
//!
//! Templating runs once per log line, so the automatic rule writes into a reusable buffer and the
//! result is looked up without allocating; only a route seen for the first time allocates.

use std::sync::Arc;

use thiserror::Error;

use super::route::RouteKey;

pub const ID: &str = "{id}";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PatternError {
    #[error("route pattern {0:?} must start with '/'")]
    NotAbsolute(String),
    #[error("route pattern {0:?}: a wildcard `{{*}}` may only be the last segment")]
    WildcardNotLast(String),
    #[error("route pattern {0:?}: unbalanced braces in segment {1:?}")]
    BadSegment(String, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(Box<str>),
    Param,
    /// Matches the rest of the path (zero or more segments).
    Rest,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    segments: Vec<Segment>,
    template: Arc<str>,
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, PatternError> {
        let body = text
            .strip_prefix('/')
            .ok_or_else(|| PatternError::NotAbsolute(text.to_string()))?;
        let parts: Vec<&str> = if body.is_empty() {
            Vec::new()
        } else {
            body.split('/').collect()
        };
        let mut segments = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let seg = if *part == "{*}" || *part == "*" {
                if i + 1 != parts.len() {
                    return Err(PatternError::WildcardNotLast(text.to_string()));
                }
                Segment::Rest
            } else if part.starts_with('{') && part.ends_with('}') && part.len() > 2 {
                if part[1..part.len() - 1].contains(['{', '}']) {
                    return Err(PatternError::BadSegment(text.to_string(), part.to_string()));
                }
                Segment::Param
            } else if part.contains(['{', '}']) {
                return Err(PatternError::BadSegment(text.to_string(), part.to_string()));
            } else {
                Segment::Literal((*part).into())
            };
            segments.push(seg);
        }
        Ok(Pattern {
            segments,
            template: Arc::from(text),
        })
    }

    fn matches(&self, path: &str) -> bool {
        let Some(body) = path.strip_prefix('/') else {
            return false;
        };
        let mut parts = body.split('/').filter(|_| !body.is_empty());
        for seg in &self.segments {
            match seg {
                Segment::Rest => return true,
                Segment::Literal(l) => match parts.next() {
                    Some(p) if p == &**l => {}
                    _ => return false,
                },
                Segment::Param => match parts.next() {
                    Some(p) if !p.is_empty() => {}
                    _ => return false,
                },
            }
        }
        parts.next().is_none()
    }
}

/// The configured patterns plus the automatic rule.
#[derive(Clone, Debug, Default)]
pub struct RouteTemplates {
    patterns: Vec<Pattern>,
    auto_collapse: bool,
}

/// What a path templated to: an explicit pattern, or the automatic template written to `buf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Templated {
    Pattern(Arc<str>),
    Auto,
}

impl RouteTemplates {
    /// Patterns are tried in the order given; the first that matches wins.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let patterns = patterns
            .iter()
            .map(|p| Pattern::parse(p.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RouteTemplates {
            patterns,
            auto_collapse: true,
        })
    }

    /// Automatic collapsing only.
    pub fn auto() -> Self {
        RouteTemplates {
            patterns: Vec::new(),
            auto_collapse: true,
        }
    }

    /// Keep paths as they are when no pattern matches (for logs whose paths are already templates).
    pub fn without_auto_collapse(mut self) -> Self {
        self.auto_collapse = false;
        self
    }

    pub fn has_patterns(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// Templates `path` (no query string). On [`Templated::Auto`], `buf` holds the template.
    /// Automatic collapsing only, no explicit patterns: a path's route then depends on each
    /// segment alone.
    pub fn is_auto_only(&self) -> bool {
        self.patterns.is_empty() && self.auto_collapse
    }

    pub fn template_into(&self, path: &str, buf: &mut String) -> Templated {
        if let Some(p) = self.patterns.iter().find(|p| p.matches(path)) {
            return Templated::Pattern(p.template.clone());
        }
        buf.clear();
        if self.auto_collapse {
            collapse_ids(path, buf);
        } else {
            buf.push_str(path);
        }
        Templated::Auto
    }

    /// Convenience for tests and one-off callers: the route key of `method path`.
    pub fn route_key(&self, method: Option<&str>, path: &str) -> RouteKey {
        let mut buf = String::new();
        match self.template_into(path, &mut buf) {
            Templated::Pattern(t) => RouteKey {
                method: method.map(Arc::from),
                route: t,
            },
            Templated::Auto => RouteKey::new(method, &buf),
        }
    }
}

/// Writes `path` with id-like segments replaced by `{id}` into `out`.
///
/// One pass over the bytes; the text between replaced segments is copied in one piece, so an
/// id-free path (most lines) costs a scan and a single copy.
pub fn collapse_ids(path: &str, out: &mut String) {
    if path.is_empty() {
        out.push('/');
        return;
    }
    let b = path.as_bytes();
    let mut copied = 0;
    let mut start = 0;
    let mut digits = 0usize;
    for i in 0..=b.len() {
        let c = b.get(i).copied().unwrap_or(b'/');
        if c != b'/' {
            digits += usize::from(c.is_ascii_digit());
            continue;
        }
        // Slash positions are char boundaries, so the slice is valid UTF-8.
        let seg = &path[start..i];
        // A word starting with a letter is never an id when it is under 16 bytes without
        // digits, or under 8 bytes with fewer than 4 (`v1`, `oauth2`): see `is_id_like`.
        let plain = seg.is_empty()
            || (seg.as_bytes()[0].is_ascii_alphabetic()
                && ((seg.len() < 16 && digits == 0) || (seg.len() < 8 && digits < 4)));
        if !plain {
            if let Some(kept) = collapsed_segment(seg) {
                out.push_str(&path[copied..start]);
                out.push_str(ID);
                out.push_str(kept);
                copied = i;
            }
        }
        start = i + 1;
        digits = 0;
    }
    out.push_str(&path[copied..]);
}

/// For a segment that collapses, what follows the `{id}` (an extension such as `.json`, or
/// nothing); `None` when the segment stays as it is.
fn collapsed_segment(seg: &str) -> Option<&str> {
    match seg.bytes().rposition(|c| c == b'.') {
        // `12345.json` → `{id}.json`; `report.v2.pdf` stays.
        Some(dot) if dot > 0 && is_id_like(&seg[..dot]) && is_extension(&seg[dot + 1..]) => {
            Some(&seg[dot..])
        }
        _ if is_id_like(seg) => Some(""),
        _ => None,
    }
}

fn is_extension(ext: &str) -> bool {
    (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Numbers, UUIDs, long hex, and mixed letter+digit tokens that are long (≥ 8) or digit-heavy
/// (≥ 4 digits). Short mixed words such as `v1`, `oauth2`, `s3`, `ipv6`, `base64` stay.
pub fn is_id_like(seg: &str) -> bool {
    let b = seg.as_bytes();
    if b.is_empty() {
        return false;
    }
    let (mut digits, mut letters, mut hex_letters, mut other) = (0usize, 0usize, 0usize, 0usize);
    for &c in b {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_ascii_alphabetic() {
            letters += 1;
            if c.is_ascii_hexdigit() {
                hex_letters += 1;
            }
        } else if c == b'-' || c == b'_' || c == b'~' {
            other += 1;
        } else {
            // Percent-escapes, dots, colons, @: names, not ids (emails are left alone too).
            return false;
        }
    }
    if digits == b.len() {
        return true;
    }
    if is_uuid(b) {
        return true;
    }
    let hex_only = letters == hex_letters && other == 0;
    if hex_only && b.len() >= 16 {
        return true;
    }
    if digits > 0 && letters > 0 {
        return b.len() >= 8 || digits >= 4;
    }
    // Long opaque tokens (base64url keys, hashes without digits are rare but exist).
    b.len() >= 32 && letters > 0 && other <= b.len() / 4
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(path: &str) -> String {
        let mut s = String::new();
        collapse_ids(path, &mut s);
        s
    }

    #[test]
    fn collapses_id_like_segments() {
        let cases = [
            ("/v1/orders", "/v1/orders"),
            ("/v1/orders/42", "/v1/orders/{id}"),
            ("/v1/users/5001/orders/7", "/v1/users/{id}/orders/{id}"),
            (
                "/v1/items/3f2b8c9e-1d2a-4b5c-9e8f-0a1b2c3d4e5f",
                "/v1/items/{id}",
            ),
            ("/blobs/deadbeefcafebabe0011", "/blobs/{id}"),
            ("/blobs/deadbeefcafebabe", "/blobs/{id}"),
            ("/v2/oauth2/token", "/v2/oauth2/token"),
            ("/s3/ipv6/base64", "/s3/ipv6/base64"),
            ("/u/ord_8f3k2m9x", "/u/{id}"),
            ("/u/a1234", "/u/{id}"),
            ("/img/12345.png", "/img/{id}.png"),
            ("/docs/report.v2.pdf", "/docs/report.v2.pdf"),
            ("/v1/orders/", "/v1/orders/"),
            ("/", "/"),
            ("", "/"),
            ("//x//1", "//x//{id}"),
            ("/users/bob@example.com", "/users/bob@example.com"),
            ("/p/%7Euser", "/p/%7Euser"),
            ("*", "*"),
        ];
        for (path, want) in cases {
            assert_eq!(auto(path), want, "{path}");
        }
    }

    #[test]
    fn explicit_patterns_win_in_order() {
        let t = RouteTemplates::new(&[
            "/v1/users/{name}/profile",
            "/v1/users/{id}",
            "/static/{*}",
            "/",
        ])
        .unwrap();
        let cases = [
            ("/v1/users/alice/profile", "/v1/users/{name}/profile"),
            ("/v1/users/alice", "/v1/users/{id}"),
            ("/v1/users/42", "/v1/users/{id}"),
            ("/static/css/site.css", "/static/{*}"),
            ("/static", "/static/{*}"),
            ("/", "/"),
            // No pattern: the automatic rule.
            ("/v1/users/alice/orders/77", "/v1/users/alice/orders/{id}"),
            ("/v1/users/", "/v1/users/"),
        ];
        for (path, want) in cases {
            assert_eq!(&*t.route_key(Some("GET"), path).route, want, "{path}");
        }
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(matches!(
            RouteTemplates::new(&["v1/x"]),
            Err(PatternError::NotAbsolute(_))
        ));
        assert!(matches!(
            RouteTemplates::new(&["/a/{*}/b"]),
            Err(PatternError::WildcardNotLast(_))
        ));
        assert!(matches!(
            RouteTemplates::new(&["/a/{x"]),
            Err(PatternError::BadSegment(..))
        ));
    }

    #[test]
    fn without_auto_keeps_paths() {
        let t = RouteTemplates::auto().without_auto_collapse();
        assert_eq!(&*t.route_key(None, "/users/{id}/7").route, "/users/{id}/7");
    }

    proptest::proptest! {
        #[test]
        fn auto_templating_keeps_the_segment_count(path in "(/[a-z0-9{}%._-]{0,12}){1,6}") {
            let k = RouteTemplates::auto().route_key(Some("GET"), &path);
            proptest::prop_assert_eq!(k.route.matches('/').count(), path.matches('/').count());
        }

        /// The one-pass scanner agrees with the rule stated segment by segment.
        #[test]
        fn one_pass_matches_the_per_segment_rule(
            path in "(/([a-z]{1,20}|[a-z][a-z0-9.]{0,10}|[0-9a-f]{1,40}|[a-zA-Z0-9_.~-]{0,24}|\\PC{0,6})){0,6}/?"
        ) {
            let by_segment: Vec<String> = path
                .split('/')
                .map(|seg| match seg.rfind('.') {
                    Some(dot) if dot > 0 && is_id_like(&seg[..dot]) && is_extension(&seg[dot + 1..]) => {
                        format!("{ID}{}", &seg[dot..])
                    }
                    _ if is_id_like(seg) => ID.to_string(),
                    _ => seg.to_string(),
                })
                .collect();
            let want = if path.is_empty() { "/".to_string() } else { by_segment.join("/") };
            let mut got = String::new();
            collapse_ids(&path, &mut got);
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn patterns_never_panic(path in "\\PC{0,40}") {
            let t = RouteTemplates::new(&["/a/{x}", "/b/{*}"]).unwrap();
            let k = t.route_key(None, &path);
            proptest::prop_assert!(!k.route.is_empty());
        }
    }
}
