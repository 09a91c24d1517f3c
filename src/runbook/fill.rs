//! Placeholders: `{route}`, `{method}`, `{base_url}`, `{host}`, `{upstream}`, `{request_id}`.
//!
//! Values come from the selection, which comes from outside (log lines, label values), so they
//! are sanitised and redacted, and inside code (commands to copy) they are shell-quoted: a route
//! someone requested as `/x';rm -rf ~;'` must not become a command. A placeholder with no value
//! is replaced by a visible marker such as `‹route?›`, never by nothing.

use std::borrow::Cow;

use super::markdown::{code_ranges, Role, StyledLine, StyledSpan};
use crate::redact;
use crate::sanitize::sanitize;

/// The names a runbook may use, in the order they are documented.
pub const PLACEHOLDERS: [&str; 6] = [
    "route",
    "method",
    "base_url",
    "host",
    "upstream",
    "request_id",
];

/// What the selection knows. Every field is optional; an empty string counts as missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FillContext {
    /// The route as the dashboard names it: `/v1/orders/{id}`, `be_orders`.
    pub route: Option<String>,
    /// `GET`; upper-cased when filled.
    pub method: Option<String>,
    /// Where the routes are served, from config: `https://api.example.com`. A trailing `/` is
    /// dropped so `{base_url}{route}` joins cleanly.
    pub base_url: Option<String>,
    /// The public host name, for DNS and TLS commands: `api.example.com`.
    pub host: Option<String>,
    /// The upstream as the gateway logs it, usually `host:port`.
    pub upstream: Option<String>,
    /// A request id seen for this error (`x-request-id`, `x-amzn-requestid` …).
    pub request_id: Option<String>,
}

impl FillContext {
    fn raw(&self, name: &str) -> Option<&str> {
        let v = match name {
            "route" => &self.route,
            "method" => &self.method,
            "base_url" => &self.base_url,
            "host" => &self.host,
            "upstream" => &self.upstream,
            "request_id" => &self.request_id,
            _ => return None,
        };
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// The display-safe value of a placeholder: sanitised, secrets redacted.
    pub fn value(&self, name: &str) -> Option<String> {
        let raw = self.raw(name)?;
        let clean = sanitize(raw);
        let value = match name {
            "base_url" => redact::url(&clean).trim_end_matches('/').to_string(),
            "upstream" => redact::url(&clean).into_owned(),
            "route" => redact::query(&clean).into_owned(),
            "method" => clean.to_ascii_uppercase(),
            _ => clean.into_owned(),
        };
        Some(value).filter(|v| !v.is_empty())
    }
}

/// How a filled value is written.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FillMode {
    /// Running text: the value as it is.
    Prose,
    /// Inside code: a value with shell-special characters is single-quoted.
    Shell,
}

/// A piece of text after filling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Literal(&'a str),
    Value(String),
    /// A placeholder with no value; its name.
    Missing(&'static str),
}

/// `‹route?›`: what a placeholder with no value becomes.
pub fn missing_marker(name: &str) -> String {
    format!("‹{name}?›")
}

/// Splits `text` at the placeholders it uses. Unknown `{names}` (such as curl's `%{http_code}`
/// or a route template's `{id}`) stay literal.
pub fn pieces<'a>(text: &'a str, ctx: &FillContext, mode: FillMode) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((start, name)) = next_placeholder(rest) {
        if start > 0 {
            out.push(Piece::Literal(&rest[..start]));
        }
        out.push(match ctx.value(name) {
            Some(v) if mode == FillMode::Shell => Piece::Value(shell_word(&v).into_owned()),
            Some(v) => Piece::Value(v),
            None => Piece::Missing(name),
        });
        rest = &rest[start + name.len() + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

/// The first known placeholder in `text`: its byte offset and name.
fn next_placeholder(text: &str) -> Option<(usize, &'static str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find('{') {
        let at = from + i;
        let after = &text[at + 1..];
        if let Some(name) = PLACEHOLDERS
            .iter()
            .find(|n| after.starts_with(**n) && after[n.len()..].starts_with('}'))
        {
            return Some((at, name));
        }
        from = at + 1;
    }
    None
}

/// `text` with its placeholders filled or marked.
pub fn fill_text(text: &str, ctx: &FillContext, mode: FillMode) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text, ctx, mode) {
        match piece {
            Piece::Literal(s) => out.push_str(s),
            Piece::Value(v) => out.push_str(&v),
            Piece::Missing(name) => out.push_str(&missing_marker(name)),
        }
    }
    out
}

