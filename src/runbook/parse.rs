//! Runbook files: TOML front matter between `+++` lines, then a Markdown body.
//!
//! Errors carry the file's line and column: TOML errors from the `toml` crate's spans, our own
//! validation from `Spanned` fields, so a team sees `payments.md:4:9` rather than "bad file".

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::{line_col, Diagnostic, Severity};
use super::fill::near_miss_placeholders;
use super::glob::RouteGlob;
use super::model::{is_known_preset, is_known_reason, Origin, RetryGuidance, Runbook};
use crate::model::status::StatusClass;
use crate::sanitize::sanitize;

/// What parsing one file gives: the runbook unless an error stopped it, and every problem.
#[derive(Debug)]
pub struct Parsed {
    pub runbook: Option<Runbook>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    codes: Vec<Spanned<u16>>,
    #[serde(default)]
    classes: Vec<Spanned<String>>,
    #[serde(default)]
    reasons: Vec<Spanned<String>>,
    retry: RetryGuidance,
    retry_note: Option<String>,
    #[serde(default)]
    routes: Vec<Spanned<String>>,
    #[serde(default)]
    presets: Vec<Spanned<String>>,
    #[serde(default)]
    priority: i32,
    runbook_url: Option<Spanned<String>>,
    #[serde(default)]
    gateway_notes: BTreeMap<Spanned<String>, String>,
}

/// Where the front matter's TOML sits in the file.
struct Split<'a> {
    toml: &'a str,
    toml_offset: usize,
    body: &'a str,
    body_offset: usize,
}

struct Reporter<'a> {
    text: &'a str,
    file: PathBuf,
    diagnostics: Vec<Diagnostic>,
}

impl Reporter<'_> {
    fn at(&mut self, severity: Severity, offset: usize, message: String) {
        let (line, column) = line_col(self.text, offset);
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line,
            column,
            message,
        });
    }

    fn span(&mut self, severity: Severity, base: usize, span: Range<usize>, message: String) {
        self.at(severity, base + span.start, message);
    }

    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub fn parse_runbook(text: &str, origin: Origin) -> Parsed {
    let file = match &origin {
        Origin::Shipped { file } => PathBuf::from(format!("assets/runbooks/{file}")),
        Origin::Team { path } => path.clone(),
    };
    let mut report = Reporter {
        text,
        file,
        diagnostics: Vec::new(),
    };
    let split = match split_front_matter(text) {
        Ok(split) => split,
        Err((offset, message)) => {
            report.at(Severity::Error, offset, message);
            return Parsed {
                runbook: None,
                diagnostics: report.diagnostics,
            };
        }
    };
    let front: FrontMatter = match toml::from_str(split.toml) {
        Ok(front) => front,
        Err(e) => {
            let offset = split.toml_offset + e.span().map(|s| s.start).unwrap_or(0);
            report.at(Severity::Error, offset, one_line(e.message()));
            return Parsed {
                runbook: None,
                diagnostics: report.diagnostics,
            };
        }
    };
    let runbook = validate(front, &split, origin, &mut report);
    let runbook = if report.has_errors() { None } else { runbook };
    Parsed {
        runbook,
        diagnostics: report.diagnostics,
    }
}

/// Runbook files are outside text: control characters and escape sequences go, line breaks stay.
fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some((first, _)) = lines.next() else {
        return Err((0, "empty file: expected `+++` front matter".into()));
    };
    match first.trim_end() {
        "+++" => {}
        "---" => {
            return Err((
                start,
                "YAML front matter is not supported: put TOML between `+++` lines".into(),
            ))
        }
        _ => {
            return Err((
                start,
                "expected `+++` on the first line, opening the TOML front matter".into(),
            ))
        }
    }
    let toml_offset = lines.pos;
    while let Some((line, line_start)) = lines.next() {
        if line.trim_end() == "+++" {
            return Ok(Split {
                toml: &text[toml_offset..line_start],
                toml_offset,
                body: &text[lines.pos..],
                body_offset: lines.pos,
            });
        }
    }
    Err((
        start,
        "the front matter opened here is never closed by a `+++` line".into(),
    ))
}

/// Lines with their start offsets; `pos` is the offset after the last line returned.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((line.strip_suffix('\r').unwrap_or(line), start))
    }
}

