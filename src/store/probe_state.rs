//! PURE: the probe dialog's state: the request being written (method, URL, headers, body, CORS
//! preflight), which field has focus and whether it is being edited, and the probes sent from
//! it, to re-send or compare. Answers live in [`super::checks::ChecksState::probes`]; this keeps
//! what was asked and how each ask ended.
//!
//! Typed secrets (an `Authorization` header) stay in memory so a probe can be re-sent, but no
//! `Debug` output here prints them, and the view shows them redacted.

pub mod form;
pub mod text_field;

use std::collections::VecDeque;

use crate::model::route::RouteKey;
use crate::model::time::Timestamp;
use crate::sanitize::sanitize;

use super::action::Action;
use super::checks::DEFAULT_PROBE_HISTORY;
use super::event::Effect;

pub use form::{prefill_url, ProbeForm};
pub use text_field::TextField;

/// The dialog's fields, in focus order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Method,
    Url,
    Headers,
    Body,
    /// The CORS-preflight toggle and its Origin.
    Cors,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Method,
        Field::Url,
        Field::Headers,
        Field::Body,
        Field::Cors,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Method => "method",
            Field::Url => "url",
            Field::Headers => "headers",
            Field::Body => "body",
            Field::Cors => "cors",
        }
    }

    fn step(self, forward: bool) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let n = Field::ALL.len();
        Field::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// Keys the dialog handles itself while a field is being edited (the editing keys of any text
/// input); everything else goes through the keymap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogKey {
    Char(char),
    /// Bracketed paste.
    Paste(String),
    Backspace,
    Delete,
    Left,
    Right,
    /// Line up / down in a multi-line field.
    Up,
    Down,
    Home,
    End,
    /// Enter in a multi-line field.
    Newline,
    /// ctrl-u: delete to the start of the line.
    ClearToStart,
}

/// The open dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeDialog {
    /// The dashboard route it was opened on.
    pub route: Option<RouteKey>,
    pub form: ProbeForm,
    pub focus: Field,
    pub editing: bool,
    /// Why the last Enter did not send.
    pub error: Option<String>,
    /// Which sent probe the result pane shows, counted from the newest (0).
    pub history_pos: usize,
}

impl ProbeDialog {
    /// Whether the dialog consumes this key as text editing (else the keymap decides).
    pub fn takes(&self, key: &DialogKey) -> bool {
        if !self.editing {
            return false;
        }
        match key {
            DialogKey::Up | DialogKey::Down | DialogKey::Newline => {
                self.form.field(self.focus).is_multiline()
            }
            _ => true,
        }
    }

    fn key(&mut self, key: DialogKey) {
        if !self.takes(&key) {
            return;
        }
        self.error = None;
        if self.focus == Field::Cors && key == DialogKey::Char(' ') {
            // An Origin never holds a space: on this field space is the toggle.
            self.form.cors = !self.form.cors;
            return;
        }
        let f = self.form.field_mut(self.focus);
        match key {
            DialogKey::Char(c) => f.insert_char(c),
            DialogKey::Paste(s) => f.insert(&s),
            DialogKey::Backspace => f.backspace(),
            DialogKey::Delete => f.delete(),
            DialogKey::Left => f.left(),
            DialogKey::Right => f.right(),
            DialogKey::Up => f.up(),
            DialogKey::Down => f.down(),
            DialogKey::Home => f.home(),
            DialogKey::End => f.end(),
            DialogKey::Newline => f.newline(),
            DialogKey::ClearToStart => f.clear_to_start(),
        }
        if self.focus == Field::Cors && !self.form.origin.is_empty() {
            self.form.cors = true;
        }
    }
}

