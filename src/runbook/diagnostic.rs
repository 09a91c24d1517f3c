//! Problems found in runbook files, with the file and line, for `config check` and the log.

use std::fmt;
use std::path::PathBuf;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, nothing wrong: a team file replaces a shipped runbook.
    Note,
    /// The runbook loaded, but something in it is probably a mistake.
    Warning,
    /// The file did not load; the shipped runbook of that id (if any) stays in use.
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the file or directory as a whole.
    pub line: usize,
    /// 1-based, in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `runbooks/502.md:3:9: error: unknown retry guidance …`, the shape editors jump to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}: {}", self.severity.label(), self.message)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`. An offset past the end
/// or inside a character is clamped to the nearest position before it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_table() {
        let text = "ab\ncdé\n\nx";
        let cases = [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (5, (2, 3)),
            (6, (2, 3)), // inside é: clamped back
            (7, (2, 4)),
            (8, (3, 1)),
            (9, (4, 1)),
            (99, (4, 2)),
        ];
        for (offset, want) in cases {
            assert_eq!(line_col(text, offset), want, "offset {offset}");
        }
    }

    #[test]
    fn display_has_file_line_column() {
        let d = Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from("runbooks/502.md"),
            line: 3,
            column: 9,
            message: "bad".into(),
        };
        assert_eq!(d.to_string(), "runbooks/502.md:3:9: error: bad");
        let whole = Diagnostic {
            line: 0,
            column: 0,
            ..d
        };
        assert_eq!(whole.to_string(), "runbooks/502.md: error: bad");
    }
}
