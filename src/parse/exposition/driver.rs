//! The line loop: splits the body into lines, dispatches samples and comments, applies
//! metadata to families, and assembles the [`ParseReport`].

use memchr::memchr;

use super::families::{Placement, Registry};
use super::labels::{unescape_help, Labels};
use super::line::{scan_comment, scan_sample, Comment, RawSample, Scratch};
use super::openmetrics::Checker;
use super::{
    BadLine, ExpositionError, Family, Format, MetricType, ParseOptions, ParseReport, Sample,
    EXCERPT_CHARS, MAX_BAD_LINES_KEPT,
};

/// Parses one exposition body; see the [module documentation](super) for the contract.
pub fn parse<'a>(
    body: &'a [u8],
    opts: &ParseOptions,
    wanted: &dyn Fn(&str) -> bool,
    on_sample: &mut dyn FnMut(&Family<'a>, &Sample<'a>),
) -> Result<ParseReport, ExpositionError> {
    if body.len() > opts.max_bytes {
        return Err(ExpositionError::TooLarge {
            size: body.len(),
            limit: opts.max_bytes,
        });
    }
    let om = opts.openmetrics.unwrap_or_else(|| ends_with_eof(body));
    // Valid UTF-8 as a whole (the usual case) lets every line be sliced without a check.
    let text = std::str::from_utf8(body).ok();
    let mut p = Parser::new(om, wanted);
    let mut start = 0;
    let mut line_no = 0;
    let mut saw_eof = false;
    while start < body.len() {
        let end = memchr(b'\n', &body[start..]).map_or(body.len(), |o| start + o);
        line_no += 1;
        let mut content_end = end;
        if content_end > start && body[content_end - 1] == b'\r' {
            content_end -= 1;
            if om {
                p.violation(line_no, "CRLF line end; OpenMetrics lines end with LF only");
            }
        }
        let next = end + 1;
        let line = match text {
            Some(t) => &t[start..content_end],
            None => match std::str::from_utf8(&body[start..content_end]) {
                Ok(l) => l,
                Err(_) => {
                    let lossy = String::from_utf8_lossy(&body[start..content_end]);
                    p.bad(line_no, "line is not valid UTF-8", &lossy);
                    start = next;
                    continue;
                }
            },
        };
        start = next;
        if p.line(line_no, line, on_sample) == Flow::Eof {
            saw_eof = true;
            if start < body.len() {
                let rest = String::from_utf8_lossy(&body[start..]);
                p.bad(line_no + 1, "text after # EOF", &rest);
            }
            break;
        }
    }
    if om && !saw_eof {
        p.violation(
            line_no.max(1),
            "missing # EOF at the end of an OpenMetrics exposition",
        );
    }
    Ok(p.finish(om))
}

/// Whether the last line (ignoring one final LF or CRLF) is `# EOF`.
fn ends_with_eof(body: &[u8]) -> bool {
    let b = body.strip_suffix(b"\n").unwrap_or(body);
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    b.strip_suffix(b"# EOF")
        .is_some_and(|before| before.is_empty() || before.ends_with(b"\n"))
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Eof,
}

struct Parser<'a, 'w> {
    om: bool,
    wanted: &'w dyn Fn(&str) -> bool,
    families: Registry<'a>,
    scratch: Scratch<'a>,
    checker: Checker,
    series: u64,
    bad_lines: Vec<BadLine>,
    bad_line_count: u64,
    first_violation: Option<(usize, String)>,
}

impl<'a, 'w> Parser<'a, 'w> {
    fn new(om: bool, wanted: &'w dyn Fn(&str) -> bool) -> Self {
        Self {
            om,
            wanted,
            families: Registry::default(),
            scratch: Scratch::default(),
            checker: Checker::default(),
            series: 0,
            bad_lines: Vec::new(),
            bad_line_count: 0,
            first_violation: None,
        }
    }

    fn bad(&mut self, line: usize, reason: &str, text: &str) {
        self.bad_line_count += 1;
        if self.bad_lines.len() < MAX_BAD_LINES_KEPT {
            let cut = text
                .char_indices()
                .nth(EXCERPT_CHARS)
                .map_or(text.len(), |(i, _)| i);
            self.bad_lines.push(BadLine {
                line,
                reason: reason.to_string(),
                excerpt: crate::sanitize::sanitize(&text[..cut]).into_owned(),
            });
        }
    }

    /// Keeps the violation on the earliest line (checks that finish a metric report late).
    fn violation(&mut self, line: usize, reason: &str) {
        if self.first_violation.as_ref().is_none_or(|(l, _)| line < *l) {
            self.first_violation = Some((line, reason.to_string()));
        }
    }

    fn drain_checker(&mut self) {
        for v in std::mem::take(&mut self.checker.violations) {
            self.violation(v.line, &v.reason);
        }
    }

    fn line(
        &mut self,
        no: usize,
        line: &'a str,
        on_sample: &mut dyn FnMut(&Family<'a>, &Sample<'a>),
    ) -> Flow {
        let line = if self.om {
            if line.is_empty() {
                self.bad(no, "blank line", line);
                return Flow::Continue;
            }
            if line.starts_with([' ', '\t']) {
                self.bad(no, "line starts with whitespace", line);
                return Flow::Continue;
            }
            line
        } else {
            let l = line.trim_start_matches([' ', '\t']);
            if l.is_empty() {
                return Flow::Continue;
            }
            l
        };
        if line.as_bytes()[0] == b'#' {
            return self.comment(no, line);
        }
        let hint = self.families.current_name();
        match scan_sample(line, self.om, hint, &mut self.scratch) {
            Ok(s) => self.sample(no, s, on_sample),
            Err(reason) => self.bad(no, reason, line),
        }
        Flow::Continue
    }

