//! PURE: the probe dialog's result pane: status, reason, phase timings, the headers that matter,
//! a body preview and the runbook for what came back, fitted to the rows the pane has.

use crate::model::check::{duration_ms, CheckResult, CheckState, PhaseTimings};
use crate::model::time::Timestamp;
use crate::redact;
use crate::sanitize::sanitize;
use crate::store::probe_state::{Outcome, SentProbe};
use crate::store::Store;

use super::super::format::{duration, fit};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The first line of an answer, coloured by its state.
    Headline(CheckState),
    Pending,
    Error,
    Reason,
    Phases,
    Compare,
    Fact,
    Header,
    Body,
    RunbookTitle,
    Runbook,
    Muted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResultLine {
    pub kind: LineKind,
    /// Shown in the label column (muted): `Some("")` continues the section above, `None`
    /// spans the label column too.
    pub label: Option<&'static str>,
    pub text: String,
}

fn line(kind: LineKind, label: &'static str, text: impl Into<String>) -> ResultLine {
    ResultLine {
        kind,
        label: Some(label),
        text: text.into(),
    }
}

fn wide(kind: LineKind, text: impl Into<String>) -> ResultLine {
    ResultLine {
        kind,
        label: None,
        text: text.into(),
    }
}

/// The runbook gets at least this many rows when there is one: its title and summary.
const RUNBOOK_ROWS_MIN: usize = 3;
const BODY_ROWS_MAX: usize = 3;

/// Columns the labels take (`phases` and a space), as in the form above.
const LABEL: usize = super::LABEL_COLS as usize - 1;

/// The pane's lines for the probe the dialog shows, at most `rows`, each fitting `width`.
pub fn lines(store: &Store, now: Timestamp, rows: usize, width: usize) -> Vec<ResultLine> {
    let text_w = width.saturating_sub(LABEL);
    let mut out = match store.probe.shown() {
        None => vec![wide(
            LineKind::Muted,
            "enter sends the request; its status, timings, headers and runbook show here",
        )],
        Some(p) => match &p.outcome {
            Outcome::Pending => vec![
                line(
                    LineKind::Pending,
                    "sending",
                    format!(
                        "#{} {} · waiting {}",
                        p.id,
                        what(p),
                        duration(now.since(p.sent_at))
                    ),
                ),
                wide(
                    LineKind::Muted,
                    "the dashboard keeps updating; esc closes this and the answer is kept",
                ),
            ],
            Outcome::Rejected(e) => vec![
                line(LineKind::Error, "not sent", sanitize(e).into_owned()),
                wide(LineKind::Muted, format!("#{} {}", p.id, what(p))),
            ],
            Outcome::Answered { runbook } => match store.checks.probes().find(|r| r.id == p.id) {
                Some(rec) => answer(store, p, &rec.result, runbook.as_deref(), rows, text_w),
                None => vec![wide(
                    LineKind::Muted,
                    format!("#{}: this answer is no longer kept", p.id),
                )],
            },
        },
    };
    out.truncate(rows);
    for l in &mut out {
        let w = if l.label.is_none() { width } else { text_w };
        l.text = fit(&l.text, w);
    }
    out
}

fn what(p: &SentProbe) -> String {
    let method = sanitize(p.form.method.text().trim()).to_ascii_uppercase();
    let method = if method.is_empty() {
        "GET".into()
    } else {
        method
    };
    let url = redact::url(&sanitize(p.form.url.text())).into_owned();
    if p.form.cors {
        format!("preflight {method} {url}")
    } else {
        format!("{method} {url}")
    }
}

/// `dns — · connect 0.3 · tls — · ttfb 12.1 · total 12.9 ms`: every phase named, so a missing
/// one reads as "did not happen", not as forgotten.
pub fn phases_line(p: &PhaseTimings) -> String {
    let ms = p.ms();
    let v = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| format!("{x:.1}"));
    format!(
        "dns {} · connect {} · tls {} · ttfb {} · total {:.1} ms",
        v(ms.dns),
        v(ms.connect),
        v(ms.tls),
        v(ms.ttfb),
        ms.total
    )
}

/// Request ids first, then rate limiting, CORS, who answered; the rest after.
fn header_rank(name: &str) -> u8 {
    const IDS: &[&str] = &[
        "x-request-id",
        "x-amzn-requestid",
        "x-amz-request-id",
        "x-kong-request-id",
        "x-correlation-id",
        "request-id",
    ];
    match name {
        n if IDS.contains(&n) => 0,
        "retry-after" => 1,
        n if n.starts_with("ratelimit") || n.starts_with("x-ratelimit") => 2,
        n if n.starts_with("x-rate-limit") => 2,
        n if n.starts_with("access-control-") => 3,
        "server" | "via" => 4,
        _ => 5,
    }
}

