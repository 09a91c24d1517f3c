//! Secrets in config: `env:NAME`, `file:PATH`, or a literal. Resolved at the edge, never logged.

use anyhow::{bail, Context, Result};

pub fn resolve(spec: &str) -> Result<String> {
    if let Some(name) = spec.strip_prefix("env:") {
        return std::env::var(name)
            .with_context(|| format!("environment variable {name} is not set"));
    }
    if let Some(path) = spec.strip_prefix("file:") {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read secret file {path}"))?;
        let v = text.trim_end_matches(['\n', '\r']).to_string();
        if v.is_empty() {
            bail!("secret file {path} is empty");
        }
        return Ok(v);
    }
    Ok(spec.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_env_file_and_literal() {
        std::env::set_var("GATEWATCH_TEST_SECRET_X", "s3cr3t");
        assert_eq!(resolve("env:GATEWATCH_TEST_SECRET_X").unwrap(), "s3cr3t");
        assert!(resolve("env:GATEWATCH_TEST_SECRET_MISSING").is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tok");
        std::fs::write(&p, "abc\n").unwrap();
        assert_eq!(resolve(&format!("file:{}", p.display())).unwrap(), "abc");
        assert_eq!(resolve("plain").unwrap(), "plain");
    }
}
