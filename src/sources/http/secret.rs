//! I/O: header values that name where a secret lives: `env:NAME` (an environment variable) or
//! `file:PATH` (a file's contents, trailing newline dropped). Anything else is taken literally.
//! Errors name the variable or the file, never the value.

use std::path::Path;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("environment variable {0} is not set (or not UTF-8)")]
    MissingEnv(String),
    #[error("cannot read secret file {path}: {message}")]
    File { path: String, message: String },
    #[error("secret file {0} is empty")]
    EmptyFile(String),
}

/// A resolved value and whether it came from a secret source.
#[derive(Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: String,
    pub from_secret_source: bool,
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("value", &crate::redact::redact_value(&self.value))
            .field("from_secret_source", &self.from_secret_source)
            .finish()
    }
}

pub fn resolve(value: &str) -> Result<Resolved, SecretError> {
    resolve_with(value, |name| std::env::var(name).ok())
}

/// [`resolve`] with the environment passed in (tests).
pub fn resolve_with(
    value: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, SecretError> {
    if let Some(name) = value.strip_prefix("env:") {
        let name = name.trim();
        let v = env(name).ok_or_else(|| SecretError::MissingEnv(name.to_string()))?;
        return Ok(Resolved {
            value: v.trim().to_string(),
            from_secret_source: true,
        });
    }
    if let Some(path) = value.strip_prefix("file:") {
        let path = Path::new(path.trim());
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SecretError::File {
            path: shown.clone(),
            message: e.kind().to_string(),
        })?;
        let v = text.trim_end_matches(['\n', '\r']).to_string();
        if v.trim().is_empty() {
            return Err(SecretError::EmptyFile(shown));
        }
        return Ok(Resolved {
            value: v,
            from_secret_source: true,
        });
    }
    Ok(Resolved {
        value: value.to_string(),
        from_secret_source: false,
    })
}

/// Headers with their values resolved, and the values that came from a secret source.
pub type ResolvedHeaders = (Vec<(String, String)>, Vec<String>);

/// Resolves every header value.
pub fn resolve_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<ResolvedHeaders, SecretError> {
    let mut out = Vec::new();
    let mut secrets = Vec::new();
    for (name, value) in headers {
        let r = resolve(value)?;
        if r.from_secret_source {
            secrets.push(r.value.clone());
        }
        out.push((name.to_string(), r.value));
    }
    Ok((out, secrets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_env_file_and_literal() {
        let env = |n: &str| (n == "TOKEN").then(|| "Bearer abcdefghijkl\n".to_string());
        let r = resolve_with("env:TOKEN", env).expect("set");
        assert_eq!(r.value, "Bearer abcdefghijkl");
        assert!(r.from_secret_source);
        assert_eq!(
            resolve_with("env:NOPE", env),
            Err(SecretError::MissingEnv("NOPE".into()))
        );
        let lit = resolve_with("application/json", env).expect("literal");
        assert!(!lit.from_secret_source);

        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("key");
        std::fs::write(&p, "k-123456789\n").expect("write");
        let f = resolve_with(&format!("file:{}", p.display()), env).expect("file");
        assert_eq!(f.value, "k-123456789");
        let missing = resolve_with("file:/nonexistent/gatewatch-key", env).expect_err("missing");
        assert!(missing.to_string().contains("/nonexistent/gatewatch-key"));
        std::fs::write(&p, "\n").expect("write");
        assert!(matches!(
            resolve_with(&format!("file:{}", p.display()), env),
            Err(SecretError::EmptyFile(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_value() {
        let r = Resolved {
            value: "Bearer abcdefghijkl".into(),
            from_secret_source: true,
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains("abcdefghijkl"), "{shown}");
    }
}