/// The placeholders `text` uses that `ctx` cannot fill, each once, in order of first use.
pub fn unfilled(text: &str, ctx: &FillContext) -> Vec<&'static str> {
    let mut names = Vec::new();
    for piece in pieces(text, ctx, FillMode::Prose) {
        if let Piece::Missing(name) = piece {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// A value as one shell word: unchanged when it holds only characters no shell treats
/// specially, otherwise single-quoted (with `'` written as `'\''`).
pub fn shell_word(value: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("'{}'", value.replace('\'', r"'\''")))
    }
}

/// Fills the placeholders in rendered lines: code spans and code blocks in shell mode, the rest
/// as prose. Missing values become spans of role [`Role::Missing`].
pub fn fill_lines(lines: &[StyledLine], ctx: &FillContext) -> Vec<StyledLine> {
    lines
        .iter()
        .map(|line| {
            let mut spans = Vec::with_capacity(line.spans.len());
            for span in &line.spans {
                let mode = match span.role {
                    Role::Code | Role::CodeBlock => FillMode::Shell,
                    _ => FillMode::Prose,
                };
                for piece in pieces(&span.text, ctx, mode) {
                    let (text, role) = match piece {
                        Piece::Literal(s) => (s.to_string(), span.role),
                        Piece::Value(v) => (v, span.role),
                        Piece::Missing(name) => (missing_marker(name), Role::Missing),
                    };
                    spans.push(StyledSpan { text, role });
                }
            }
            StyledLine {
                spans,
                ..line.clone()
            }
        })
        .collect()
}

