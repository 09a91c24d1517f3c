//! PURE: one runbook as the reader sees it — title, retry guidance, evidence, the filled body,
//! the gateway note, where it came from — as styled lines (pane, text) or Markdown.

use super::evidence::{EvidenceLine, Tone};
use super::fill::{fill_lines, fill_markdown, fill_text, FillContext, FillMode};
use super::markdown::{parse, Role, StyledLine, StyledSpan};
use super::model::{preset_display, Runbook};

#[derive(Clone, Copy, Debug, Default)]
pub struct ViewOptions<'a> {
    /// The gateway preset of the selection: its note is shown first, under "On <gateway>".
    pub preset: Option<&'a str>,
    /// Show every gateway's note, not only the preset's. Notes for all gateways are also
    /// shown when no preset is known.
    pub all_gateway_notes: bool,
}

/// The symbol that carries an evidence line's tone without colour.
pub fn tone_symbol(tone: Tone) -> &'static str {
    match tone {
        Tone::Info => "·",
        Tone::Ok => "✓",
        Tone::Warn => "!",
        Tone::Crit => "✗",
    }
}

fn tone_role(tone: Tone) -> Role {
    match tone {
        Tone::Info => Role::Info,
        Tone::Ok => Role::Ok,
        Tone::Warn => Role::Warn,
        Tone::Crit => Role::Crit,
    }
}

fn heading(text: &str) -> StyledLine {
    StyledLine::new(0, vec![StyledSpan::new(text, Role::Heading)])
}

/// A gateway's display name and its note.
type Note<'r> = (&'r str, &'r str);

