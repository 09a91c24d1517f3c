//! PURE: the probe dialog as the screen shows it: where it sits, the form's rows (cut to width,
//! secrets redacted outside the field being edited), the result pane, the probe history and the
//! dialog's key hints.

pub mod result;

use crate::model::check::CheckState;
use crate::model::time::Timestamp;
use crate::redact;
use crate::sanitize::sanitize;
use crate::store::checks::ProbeRecord;
use crate::store::probe_state::{Field, Outcome, ProbeDialog, ProbeForm, SentProbe};
use crate::store::{Action, Store};

use super::format::fit;
use super::KeyHint;

pub use result::{LineKind, ResultLine};

/// Width of the label column: `headers` and a space.
pub const LABEL_COLS: u16 = 9;
/// Width of the history column on wide screens (its left rule included).
pub const HISTORY_COLS: u16 = 38;
const WIDE_FROM: u16 = 120;

/// The dialog's outer rectangle and its parts' sizes, all in cells.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ProbeLayout {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
    /// Inside the border, left of the history column.
    pub main_width: u16,
    /// 0 when the history is a strip under the result instead.
    pub history_width: u16,
    pub headers_rows: u16,
    pub body_rows: u16,
}

impl ProbeLayout {
    /// Over the body of the dashboard: the header (the incident) and the footer (the dialog's
    /// keys) stay visible.
    pub fn for_size(width: u16, height: u16) -> Self {
        let (y, bottom) = if height >= 12 { (2, 1) } else { (0, 0) };
        let h = height.saturating_sub(y + bottom);
        let inner_w = width.saturating_sub(2);
        let inner_h = h.saturating_sub(2);
        let history_width = if width >= WIDE_FROM { HISTORY_COLS } else { 0 };
        let (headers_rows, body_rows) = match inner_h {
            36.. => (5, 4),
            16.. => (2, 1),
            _ => (1, 1),
        };
        ProbeLayout {
            x: 0,
            y,
            width,
            height: h,
            main_width: inner_w.saturating_sub(history_width),
            history_width,
            headers_rows,
            body_rows,
        }
    }

    fn value_width(&self) -> usize {
        self.main_width.saturating_sub(LABEL_COLS + 1) as usize
    }

    fn form_rows(&self) -> u16 {
        3 + self.headers_rows + self.body_rows
    }
}