/// Fills a Markdown source for Markdown output: code spans and blocks in shell mode, prose
/// with Markdown punctuation escaped so a value cannot add formatting.
pub fn fill_markdown(markdown: &str, ctx: &FillContext) -> String {
    let code = code_ranges(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut rest_start = 0;
    let mut from = 0;
    while let Some((rel, name)) = next_placeholder(&markdown[from..]) {
        let at = from + rel;
        let in_code = code.iter().any(|r| r.start <= at && at < r.end);
        out.push_str(&markdown[rest_start..at]);
        match ctx.value(name) {
            Some(v) if in_code => out.push_str(&shell_word(&v)),
            Some(v) => out.push_str(&escape_markdown(&v)),
            None => out.push_str(&missing_marker(name)),
        }
        from = at + name.len() + 2;
        rest_start = from;
    }
    out.push_str(&markdown[rest_start..]);
    out
}

fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|!~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `{names}` in a runbook body that look like a mistyped placeholder (`{base-url}`, `{rout}`):
/// byte offset, the name as written, the placeholder meant.
pub fn near_miss_placeholders(body: &str) -> Vec<(usize, String, &'static str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = body[from..].find('{') {
        let at = from + i;
        let after = &body[at + 1..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        from = at + 1;
        if name.is_empty() || name.len() > 24 || PLACEHOLDERS.contains(&name) {
            continue;
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_- ".contains(c))
        {
            continue;
        }
        let norm = normalise(name);
        if let Some(meant) = PLACEHOLDERS
            .iter()
            .find(|p| norm == normalise(p) || edit_distance(&norm, &normalise(p)) == 1)
        {
            out.push((at, name.to_string(), *meant));
        }
    }
    out
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> FillContext {
        FillContext {
            route: Some("/v1/orders".into()),
            method: Some("post".into()),
            base_url: Some("https://api.example.com/".into()),
            host: None,
            upstream: Some("".into()),
            request_id: Some("abc-123".into()),
        }
    }

    #[test]
    fn fills_and_marks() {
        let cases = [
            (
                "{method} {base_url}{route}",
                FillMode::Shell,
                "POST https://api.example.com/v1/orders",
            ),
            ("dig {host}", FillMode::Shell, "dig ‹host?›"),
            ("up {upstream}", FillMode::Prose, "up ‹upstream?›"),
            ("id {request_id}.", FillMode::Prose, "id abc-123."),
            (
                "curl -w '%{http_code}' /x/{id}",
                FillMode::Shell,
                "curl -w '%{http_code}' /x/{id}",
            ),
            ("{{route}}", FillMode::Prose, "{/v1/orders}"),
            ("{route", FillMode::Prose, "{route"),
            ("", FillMode::Prose, ""),
        ];
        for (text, mode, want) in cases {
            assert_eq!(fill_text(text, &ctx(), mode), want, "{text:?}");
        }
    }

    #[test]
    fn hostile_values_are_quoted_sanitised_and_redacted() {
        let c = FillContext {
            route: Some("/x';rm -rf ~;'?token=s3cr3t".into()),
            base_url: Some("https://bob:hunter2@api.example.com".into()),
            request_id: Some("id\x1b[2Jx".into()),
            ..FillContext::default()
        };
        let shell = fill_text("curl {base_url}{route}", &c, FillMode::Shell);
        assert_eq!(
            shell,
            r"curl 'https://bob:…(redacted)@api.example.com''/x'\'';rm -rf ~;'\''?token=…(redacted)'"
        );
        assert!(!shell.contains("hunter2") && !shell.contains("s3cr3t"));
        assert_eq!(fill_text("{request_id}", &c, FillMode::Prose), "idx");
    }

    #[test]
    fn shell_words() {
        let cases = [
            ("GET", "GET"),
            ("/v1/orders/{id}", "'/v1/orders/{id}'"),
            ("a b", "'a b'"),
            ("it's", r"'it'\''s'"),
            ("", "''"),
            ("$(id)", "'$(id)'"),
        ];
        for (value, want) in cases {
            assert_eq!(shell_word(value), want, "{value:?}");
        }
    }

    #[test]
    fn fills_markdown_by_context() {
        let c = FillContext {
            route: Some("/v1/*_x".into()),
            ..FillContext::default()
        };
        let md = "Route {route} is `curl {route}`.\n\n```\nget {route} {host}\n```\n";
        assert_eq!(
            fill_markdown(md, &c),
            "Route /v1/\\*\\_x is `curl '/v1/*_x'`.\n\n```\nget '/v1/*_x' ‹host?›\n```\n"
        );
    }

    #[test]
    fn lists_unfilled_once() {
        let text = "{host} {route} {host} {upstream}";
        assert_eq!(unfilled(text, &ctx()), vec!["host", "upstream"]);
    }

    #[test]
    fn finds_near_misses_only() {
        let body = "{base-url} {rout} {Route} {id} {http_code} {route} {request id}";
        let found: Vec<_> = near_miss_placeholders(body)
            .into_iter()
            .map(|(_, name, meant)| (name, meant))
            .collect();
        assert_eq!(
            found,
            vec![
                ("base-url".to_string(), "base_url"),
                ("rout".to_string(), "route"),
                ("Route".to_string(), "route"),
                ("request id".to_string(), "request_id"),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn every_placeholder_is_filled_or_marked(text in "[{}a-z_ ]{0,80}") {
            let out = fill_text(&text, &FillContext::default(), FillMode::Prose);
            for name in PLACEHOLDERS {
                let placeholder = format!("{{{name}}}");
                proptest::prop_assert!(!out.contains(&placeholder), "{text:?} -> {out:?}");
            }
        }
    }
}
