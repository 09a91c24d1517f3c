//! Config errors that name the file, the line, the column and the key.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Dotted path of the key, with array indexes: `scrape[1].interval`.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // The whole file, or a command-line flag: no position to give.
            write!(f, "{}: ", self.file.display())?;
        } else {
            write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        }
        if let Some(k) = &self.key {
            write!(f, "key `{k}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, col)
}

/// The dotted key at `offset`: the `key =` on that line (or the key the span names), under the
/// nearest `[table]` / `[[array]]` header above it, with the array element's index.
pub fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let trimmed = line.trim_start();
    let header = |l: &str| -> Option<(String, bool)> {
        let l = l.trim();
        if let Some(inner) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            return Some((inner.trim().to_string(), true));
        }
        if let Some(inner) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            return Some((inner.trim().to_string(), false));
        }
        None
    };
    if let Some((name, _)) = header(trimmed) {
        return Some(name);
    }
    let key = trimmed
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('#'))?;
    // Find the table this line belongs to, and which element of an array of tables.
    let above = &text[..line_start];
    let mut table: Option<(String, bool)> = None;
    let mut header_offset = 0;
    for (i, l) in above
        .lines()
        .enumerate()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        if let Some(h) = header(l) {
            table = Some(h);
            header_offset = i;
            break;
        }
    }
    Some(match table {
        None => key,
        Some((name, false)) => format!("{name}.{key}"),
        Some((name, true)) => {
            let index = above
                .lines()
                .take(header_offset)
                .filter(|l| header(l).is_some_and(|(n, arr)| arr && n == name))
                .count();
            format!("{name}[{index}].{key}")
        }
    })
}

pub fn at_span(
    file: &Path,
    text: &str,
    span: Range<usize>,
    message: impl Into<String>,
) -> ConfigError {
    let (line, column) = line_col(text, span.start);
    ConfigError {
        file: file.to_path_buf(),
        line,
        column,
        key: key_at(text, span.start),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[dashboard]\nwindow = \"1m\"\n\n[[scrape]]\nurl = \"a\"\n\n[[scrape]]\nurl = \"b\"\ninterval = \"5 parsecs\"\n";

    #[test]
    fn finds_keys_with_tables_and_array_indexes() {
        let at = |needle: &str| TEXT.find(needle).unwrap();
        assert_eq!(
            key_at(TEXT, at("\"1m\"")).as_deref(),
            Some("dashboard.window")
        );
        assert_eq!(key_at(TEXT, at("\"a\"")).as_deref(), Some("scrape[0].url"));
        assert_eq!(
            key_at(TEXT, at("\"5 parsecs\"")).as_deref(),
            Some("scrape[1].interval")
        );
        assert_eq!(line_col(TEXT, at("\"5 parsecs\"")), (9, 12));
    }
}