fn validate(
    front: FrontMatter,
    split: &Split<'_>,
    origin: Origin,
    report: &mut Reporter<'_>,
) -> Option<Runbook> {
    let base = split.toml_offset;
    let id = front.id.get_ref().trim().to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
    {
        report.span(
            Severity::Error,
            base,
            front.id.span(),
            format!("id {id:?} must be non-empty lower-case letters, digits, `-`, `_` or `.`"),
        );
    }
    if front.title.trim().is_empty() {
        report.at(Severity::Error, base, "title must not be empty".into());
    }
    let mut codes = Vec::new();
    for code in &front.codes {
        let c = *code.get_ref();
        if (100..=599).contains(&c) {
            codes.push(c);
        } else {
            let msg = format!("status code {c} is outside 100..=599");
            report.span(Severity::Error, base, code.span(), msg);
        }
    }
    let mut classes = Vec::new();
    for class in &front.classes {
        match StatusClass::parse(class.get_ref()) {
            Some(c) if c != StatusClass::Other => classes.push(c),
            _ => {
                let msg = format!(
                    "{:?} is not a status class (use `4xx` or `5xx`)",
                    class.get_ref()
                );
                report.span(Severity::Error, base, class.span(), msg);
            }
        }
    }
    let mut reasons = Vec::new();
    for reason in &front.reasons {
        let r = reason.get_ref().trim().to_ascii_lowercase();
        if r.is_empty() {
            report.span(
                Severity::Error,
                base,
                reason.span(),
                "empty failure reason".into(),
            );
            continue;
        }
        if !is_known_reason(&r) {
            let msg = format!("failure reason {r:?} is not one gatewatch reports; it matches only if a source reports it");
            report.span(Severity::Warning, base, reason.span(), msg);
        }
        reasons.push(r);
    }
    if codes.is_empty() && classes.is_empty() && reasons.is_empty() {
        report.span(
            Severity::Warning,
            base,
            front.id.span(),
            "no codes, classes or reasons: reachable only by its id".into(),
        );
    }
    let mut routes = Vec::new();
    for route in &front.routes {
        match RouteGlob::new(route.get_ref()) {
            Some(g) => routes.push(g),
            None => report.span(
                Severity::Error,
                base,
                route.span(),
                "empty route glob".into(),
            ),
        }
    }
    let mut presets = Vec::new();
    for preset in &front.presets {
        let p = preset.get_ref().trim().to_ascii_lowercase();
        if !is_known_preset(&p) {
            let msg = format!("unknown gateway preset {p:?}");
            report.span(Severity::Warning, base, preset.span(), msg);
        }
        presets.push(p);
    }
    let mut runbook_url = None;
    if let Some(url) = &front.runbook_url {
        let u = url.get_ref().trim();
        if u.starts_with("https://") || u.starts_with("http://") {
            runbook_url = Some(u.to_string());
        } else {
            let msg = "runbook_url must start with https:// or http://".to_string();
            report.span(Severity::Error, base, url.span(), msg);
        }
    }
    let mut gateway_notes = BTreeMap::new();
    for (key, note) in front.gateway_notes {
        let k = key.get_ref().trim().to_ascii_lowercase();
        if !is_known_preset(&k) {
            let msg = format!("gateway note for unknown preset {k:?}");
            report.span(Severity::Warning, base, key.span(), msg);
        }
        gateway_notes.insert(k, sanitize_lines(note.trim()));
    }
    let body = sanitize_lines(split.body.trim_end());
    for (offset, name, suggestion) in near_miss_placeholders(split.body) {
        let msg = format!("`{{{name}}}` is not a placeholder; did you mean `{{{suggestion}}}`?");
        report.at(Severity::Warning, split.body_offset + offset, msg);
    }
    let (body_line, _) = line_col(report.text, split.body_offset);
    let (id_line, _) = line_col(report.text, base + front.id.span().start);
    Some(Runbook {
        id,
        title: sanitize(front.title.trim()).into_owned(),
        summary: sanitize(front.summary.trim()).into_owned(),
        codes,
        classes,
        reasons,
        retry: front.retry,
        retry_note: front.retry_note.map(|n| sanitize(n.trim()).into_owned()),
        routes,
        presets,
        priority: front.priority,
        runbook_url,
        gateway_notes,
        body,
        body_line,
        id_line,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(text: &str) -> Parsed {
        parse_runbook(
            text,
            Origin::Team {
                path: PathBuf::from("team/x.md"),
            },
        )
    }

    const GOOD: &str = "+++\nid = \"payments-502\"\ntitle = \"Payments 502\"\ncodes = [502]\nretry = \"usually_helps\"\nroutes = [\"/v1/payments/**\"]\n[gateway_notes]\nhaproxy = \"look at `timeout server`\"\n+++\n# Body\n\nCheck {route}.\n";

    #[test]
    fn parses_a_good_file() {
        let parsed = team(GOOD);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let rb = parsed.runbook.expect("loads");
        assert_eq!(rb.id, "payments-502");
        assert_eq!(rb.codes, vec![502]);
        assert_eq!(rb.retry, RetryGuidance::UsuallyHelps);
        assert_eq!(rb.routes[0].as_str(), "/v1/payments/**");
        assert_eq!(rb.gateway_note("haproxy").map(|n| n.0), Some("haproxy"));
        assert_eq!(rb.body_line, 10);
        assert_eq!(rb.id_line, 2);
        assert!(rb.body.starts_with("# Body"));
    }

    /// (file text, severity, line, column, a word the message must contain)
    #[test]
    fn errors_point_at_file_line_and_column() {
        let cases: &[(&str, Severity, usize, usize, &str)] = &[
            ("", Severity::Error, 1, 1, "empty"),
            ("# no front matter\n", Severity::Error, 1, 1, "+++"),
            ("---\nid: x\n---\n", Severity::Error, 1, 1, "YAML"),
            ("+++\nid = \"x\"\n", Severity::Error, 1, 1, "never closed"),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"sometimes\"\n+++\n",
                Severity::Error,
                4,
                9,
                "unknown variant",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\ncodes = [502, 700]\n+++\n",
                Severity::Error,
                5,
                15,
                "700",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\nretyr = 1\n+++\n",
                Severity::Error,
                5,
                1,
                "unknown field",
            ),
            (
                "+++\nid = \"Bad Id\"\ntitle = \"t\"\nretry = \"never\"\ncodes = [1]\n+++\n",
                Severity::Error,
                2,
                6,
                "id",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\nclasses = [\"9xx\"]\n+++\n",
                Severity::Error,
                5,
                12,
                "class",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\ncodes = [502]\nrunbook_url = \"javascript:x\"\n+++\n",
                Severity::Error,
                6,
                15,
                "https",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\nreasons = [\"cosmic_rays\"]\n+++\n",
                Severity::Warning,
                5,
                12,
                "cosmic_rays",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\ncodes = [502]\npresets = [\"zuul\"]\n+++\n",
                Severity::Warning,
                6,
                12,
                "zuul",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\ncodes = [502]\n+++\n\nRun `curl {base-url}`.\n",
                Severity::Warning,
                8,
                11,
                "base_url",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"t\"\nretry = \"never\"\n+++\n",
                Severity::Warning,
                2,
                6,
                "only by its id",
            ),
        ];
        for (text, severity, line, column, word) in cases {
            let parsed = team(text);
            let d = parsed
                .diagnostics
                .iter()
                .find(|d| d.severity == *severity)
                .unwrap_or_else(|| {
                    panic!("no {severity:?} for {text:?}: {:?}", parsed.diagnostics)
                });
            assert_eq!((d.line, d.column), (*line, *column), "{text:?}: {d}");
            assert!(d.message.contains(word), "{text:?}: {d}");
            assert_eq!(d.file, PathBuf::from("team/x.md"));
            assert_eq!(
                parsed.runbook.is_some(),
                *severity != Severity::Error,
                "{text:?}"
            );
        }
    }

    #[test]
    fn escape_sequences_in_a_team_file_are_stripped() {
        let text = GOOD
            .replace("Payments 502", r"Pay\u001b]0;pwned\u0007ments")
            .replace("Check {route}.", "Check \x1b[2J{route}.\nNext line.");
        let rb = team(&text).runbook.expect("loads");
        assert_eq!(rb.title, "Payments");
        assert!(
            rb.body.ends_with("Check {route}.\nNext line."),
            "{:?}",
            rb.body
        );
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        let parsed = team(&text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert!(parsed.runbook.is_some());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = team(&text);
            let _ = team(&format!("+++\n{text}\n+++\n{text}"));
        }
    }
}