/// One field of the form, ready to paint.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldView {
    pub field: Field,
    pub focused: bool,
    pub editing: bool,
    /// Exactly the rows this field has on screen.
    pub lines: Vec<String>,
    /// The lines are a hint of what to type, not a value.
    pub placeholder: bool,
    /// Row within `lines` and column within the value, while editing.
    pub cursor: Option<(usize, u16)>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HistoryMark {
    Pending,
    Rejected,
    Answered(CheckState),
    /// The answer fell out of the bounded history.
    Gone,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub id: u64,
    pub mark: HistoryMark,
    pub text: String,
    /// `#5 404`: for the one-line strip of narrow screens.
    pub short: String,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProbeDialogView {
    pub layout: ProbeLayout,
    pub title: String,
    pub fields: Vec<FieldView>,
    /// Why Enter did not send.
    pub error: Option<String>,
    pub result: Vec<ResultLine>,
    /// Newest first; cut to what the column (or the strip) can show.
    pub history: Vec<HistoryRow>,
    /// `2/5`: which probe is shown, of how many kept.
    pub history_position: Option<String>,
    /// For the footer while the dialog is open.
    pub hints: Vec<KeyHint>,
}

pub fn build(
    store: &Store,
    now: Timestamp,
    width: u16,
    height: u16,
    keys: &[KeyHint],
) -> Option<ProbeDialogView> {
    let probe = &store.probe;
    let d = probe.dialog()?;
    let layout = ProbeLayout::for_size(width, height);
    let fields = Field::ALL
        .iter()
        .map(|&f| field_view(d, f, &layout))
        .collect();
    let error = d.error.as_ref().map(|e| sanitize(e).into_owned());
    let inner_h = layout.height.saturating_sub(2);
    let strip = u16::from(layout.history_width == 0);
    let result_rows = inner_h
        .saturating_sub(layout.form_rows() + u16::from(error.is_some()) + 1 + strip)
        as usize;
    let result = result::lines(
        store,
        now,
        result_rows,
        layout.main_width.saturating_sub(1) as usize,
    );
    let (history, history_position) = history(store, &layout, inner_h);
    Some(ProbeDialogView {
        layout,
        title: match &d.route {
            Some(r) => format!(" probe · {} ", sanitize(&r.to_string())),
            None => " probe ".to_string(),
        },
        fields,
        error,
        result,
        history,
        history_position,
        hints: hints(d, keys),
    })
}

/// The dialog's keys from the keymap, in the action table's order: while editing, only the keys
/// that do something there (esc then means "done").
fn hints(d: &ProbeDialog, keys: &[KeyHint]) -> Vec<KeyHint> {
    let multiline = d.form.field(d.focus).is_multiline();
    keys.iter()
        .filter(|k| k.action.in_probe_dialog())
        .filter(|k| {
            !d.editing
                || match k.action {
                    Action::Dismiss | Action::ProbeNextField | Action::ProbePrevField => true,
                    Action::ProbeSend => !multiline,
                    _ => false,
                }
        })
        .map(|k| {
            let mut k = k.clone();
            if d.editing && k.action == Action::Dismiss {
                k.hint = "done";
            }
            k
        })
        .collect()
}

fn placeholder(f: Field) -> &'static str {
    match f {
        Field::Method => "GET",
        Field::Url => "a URL, or a /path joined to the base URL",
        Field::Headers => "Name: value, one per line (env:NAME / file:PATH read when sent)",
        Field::Body => "none",
        Field::Cors => "Origin, e.g. https://app.example.com",
    }
}

/// A header line as shown outside its field: secret values redacted, `env:`/`file:` references
/// shown as typed (they name the secret, they are not it).
fn shown_header_line(line: &str) -> String {
    match line.split_once(':') {
        Some((name, value)) => {
            let v = value.trim();
            if v.starts_with("env:")
                || v.starts_with("file:")
                || !redact::is_secret_header(name.trim())
            {
                line.to_string()
            } else {
                format!("{}: {}", name.trim(), redact::redact_value(v))
            }
        }
        None => line.to_string(),
    }
}

/// The text of `field` as shown when it is not being edited.
fn shown_text(form: &ProbeForm, f: Field) -> Vec<String> {
    let text = sanitize(form.field(f).text()).into_owned();
    let field = form.field(f);
    match f {
        Field::Url => vec![redact::url(&text).into_owned()],
        Field::Headers => field
            .lines()
            .map(|l| shown_header_line(&sanitize(l)))
            .collect(),
        Field::Body => field.lines().map(|l| sanitize(l).into_owned()).collect(),
        _ => vec![text],
    }
}

