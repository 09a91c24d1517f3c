//! Where runbooks come from: the shipped ones embedded in the binary, and a team's
//! `runbooks_dir`. This is the only part of `runbook` that touches the file system.

use std::path::{Path, PathBuf};

use super::catalog::Catalog;
use super::diagnostic::{Diagnostic, Severity};
use super::model::{Origin, Runbook};
use super::parse::parse_runbook;

/// The shipped runbooks, compiled in so the binary needs no asset directory. A test checks
/// that this list and `assets/runbooks/` hold the same files.
pub const SHIPPED: &[(&str, &str)] = &[
    ("400.md", include_str!("../../assets/runbooks/400.md")),
    ("401.md", include_str!("../../assets/runbooks/401.md")),
    ("403.md", include_str!("../../assets/runbooks/403.md")),
    ("404.md", include_str!("../../assets/runbooks/404.md")),
    ("405.md", include_str!("../../assets/runbooks/405.md")),
    ("409.md", include_str!("../../assets/runbooks/409.md")),
    ("413.md", include_str!("../../assets/runbooks/413.md")),
    ("415.md", include_str!("../../assets/runbooks/415.md")),
    ("422.md", include_str!("../../assets/runbooks/422.md")),
    (
        "429-quota.md",
        include_str!("../../assets/runbooks/429-quota.md"),
    ),
    (
        "429-throttle.md",
        include_str!("../../assets/runbooks/429-throttle.md"),
    ),
    ("499.md", include_str!("../../assets/runbooks/499.md")),
    ("4xx.md", include_str!("../../assets/runbooks/4xx.md")),
    ("500.md", include_str!("../../assets/runbooks/500.md")),
    ("502.md", include_str!("../../assets/runbooks/502.md")),
    ("503.md", include_str!("../../assets/runbooks/503.md")),
    ("504.md", include_str!("../../assets/runbooks/504.md")),
    ("5xx.md", include_str!("../../assets/runbooks/5xx.md")),
    (
        "connect.md",
        include_str!("../../assets/runbooks/connect.md"),
    ),
    ("cors.md", include_str!("../../assets/runbooks/cors.md")),
    ("dns.md", include_str!("../../assets/runbooks/dns.md")),
    (
        "redirect-loop.md",
        include_str!("../../assets/runbooks/redirect-loop.md"),
    ),
    (
        "timeout.md",
        include_str!("../../assets/runbooks/timeout.md"),
    ),
    ("tls.md", include_str!("../../assets/runbooks/tls.md")),
];

/// Team files larger than this are refused: a runbook is read under stress in a small pane.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The runbooks in use and every problem met while loading them.
#[derive(Debug)]
pub struct Loaded {
    pub catalog: Catalog,
    pub diagnostics: Vec<Diagnostic>,
}

/// The shipped runbooks alone.
pub fn shipped() -> Loaded {
    let (runbooks, diagnostics) = parse_shipped();
    let (catalog, _) = Catalog::from_runbooks(runbooks);
    Loaded {
        catalog,
        diagnostics,
    }
}

fn parse_shipped() -> (Vec<Runbook>, Vec<Diagnostic>) {
    let mut runbooks = Vec::new();
    let mut diagnostics = Vec::new();
    for (file, text) in SHIPPED {
        let parsed = parse_runbook(text, Origin::Shipped { file });
        runbooks.extend(parsed.runbook);
        diagnostics.extend(parsed.diagnostics);
    }
    (runbooks, diagnostics)
}

/// The shipped runbooks, then the team's: a team file with a shipped id replaces it, a bad team
/// file is reported and skipped (the shipped runbook of that id stays).
pub fn load(runbooks_dir: Option<&Path>) -> Loaded {
    let (mut runbooks, mut diagnostics) = parse_shipped();
    if let Some(dir) = runbooks_dir {
        let (team, team_diagnostics) = read_dir(dir);
        diagnostics.extend(team_diagnostics);
        for rb in &team {
            if let Some(old) = runbooks.iter().find(|r| r.id == rb.id) {
                diagnostics.push(note(
                    rb,
                    format!(
                        "replaces the shipped runbook {:?} ({})",
                        rb.id,
                        old.origin.display()
                    ),
                ));
            }
        }
        runbooks.extend(team);
    }
    let (catalog, _) = Catalog::from_runbooks(runbooks);
    Loaded {
        catalog,
        diagnostics,
    }
}

/// Validates a `runbooks_dir` for `config check`: every problem with file and line, plus notes
/// on which shipped runbooks it replaces. Any `Severity::Error` means a file will be skipped.
pub fn check_runbooks_dir(dir: &Path) -> Vec<Diagnostic> {
    load(Some(dir)).diagnostics
}

fn note(rb: &Runbook, message: String) -> Diagnostic {
    let file = match &rb.origin {
        Origin::Team { path } => path.clone(),
        Origin::Shipped { file } => PathBuf::from(file),
    };
    Diagnostic {
        severity: Severity::Note,
        file,
        line: rb.id_line,
        column: 0,
        message,
    }
}

fn whole_file(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        message,
    }
}

/// The `*.md` files directly in `dir`, in name order, parsed. Two team files with one id: the
/// first (by name) wins and the second is an error.
pub fn read_dir(dir: &Path) -> (Vec<Runbook>, Vec<Diagnostic>) {
    let mut runbooks: Vec<Runbook> = Vec::new();
    let mut diagnostics = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(whole_file(dir, format!("cannot read runbooks_dir: {e}")));
            return (runbooks, diagnostics);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md")) && p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                let msg = format!(
                    "{} bytes is over the {MAX_FILE_BYTES}-byte limit for a runbook",
                    m.len()
                );
                diagnostics.push(whole_file(&path, msg));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                diagnostics.push(whole_file(&path, format!("cannot read: {e}")));
                continue;
            }
        }
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let msg = format!(
                        "not UTF-8 (first bad byte at offset {})",
                        e.utf8_error().valid_up_to()
                    );
                    diagnostics.push(whole_file(&path, msg));
                    continue;
                }
            },
            Err(e) => {
                diagnostics.push(whole_file(&path, format!("cannot read: {e}")));
                continue;
            }
        };
        let parsed = parse_runbook(&text, Origin::Team { path: path.clone() });
        diagnostics.extend(parsed.diagnostics);
        let Some(rb) = parsed.runbook else { continue };
        if let Some(first) = runbooks.iter().find(|r| r.id == rb.id) {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: path.clone(),
                line: rb.id_line,
                column: 0,
                message: format!(
                    "id {:?} is already used by {}; this file is skipped",
                    rb.id,
                    first.origin.display()
                ),
            });
            continue;
        }
        runbooks.push(rb);
    }
    (runbooks, diagnostics)
}