    fn sample(
        &mut self,
        no: usize,
        s: RawSample<'a>,
        on_sample: &mut dyn FnMut(&Family<'a>, &Sample<'a>),
    ) {
        let before = self.families.current;
        let (idx, suffix, placement) = self.families.place(s.name, s.hinted, self.wanted);
        if self.om && before != Some(idx) {
            self.end_family(before);
        }
        if placement == Placement::Returned {
            let name = self.families.entries[idx].family.name;
            self.violation(
                no,
                &format!("samples of family {name} are not grouped together"),
            );
        }
        self.families
            .note_labels(idx, &self.scratch.pairs, self.scratch.same_names);
        self.series += 1;
        let entry = &mut self.families.entries[idx];
        entry.samples += 1;
        if self.om {
            self.checker
                .sample(no, &entry.family, suffix, &s, &self.scratch.pairs);
            if !self.checker.violations.is_empty() {
                self.drain_checker();
            }
        }
        let entry = &self.families.entries[idx];
        if entry.wanted {
            let sample = Sample {
                name: s.name,
                labels: Labels::from_validated(s.labels, s.escaped),
                value: s.value,
                timestamp_ms: s.timestamp.map(|t| t.ms),
            };
            on_sample(&entry.family, &sample);
        }
    }

    fn end_family(&mut self, idx: Option<usize>) {
        self.checker
            .end_family(idx.map(|i| &self.families.entries[i].family));
        self.drain_checker();
    }

    fn comment(&mut self, no: usize, line: &'a str) -> Flow {
        match scan_comment(line, self.om) {
            Err(reason) => self.bad(no, reason, line),
            Ok(Comment::Eof) if self.om => return Flow::Eof,
            Ok(Comment::Eof | Comment::Other) => {}
            Ok(Comment::Help { name, text }) => self.metadata(no, line, name, Meta::Help(text)),
            Ok(Comment::Type { name, kind }) => self.metadata(no, line, name, Meta::Type(kind)),
            Ok(Comment::Unit { name, unit }) => self.metadata(no, line, name, Meta::Unit(unit)),
        }
        Flow::Continue
    }

    fn metadata(&mut self, no: usize, line: &'a str, name: &'a str, meta: Meta<'a>) {
        let idx = match self.families.current {
            Some(c) if self.families.entries[c].family.name == name => c,
            _ if self.families.get(name).is_some() => {
                let reason = format!("{} for {name} after its family ended", meta.keyword());
                return self.bad(no, &reason, line);
            }
            before => {
                if self.om {
                    self.end_family(before);
                }
                let idx = self.families.add(name, self.wanted);
                self.check_clash(no, idx);
                idx
            }
        };
        let om = self.om;
        let e = &mut self.families.entries[idx];
        if e.samples > 0 {
            let reason = format!("{} for {name} after its samples", meta.keyword());
            return self.bad(no, &reason, line);
        }
        let (seen, kind) = match meta {
            Meta::Help(_) => (e.has_help, e.family.kind),
            Meta::Type(k) => (e.has_type, k),
            Meta::Unit(_) => (e.has_unit, e.family.kind),
        };
        if seen {
            let reason = format!("duplicate {} for {name}", meta.keyword());
            return self.bad(no, &reason, line);
        }
        let unit = match meta {
            Meta::Unit(u) => Some(u).filter(|u| !u.is_empty()),
            _ => e.family.unit,
        };
        if om && unit.is_some() && matches!(kind, MetricType::Info | MetricType::StateSet) {
            return self.bad(no, "info and stateset families cannot have a unit", line);
        }
        if let (true, Meta::Unit(u)) = (om, &meta) {
            if !u.is_empty() && !name.strip_suffix(u).is_some_and(|b| b.ends_with('_')) {
                return self.bad(no, "family name must end with _ and its unit", line);
            }
        }
        match meta {
            Meta::Help(text) => {
                e.has_help = true;
                e.family.help = Some(unescape_help(text, om));
            }
            Meta::Type(k) => {
                e.has_type = true;
                e.family.kind = k;
                self.check_clash(no, idx);
            }
            Meta::Unit(_) => {
                e.has_unit = true;
                e.family.unit = unit;
            }
        }
    }

    fn check_clash(&mut self, no: usize, idx: usize) {
        if !self.om {
            return;
        }
        if let Some(other) = self.families.clashes(idx) {
            let name = self.families.entries[idx].family.name;
            self.violation(no, &format!("family {name} clashes with family {other}"));
        }
    }

    fn finish(mut self, om: bool) -> ParseReport {
        if om {
            self.end_family(self.families.current);
        }
        let conforming = self.bad_line_count == 0 && self.first_violation.is_none();
        ParseReport {
            format: if om {
                Format::OpenMetrics1
            } else {
                Format::Prometheus004
            },
            series: self.series,
            families: self.families.stats(),
            bad_lines: self.bad_lines,
            bad_line_count: self.bad_line_count,
            conforming,
            nonconforming_reason: self.first_violation.map(|(l, r)| format!("line {l}: {r}")),
        }
    }
}

enum Meta<'a> {
    Help(&'a str),
    Type(MetricType),
    Unit(&'a str),
}

impl Meta<'_> {
    fn keyword(&self) -> &'static str {
        match self {
            Meta::Help(_) => "HELP",
            Meta::Type(_) => "TYPE",
            Meta::Unit(_) => "UNIT",
        }
    }
}