fn answer(
    store: &Store,
    p: &SentProbe,
    r: &CheckResult,
    runbook: Option<&str>,
    rows: usize,
    text_w: usize,
) -> Vec<ResultLine> {
    let resp = r.response.as_ref();
    let status = match resp {
        Some(x) => format!("{} {}", x.status, sanitize(&x.version)),
        None => "no response".to_string(),
    };
    let mut head = vec![line(
        LineKind::Headline(r.state),
        "status",
        format!(
            "{status}  {} {}  #{} {} {}",
            r.state.symbol(),
            r.state.label(),
            p.id,
            sanitize(&r.method),
            redact::url(&sanitize(&r.url))
        ),
    )];
    if let Some(reason) = &r.reason {
        head.push(line(
            LineKind::Reason,
            "reason",
            format!("{} ({})", sanitize(&reason.to_string()), reason.code()),
        ));
    }
    head.push(line(LineKind::Phases, "phases", phases_line(&r.phases)));
    if let Some(c) = compare(store, p, r) {
        head.push(line(LineKind::Compare, "compare", c));
    }

    let mut facts = Vec::new();
    if let Some(rl) = resp.and_then(|x| x.rate_limit.as_ref()) {
        facts.push(line(
            LineKind::Fact,
            "limit",
            sanitize(&rl.describe()).into_owned(),
        ));
    }
    if let Some(cors) = &r.cors {
        let verdict = if cors.allowed() {
            "a browser would allow it"
        } else {
            "a browser would block it"
        };
        let why: Vec<String> = cors
            .failures
            .iter()
            .chain(&cors.warnings)
            .map(|f| format!("{}: {}", f.rule.code(), sanitize(&f.detail)))
            .collect();
        let text = if why.is_empty() {
            verdict.to_string()
        } else {
            format!("{verdict} · {}", why.join(" · "))
        };
        facts.push(line(LineKind::Fact, "cors", text));
    }
    if r.redirects > 0 {
        facts.push(line(
            LineKind::Fact,
            "redirect",
            format!("{} followed", r.redirects),
        ));
    }
    if let Some(days) = resp.and_then(|x| x.cert_days_left(r.at)) {
        facts.push(line(
            LineKind::Fact,
            "cert",
            format!("expires in {days} days"),
        ));
    }

    let mut headers: Vec<&(String, String)> =
        resp.map(|x| x.headers.iter().collect()).unwrap_or_default();
    headers.sort_by_key(|(k, _)| header_rank(k));
    let header_lines: Vec<ResultLine> = headers
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            line(
                LineKind::Header,
                if i == 0 { "headers" } else { "" },
                format!("{}: {}", sanitize(k), sanitize(v)),
            )
        })
        .collect();
    // The preview is one line of text (the sanitiser took the line breaks): cut it in rows.
    let body_lines: Vec<ResultLine> = resp
        .map(|x| sanitize(&x.body_preview).chars().collect::<Vec<char>>())
        .unwrap_or_default()
        .chunks(text_w.max(1))
        .take(BODY_ROWS_MAX)
        .enumerate()
        .map(|(i, c)| {
            line(
                LineKind::Body,
                if i == 0 { "body" } else { "" },
                c.iter().collect::<String>(),
            )
        })
        .collect();

    let runbook_lines = runbook
        .map(|rb| wrap_runbook(rb, text_w + LABEL))
        .unwrap_or_default();

    // Fit: the headline, reason and phases always; then a few runbook lines; then the facts,
    // the headers (the rest counted), a line of body; then the rest of the runbook and body.
    let mut left = rows.saturating_sub(head.len());
    let rb_min = runbook_lines.len().min(RUNBOOK_ROWS_MIN).min(left);
    left -= rb_min;
    let facts: Vec<_> = facts.into_iter().take(left).collect();
    left -= facts.len();
    let body_min = body_lines.len().min(1).min(left);
    left -= body_min;
    let mut shown_headers: Vec<ResultLine> = header_lines.iter().take(left).cloned().collect();
    if shown_headers.len() < header_lines.len() {
        let hidden = header_lines.len() - shown_headers.len() + 1;
        if let Some(last) = shown_headers.last_mut() {
            last.text = format!("+{hidden} more headers");
            last.kind = LineKind::Muted;
        }
    }
    left -= shown_headers.len();
    let rb_rows = rb_min + left.min(runbook_lines.len() - rb_min);
    left -= rb_rows - rb_min;
    let body_rows = body_min + left.min(body_lines.len() - body_min);

    let mut out = head;
    out.extend(facts);
    out.extend(shown_headers);
    out.extend(body_lines.into_iter().take(body_rows));
    out.extend(runbook_lines.into_iter().take(rb_rows));
    out
}

/// The newest answer against the one shown, when an older one is shown.
fn compare(store: &Store, p: &SentProbe, r: &CheckResult) -> Option<String> {
    let newest = store.probe.sent().next_back()?;
    if newest.id == p.id {
        return None;
    }
    let n = &store.checks.probes().find(|x| x.id == newest.id)?.result;
    let status = |x: &CheckResult| {
        x.status()
            .map(|s| s.to_string())
            .or_else(|| x.reason.as_ref().map(|r| r.code().to_string()))
            .unwrap_or_else(|| "—".into())
    };
    Some(format!(
        "newest #{}: {} → {} · total {:.1} → {:.1} ms",
        newest.id,
        status(r),
        status(n),
        duration_ms(r.phases.total),
        duration_ms(n.phases.total)
    ))
}

/// The runbook summary's lines, word-wrapped to `width`, continuation lines indented.
pub(crate) fn wrap_runbook(text: &str, width: usize) -> Vec<ResultLine> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let clean = sanitize(raw);
        let indent = clean.len() - clean.trim_start().len();
        let kind = if i == 0 {
            LineKind::RunbookTitle
        } else {
            LineKind::Runbook
        };
        let mut current = " ".repeat(indent);
        for word in clean.split_whitespace() {
            let len = current.chars().count();
            if len > indent && len + 1 + word.chars().count() > width {
                out.push(wide(kind, std::mem::take(&mut current)));
                current = " ".repeat(indent + 2);
            }
            if current.chars().count() > indent && !current.ends_with(' ') {
                current.push(' ');
            }
            current.push_str(word);
        }
        if !current.trim().is_empty() {
            out.push(wide(kind, current));
        }
    }
    out
}
