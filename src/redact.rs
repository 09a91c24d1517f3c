//! Secret redaction: one place that decides what is secret and how it is shown.
//!
//! A secret is shown as its first few characters and `…(redacted)`, so that an engineer can tell
//! which credential was used without the credential leaking into a screen, a snapshot or a log.

use std::borrow::Cow;

/// Headers whose values are secrets (lower-case names).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-amz-security-token",
    "x-goog-api-key",
];

/// Query-string or form keys whose values are secrets (matched case-insensitively, by substring
/// for the generic words).
const SECRET_KEY_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "signature",
    "sig",
    "auth",
    "session",
    "credential",
];

pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&lower.as_str())
        || lower.contains("token")
        || lower.contains("secret")
        || lower.ends_with("-key")
}

pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    SECRET_KEY_WORDS
        .iter()
        .any(|w| lower == *w || (w.len() > 3 && lower.contains(w)))
}

/// `Bearer abcdef123` → `Bearer abc…(redacted)`; a value of 4 characters or less shows none.
pub fn redact_value(value: &str) -> String {
    let (scheme, secret) = match value.split_once(' ') {
        Some((s, rest)) if s.len() < 16 && !rest.is_empty() => (Some(s), rest.trim_start()),
        _ => (None, value),
    };
    let shown: String = if secret.chars().count() > 8 {
        secret.chars().take(3).collect()
    } else {
        String::new()
    };
    match scheme {
        Some(s) => format!("{s} {shown}…(redacted)"),
        None => format!("{shown}…(redacted)"),
    }
}

/// A header value as it may be displayed.
pub fn header_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if is_secret_header(name) {
        Cow::Owned(redact_value(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Redacts secret values in a URL's query string and any `user:password@` userinfo.
pub fn url(u: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(u);
    if let Some(scheme_end) = u.find("://") {
        let rest = &u[scheme_end + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            let user = rest[..at].split(':').next().unwrap_or("");
            out = Cow::Owned(format!(
                "{}{}:…(redacted)@{}",
                &u[..scheme_end + 3],
                user,
                &rest[at + 1..]
            ));
        }
    }
    match query(&out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// Redacts secret values in the query part of a path or URL (`?api_key=…&page=2`).
pub fn query(path: &str) -> Cow<'_, str> {
    let Some(q) = path.find('?') else {
        return Cow::Borrowed(path);
    };
    let (head, tail) = path.split_at(q + 1);
    let (query, fragment) = match tail.find('#') {
        Some(h) => tail.split_at(h),
        None => (tail, ""),
    };
    let mut changed = false;
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret_key(k) && !v.is_empty() => {
                changed = true;
                format!("{k}=…(redacted)")
            }
            _ => pair.to_string(),
        })
        .collect();
    if !changed {
        return Cow::Borrowed(path);
    }
    Cow::Owned(format!("{head}{}{fragment}", parts.join("&")))
}

/// Replaces every occurrence of a known secret value (a header value this process sent, with or
/// without its `Bearer `-style scheme) in `text` by its redacted form. For text a server may
/// echo back: body previews, error messages. Values shorter than 4 characters are left alone
/// (they would match everywhere and protect nothing).
pub fn scrub<'a>(text: &'a str, secrets: &[&str]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        let bare = match secret.split_once(' ') {
            Some((scheme, rest)) if scheme.len() < 16 && !rest.trim().is_empty() => rest.trim(),
            _ => secret,
        };
        for needle in [*secret, bare] {
            if needle.len() >= 4 && out.contains(needle) {
                out = Cow::Owned(out.replace(needle, &redact_value(needle)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_known_secrets_from_echoed_text() {
        let secrets = ["Bearer s3cr3t-token-value"];
        assert_eq!(
            scrub("{\"auth\":\"Bearer s3cr3t-token-value\"}", &secrets),
            "{\"auth\":\"Bearer s3c…(redacted)\"}"
        );
        assert_eq!(
            scrub("token=s3cr3t-token-value", &secrets),
            "token=s3c…(redacted)"
        );
        assert_eq!(scrub("nothing here", &secrets), "nothing here");
        assert!(matches!(scrub("abc", &["ab"]), Cow::Borrowed(_)));
    }

    #[test]
    fn redacts_header_values() {
        assert_eq!(
            header_value("Authorization", "Bearer abcdefghijkl"),
            "Bearer abc…(redacted)"
        );
        assert_eq!(header_value("X-Api-Key", "k123"), "…(redacted)");
        assert_eq!(
            header_value("Cookie", "session=deadbeefcafe"),
            "ses…(redacted)"
        );
        assert_eq!(header_value("Retry-After", "30"), "30");
    }

    #[test]
    fn redacts_query_secrets() {
        assert_eq!(
            query("/v1/users/7?api_key=SECRET123&page=2"),
            "/v1/users/7?api_key=…(redacted)&page=2"
        );
        assert_eq!(query("/v1/orders?page=2"), "/v1/orders?page=2");
        assert_eq!(
            query("/x?access_token=abc#frag"),
            "/x?access_token=…(redacted)#frag"
        );
    }

    #[test]
    fn redacts_userinfo_in_urls() {
        assert_eq!(
            url("https://bob:hunter2@example.test/metrics?token=t0k3n"),
            "https://bob:…(redacted)@example.test/metrics?token=…(redacted)"
        );
        assert_eq!(
            url("http://127.0.0.1:9/metrics"),
            "http://127.0.0.1:9/metrics"
        );
    }
}
