//! The probe dialog's runtime side: where a key goes while the dialog is open (editing keys to
//! the dialog, the rest through the keymap's dialog actions), and sending the probes the store
//! asks for on tasks of their own, so a probe that hangs for its whole timeout never holds up
//! the loop (the loop runs on the runtime's main thread; these run on its workers).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

use crate::commands::probe::runbook_summary_in;
use crate::model::check::ProbeConfig;
use crate::sources::check::probe::Probe;
use crate::store::probe_state::{DialogKey, ProbeState};
use crate::store::{Action, Effect, Event};
use crate::ui::keymap::Keymap;

/// Answers in flight back to the loop; a full queue makes a finished probe wait, not the UI.
pub const PROBE_QUEUE: usize = 64;

#[derive(Debug, PartialEq)]
pub enum Routed {
    Quit,
    Apply(Box<Event>),
    Ignore,
}

/// The editing key a terminal key is, if any.
fn dialog_key(k: &KeyEvent) -> Option<DialogKey> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    Some(match k.code {
        KeyCode::Char('u') if ctrl => DialogKey::ClearToStart,
        KeyCode::Char(c) if !ctrl && !alt => DialogKey::Char(c),
        KeyCode::Backspace => DialogKey::Backspace,
        KeyCode::Delete => DialogKey::Delete,
        KeyCode::Left => DialogKey::Left,
        KeyCode::Right => DialogKey::Right,
        KeyCode::Up => DialogKey::Up,
        KeyCode::Down => DialogKey::Down,
        KeyCode::Home => DialogKey::Home,
        KeyCode::End => DialogKey::End,
        KeyCode::Enter => DialogKey::Newline,
        _ => return None,
    })
}

/// Where a key goes while the dialog is open. A control key that quits (ctrl-c) still quits.
pub fn route_key(keymap: &Keymap, k: &KeyEvent, probe: &ProbeState) -> Routed {
    if k.modifiers.contains(KeyModifiers::CONTROL) && keymap.action_for(k) == Some(Action::Quit) {
        return Routed::Quit;
    }
    if let (Some(d), Some(key)) = (probe.dialog(), dialog_key(k)) {
        if d.takes(&key) {
            return Routed::Apply(Box::new(Event::ProbeKey(key)));
        }
    }
    match keymap.probe_action_for(k) {
        Some(a) => Routed::Apply(Box::new(Event::Action(a))),
        None => Routed::Ignore,
    }
}

/// Pasted text goes into the field being edited.
pub fn paste(text: String, probe: &ProbeState) -> Option<Event> {
    let key = DialogKey::Paste(text);
    probe
        .dialog()
        .is_some_and(|d| d.takes(&key))
        .then_some(Event::ProbeKey(key))
}

/// What a probe task needs: the `[probe]` defaults and the runbooks (shipped and the team's).
pub struct ProbeContext {
    pub config: ProbeConfig,
    pub runbooks: Arc<crate::runbook::load::Loaded>,
}

/// Sends every probe among `effects` on its own task. Building the client (CA files, `file:`
/// secrets) and matching the runbook happen there too, off the loop.
pub fn start(effects: &[Effect], cx: &Arc<ProbeContext>, tx: &mpsc::Sender<Event>) {
    for effect in effects {
        let Effect::StartProbe { id, request } = effect else {
            continue;
        };
        let (id, request, cx, tx) = (*id, request.clone(), cx.clone(), tx.clone());
        tokio::spawn(async move {
            let event = match Probe::build(&request, &cx.config) {
                Ok(probe) => {
                    let result = probe.send().await;
                    let runbook = runbook_summary_in(
                        &cx.runbooks.catalog,
                        result.status(),
                        result.reason.as_ref(),
                    );
                    Event::ProbeResult {
                        id,
                        result,
                        runbook,
                    }
                }
                Err(e) => Event::ProbeRejected {
                    id,
                    error: e.to_string(),
                },
            };
            // The loop has gone (quitting): nobody to tell.
            let _ = tx.send(event).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::route::RouteKey;
    use crate::model::time::Timestamp;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn keys_type_while_editing_and_act_otherwise() {
        let km = Keymap::load(None).expect("shipped keymap");
        let mut p = ProbeState::default();
        p.open(Some(&RouteKey::new(Some("GET"), "/v1/orders")));
        let none = KeyModifiers::NONE;
        // Editing the URL: q and j are text, enter sends, tab moves on, esc stops editing.
        let cases = [
            (
                key(KeyCode::Char('q'), none),
                Routed::Apply(Box::new(Event::ProbeKey(DialogKey::Char('q')))),
            ),
            (
                key(KeyCode::Char('j'), none),
                Routed::Apply(Box::new(Event::ProbeKey(DialogKey::Char('j')))),
            ),
            (
                key(KeyCode::Enter, none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeSend))),
            ),
            (
                key(KeyCode::Tab, none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeNextField))),
            ),
            (
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                Routed::Apply(Box::new(Event::Action(Action::ProbePrevField))),
            ),
            (
                key(KeyCode::Esc, none),
                Routed::Apply(Box::new(Event::Action(Action::Dismiss))),
            ),
            (
                key(KeyCode::Char('u'), KeyModifiers::CONTROL),
                Routed::Apply(Box::new(Event::ProbeKey(DialogKey::ClearToStart))),
            ),
            (key(KeyCode::Char('c'), KeyModifiers::CONTROL), Routed::Quit),
        ];
        for (k, want) in cases {
            assert_eq!(route_key(&km, &k, &p), want, "{k:?}");
        }
        p.act(Action::Dismiss, Timestamp(0));
        // Not editing: the keymap's dialog actions, never the dashboard's.
        let cases = [
            (
                key(KeyCode::Char('j'), none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeNewer))),
            ),
            (
                key(KeyCode::Up, none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeOlder))),
            ),
            (
                key(KeyCode::Char('r'), none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeResend))),
            ),
            (
                key(KeyCode::Char('e'), none),
                Routed::Apply(Box::new(Event::Action(Action::ProbeEdit))),
            ),
            (key(KeyCode::Char('q'), none), Routed::Ignore),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Routed::Ignore),
        ];
        for (k, want) in cases {
            assert_eq!(route_key(&km, &k, &p), want, "{k:?}");
        }
        assert_eq!(paste("x".into(), &p), None);
        p.act(Action::ProbeNextField, Timestamp(0));
        p.act(Action::ProbeEdit, Timestamp(0));
        assert_eq!(
            route_key(&km, &key(KeyCode::Enter, none), &p),
            Routed::Apply(Box::new(Event::ProbeKey(DialogKey::Newline))),
            "enter in the headers field starts a new line"
        );
        assert!(paste("X-A: 1".into(), &p).is_some());
    }
}