fn field_view(d: &ProbeDialog, f: Field, layout: &ProbeLayout) -> FieldView {
    let rows = match f {
        Field::Headers => layout.headers_rows,
        Field::Body => layout.body_rows,
        _ => 1,
    } as usize;
    let focused = d.focus == f;
    let editing = focused && d.editing;
    let prefix = match (f, d.form.cors) {
        (Field::Cors, true) => "[x] preflight from ",
        (Field::Cors, false) => "[ ] preflight from ",
        _ => "",
    };
    let width = layout.value_width().saturating_sub(prefix.chars().count());
    let field = d.form.field(f);
    let (mut lines, placeholder, cursor) = if editing {
        let (line, col) = field.line_col();
        let first = line.saturating_sub(rows - 1);
        let raw: Vec<&str> = field.lines().collect();
        let start = col.saturating_sub(width.saturating_sub(1));
        let lines = raw
            .iter()
            .skip(first)
            .take(rows)
            .map(|l| l.chars().skip(start).take(width).collect::<String>())
            .collect();
        let cursor = (line - first, (col - start + prefix.chars().count()) as u16);
        (lines, false, Some(cursor))
    } else if field.is_empty() {
        (vec![fit(placeholder(f), width)], true, None)
    } else {
        let all = shown_text(&d.form, f);
        let mut lines: Vec<String> = all.iter().take(rows).map(|l| fit(l, width)).collect();
        if all.len() > rows {
            let more = all.len() - rows + 1;
            if let Some(last) = lines.last_mut() {
                *last = format!("+{more} more lines");
            }
        }
        (lines, false, None)
    };
    if !prefix.is_empty() {
        for l in lines.iter_mut().take(1) {
            *l = fit(&format!("{prefix}{l}"), layout.value_width());
        }
    }
    let cursor = cursor.map(|(row, col)| (row, col.min(layout.value_width() as u16)));
    lines.resize(rows, String::new());
    FieldView {
        field: f,
        focused,
        editing,
        lines,
        placeholder,
        cursor,
    }
}

fn history_text(p: &SentProbe, store_probe: Option<&ProbeRecord>) -> (HistoryMark, String, String) {
    let method = sanitize(p.form.method.text().trim()).to_ascii_uppercase();
    let method = if method.is_empty() {
        "GET".into()
    } else {
        method
    };
    let url = redact::url(&sanitize(p.form.url.text())).into_owned();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or(url);
    let cors = if p.form.cors { " cors" } else { "" };
    match (&p.outcome, store_probe) {
        (Outcome::Pending, _) => (
            HistoryMark::Pending,
            format!("#{} … {method}{cors} {path}", p.id),
            format!("#{} sending", p.id),
        ),
        (Outcome::Rejected(_), _) => (
            HistoryMark::Rejected,
            format!("#{} not sent {method} {path}", p.id),
            format!("#{} not sent", p.id),
        ),
        (Outcome::Answered { .. }, Some(rec)) => {
            let r = &rec.result;
            let what = match (r.status(), &r.reason) {
                (Some(s), _) => s.to_string(),
                (None, Some(reason)) => reason.code().to_string(),
                (None, None) => "—".into(),
            };
            let ms = super::format::millis(Some(crate::model::check::duration_ms(r.phases.total)));
            (
                HistoryMark::Answered(r.state),
                format!("#{} {what} {ms} {method}{cors} {path}", p.id),
                format!("#{} {what}", p.id),
            )
        }
        (Outcome::Answered { .. }, None) => (
            HistoryMark::Gone,
            format!("#{} {method} {path}", p.id),
            format!("#{}", p.id),
        ),
    }
}

fn history(store: &Store, layout: &ProbeLayout, inner_h: u16) -> (Vec<HistoryRow>, Option<String>) {
    let probe = &store.probe;
    let total = probe.sent().len();
    if total == 0 {
        return (Vec::new(), None);
    }
    let shown = probe.dialog().map_or(0, |d| d.history_pos);
    let (rows, width) = if layout.history_width > 0 {
        // The column: a title row, then one probe per row.
        (
            inner_h.saturating_sub(1) as usize,
            layout.history_width.saturating_sub(2) as usize,
        )
    } else {
        (total, 0)
    };
    // Keep the shown probe on screen: start the list late enough.
    let first = shown.saturating_sub(rows.saturating_sub(1));
    let list = probe
        .sent()
        .rev()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, p)| {
            let rec = store.checks.probes().find(|r| r.id == p.id);
            let (mark, text, short) = history_text(p, rec);
            HistoryRow {
                id: p.id,
                mark,
                text: if width > 0 { fit(&text, width) } else { text },
                short,
                selected: i == shown,
            }
        })
        .collect();
    (list, Some(format!("{}/{total}", shown + 1)))
}

#[cfg(test)]
pub(crate) mod tests;