/// The notes to show: the preset's (if any) and, when asked or when no preset is known,
/// every other gateway's.
fn notes<'r>(rb: &'r Runbook, opts: &ViewOptions<'_>) -> (Option<Note<'r>>, Vec<Note<'r>>) {
    let own = opts.preset.and_then(|p| rb.gateway_note(p));
    let others = if opts.preset.is_none() || opts.all_gateway_notes {
        rb.gateway_notes
            .iter()
            .filter(|(k, _)| own.is_none_or(|(ok, _)| ok != k.as_str()))
            .map(|(k, v)| (preset_display(k), v.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    (own.map(|(k, v)| (preset_display(k), v)), others)
}

fn footer(rb: &Runbook) -> Vec<String> {
    let mut out = Vec::new();
    if rb.origin.is_team() {
        out.push(format!("Team runbook: {}", rb.origin.display()));
    }
    if !rb.routes.is_empty() {
        let globs: Vec<&str> = rb.routes.iter().map(|g| g.as_str()).collect();
        out.push(format!("Only for routes: {}", globs.join(", ")));
    }
    if !rb.presets.is_empty() {
        out.push(format!("Only for gateways: {}", rb.presets.join(", ")));
    }
    out
}

pub fn compose(
    rb: &Runbook,
    ctx: &FillContext,
    evidence: &[EvidenceLine],
    opts: &ViewOptions<'_>,
) -> Vec<StyledLine> {
    let mut lines = vec![StyledLine::new(
        0,
        vec![StyledSpan::new(&rb.title, Role::Title)],
    )];
    let mut retry = vec![
        StyledSpan::new("Retry: ", Role::Muted),
        StyledSpan::new(rb.retry.label(), Role::Strong),
    ];
    if let Some(note) = &rb.retry_note {
        retry.push(StyledSpan::new(format!(" — {note}"), Role::Text));
    }
    lines.push(StyledLine {
        hang: 2,
        ..StyledLine::new(0, retry)
    });
    if !rb.summary.is_empty() {
        let summary = fill_text(&rb.summary, ctx, FillMode::Prose);
        lines.push(StyledLine::new(
            0,
            vec![StyledSpan::new(summary, Role::Text)],
        ));
    }
    if !evidence.is_empty() {
        lines.push(StyledLine::blank());
        lines.push(heading("Evidence"));
        for e in evidence {
            let role = tone_role(e.tone);
            let spans = vec![
                StyledSpan::new(format!("{} ", tone_symbol(e.tone)), role),
                StyledSpan::new(
                    &e.text,
                    if e.tone == Tone::Info {
                        Role::Text
                    } else {
                        role
                    },
                ),
            ];
            lines.push(StyledLine {
                hang: 2,
                ..StyledLine::new(0, spans)
            });
        }
    }
    let body = parse(&rb.body);
    if !body.is_empty() {
        lines.push(StyledLine::blank());
        lines.extend(fill_lines(&body, ctx));
    }
    let (own, others) = notes(rb, opts);
    if let Some((name, note)) = own {
        lines.push(StyledLine::blank());
        lines.push(heading(&format!("On {name}")));
        lines.extend(fill_lines(&parse(note), ctx));
    }
    if !others.is_empty() {
        lines.push(StyledLine::blank());
        lines.push(heading(if own.is_some() {
            "Other gateways"
        } else {
            "Gateway notes"
        }));
        let md: String = others
            .iter()
            .map(|(name, note)| format!("- **{name}:** {}\n", note.replace('\n', " ")))
            .collect();
        lines.extend(fill_lines(&parse(&md), ctx));
    }
    let foot = footer(rb);
    if !foot.is_empty() || rb.runbook_url.is_some() {
        lines.push(StyledLine::blank());
    }
    for f in foot {
        lines.push(StyledLine::new(0, vec![StyledSpan::new(f, Role::Muted)]));
    }
    if let Some(url) = &rb.runbook_url {
        lines.push(StyledLine::new(
            0,
            vec![
                StyledSpan::new("More: ", Role::Muted),
                StyledSpan::new(url, Role::Link),
            ],
        ));
    }
    lines
}

/// Lines as plain text, indentation kept, no styling, no wrapping; inline code in backticks.
pub fn to_plain_text(lines: &[StyledLine]) -> String {
    let mut out = String::new();
    for line in lines {
        if !line.is_blank() {
            out.push_str(&" ".repeat(usize::from(line.indent)));
            for span in &line.spans {
                // Without styling, inline code keeps its backticks to stand apart from prose.
                if span.role == Role::Code {
                    out.push('`');
                    out.push_str(&span.text);
                    out.push('`');
                } else {
                    out.push_str(&span.text);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The runbook as a Markdown document, placeholders filled (shell-quoted in code).
pub fn to_markdown(
    rb: &Runbook,
    ctx: &FillContext,
    evidence: &[EvidenceLine],
    opts: &ViewOptions<'_>,
) -> String {
    let mut md = format!("# {}\n\n**Retry:** {}", rb.title, rb.retry.label());
    if let Some(note) = &rb.retry_note {
        md.push_str(&format!(" — {note}"));
    }
    md.push_str("\n\n");
    if !rb.summary.is_empty() {
        md.push_str(&fill_markdown(&rb.summary, ctx));
        md.push_str("\n\n");
    }
    if !evidence.is_empty() {
        md.push_str("## Evidence\n\n");
        for e in evidence {
            md.push_str(&format!("- {} {}\n", tone_symbol(e.tone), e.text));
        }
        md.push('\n');
    }
    if !rb.body.is_empty() {
        md.push_str(&fill_markdown(&rb.body, ctx));
        md.push_str("\n\n");
    }
    let (own, others) = notes(rb, opts);
    if let Some((name, note)) = own {
        md.push_str(&format!("## On {name}\n\n{}\n\n", fill_markdown(note, ctx)));
    }
    if !others.is_empty() {
        md.push_str(if own.is_some() {
            "## Other gateways\n\n"
        } else {
            "## Gateway notes\n\n"
        });
        for (name, note) in others {
            md.push_str(&format!(
                "- **{name}:** {}\n",
                fill_markdown(&note.replace('\n', " "), ctx)
            ));
        }
        md.push('\n');
    }
    for f in footer(rb) {
        md.push_str(&format!("_{f}_\n\n"));
    }
    if let Some(url) = &rb.runbook_url {
        md.push_str(&format!("More: <{url}>\n\n"));
    }
    let trimmed = md.trim_end().len();
    md.truncate(trimmed);
    md.push('\n');
    md
}