/// How a sent probe ended (so far).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Pending,
    /// It could not be sent: bad URL, unset `env:` variable, no base URL for a path.
    Rejected(String),
    /// The answer is in the checks state's probe history; the runbook summary for it.
    Answered {
        runbook: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SentProbe {
    pub id: u64,
    pub form: ProbeForm,
    pub sent_at: Timestamp,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProbeState {
    /// Where paths are sent: `[probe] base_url`, or the demo's own.
    pub base_url: Option<String>,
    dialog: Option<ProbeDialog>,
    /// Oldest first, bounded like the checks state's probe history.
    sent: VecDeque<SentProbe>,
    history_len: usize,
    next_id: u64,
    /// Headers and Origin carry over from one dialog to the next (a token typed once).
    carried: Option<(TextField, TextField)>,
}

impl Default for ProbeState {
    fn default() -> Self {
        ProbeState::new(DEFAULT_PROBE_HISTORY)
    }
}

impl ProbeState {
    pub fn new(history_len: usize) -> Self {
        ProbeState {
            base_url: None,
            dialog: None,
            sent: VecDeque::new(),
            history_len: history_len.max(1),
            next_id: 1,
            carried: None,
        }
    }

    pub fn dialog(&self) -> Option<&ProbeDialog> {
        self.dialog.as_ref()
    }

    pub fn is_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// Newest last.
    pub fn sent(&self) -> impl DoubleEndedIterator<Item = &SentProbe> + ExactSizeIterator {
        self.sent.iter()
    }

    /// The probe the result pane shows: the newest, or the one picked in the history.
    pub fn shown(&self) -> Option<&SentProbe> {
        let pos = self.dialog.as_ref().map_or(0, |d| d.history_pos);
        self.sent.iter().rev().nth(pos)
    }

    pub fn pending(&self) -> usize {
        self.sent
            .iter()
            .filter(|s| s.outcome == Outcome::Pending)
            .count()
    }

    /// Opens the dialog on a route, prefilled, editing the URL with the cursor at its end.
    pub fn open(&mut self, route: Option<&RouteKey>) {
        let mut form = ProbeForm::prefilled(self.base_url.as_deref(), route);
        if let Some((headers, origin)) = &self.carried {
            form.headers = headers.clone();
            form.origin = origin.clone();
        }
        self.dialog = Some(ProbeDialog {
            route: route.cloned(),
            form,
            focus: Field::Url,
            editing: true,
            error: None,
            history_pos: 0,
        });
    }

    pub fn close(&mut self) {
        if let Some(d) = self.dialog.take() {
            self.carried = Some((d.form.headers, d.form.origin));
        }
    }

    pub fn key(&mut self, key: DialogKey) {
        if let Some(d) = &mut self.dialog {
            d.key(key);
        }
    }

    /// A dialog action; `None` when the action is not the dialog's (or the dialog is closed).
    pub fn act(&mut self, action: Action, now: Timestamp) -> Option<Vec<Effect>> {
        let d = self.dialog.as_mut()?;
        match action {
            Action::Dismiss if d.editing => d.editing = false,
            Action::Dismiss => self.close(),
            Action::ProbeEdit => d.editing = true,
            Action::ProbeNextField => d.focus = d.focus.step(true),
            Action::ProbePrevField => d.focus = d.focus.step(false),
            Action::ProbeToggleCors => d.form.cors = !d.form.cors,
            Action::ProbeOlder => {
                d.history_pos = (d.history_pos + 1).min(self.sent.len().saturating_sub(1));
            }
            Action::ProbeNewer => d.history_pos = d.history_pos.saturating_sub(1),
            Action::ProbeSend => {
                let form = d.form.clone();
                return Some(self.send(form, now));
            }
            Action::ProbeResend => {
                let Some(form) = self.shown().map(|s| s.form.clone()) else {
                    return Some(Vec::new());
                };
                if let Some(d) = &mut self.dialog {
                    d.form = form.clone();
                }
                return Some(self.send(form, now));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn send(&mut self, form: ProbeForm, now: Timestamp) -> Vec<Effect> {
        let Some(d) = &mut self.dialog else {
            return Vec::new();
        };
        let request = match form.request() {
            Ok(r) => r,
            Err(e) => {
                d.error = Some(e);
                return Vec::new();
            }
        };
        d.error = None;
        d.editing = false;
        d.history_pos = 0;
        let id = self.next_id;
        self.next_id += 1;
        if self.sent.len() == self.history_len {
            self.sent.pop_front();
        }
        self.sent.push_back(SentProbe {
            id,
            form,
            sent_at: now,
            outcome: Outcome::Pending,
        });
        vec![Effect::StartProbe { id, request }]
    }

    fn settle(&mut self, id: u64, outcome: Outcome) {
        if let Some(s) = self.sent.iter_mut().find(|s| s.id == id) {
            s.outcome = outcome;
        }
    }

    pub fn answered(&mut self, id: u64, runbook: Option<String>) {
        self.settle(id, Outcome::Answered { runbook });
    }

    pub fn rejected(&mut self, id: u64, error: &str) {
        self.settle(id, Outcome::Rejected(sanitize(error).into_owned()));
    }
}

#[cfg(test)]
mod tests;
