//! Keys to intents. The shipped keymap (assets/keymap.toml) is patched by the user's file; the
//! footer hints and the help overlay are generated from the action table and this map.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::store::action::{Action, ACTIONS};
use crate::view::KeyHint;

pub const SHIPPED: &str = include_str!("../../assets/keymap.toml");

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyName,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyName {
    Char(char),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
];

impl Key {
    pub fn parse(s: &str) -> Result<Key, String> {
        let (mut ctrl, mut alt, mut rest) = (false, false, s);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        if rest == "space" {
            return Ok(Key {
                code: KeyName::Char(' '),
                ctrl,
                alt,
            });
        }
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyName::Char(c),
            _ => KeyName::Named(
                NAMED
                    .iter()
                    .find(|(n, _)| *n == rest)
                    .map(|(n, _)| *n)
                    .ok_or_else(|| format!("unknown key {s:?}"))?,
            ),
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        let code = match e.code {
            KeyCode::Char(c) => KeyName::Char(c),
            other => KeyName::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let base = match &self.code {
            KeyName::Char(' ') => "space".to_string(),
            KeyName::Char(c) => c.to_string(),
            KeyName::Named(n) => match *n {
                "up" => "↑".into(),
                "down" => "↓".into(),
                other => other.to_string(),
            },
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("^{base}"),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Keymap {
    by_action: BTreeMap<&'static str, Vec<Key>>,
}

impl Keymap {
    /// The shipped keymap, patched by `user` (the text of a keymap file) when given.
    pub fn load(user: Option<&str>) -> Result<Keymap, String> {
        let mut map = Keymap {
            by_action: BTreeMap::new(),
        };
        map.patch(SHIPPED)
            .map_err(|e| format!("shipped keymap: {e}"))?;
        if let Some(text) = user {
            map.patch(text)?;
        }
        Ok(map)
    }

    fn patch(&mut self, text: &str) -> Result<(), String> {
        let table: BTreeMap<String, Vec<String>> =
            toml::from_str(text).map_err(|e| e.to_string())?;
        for (name, keys) in table {
            let action =
                Action::from_name(&name).ok_or_else(|| format!("unknown action {name:?}"))?;
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()?;
            self.by_action.insert(action.info().name, keys);
        }
        Ok(())
    }

    /// The dashboard's action for a key (the probe dialog's own actions are left out).
    pub fn action_for(&self, e: &KeyEvent) -> Option<Action> {
        self.action_where(e, |a| !a.is_probe_dialog())
    }

    /// The action for a key while the probe dialog is open.
    pub fn probe_action_for(&self, e: &KeyEvent) -> Option<Action> {
        self.action_where(e, Action::in_probe_dialog)
    }

    fn action_where(&self, e: &KeyEvent, context: impl Fn(Action) -> bool) -> Option<Action> {
        let key = Key::from_event(e)?;
        // Shifted letters arrive as the upper-case char, sometimes with SHIFT set: ignore SHIFT.
        ACTIONS
            .iter()
            .filter(|info| context(info.action))
            .find(|info| {
                self.by_action
                    .get(info.name)
                    .is_some_and(|keys| keys.contains(&key))
            })
            .map(|info| info.action)
    }

    /// Hints in the action table's order, for the footer and the help overlay.
    pub fn hints(&self) -> Vec<KeyHint> {
        ACTIONS
            .iter()
            .filter_map(|info| {
                let keys = self.by_action.get(info.name)?;
                if keys.is_empty() {
                    return None;
                }
                Some(KeyHint {
                    action: info.action,
                    keys: keys.iter().map(Key::label).collect::<Vec<_>>().join("/"),
                    hint: info.hint,
                    description: info.description,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn shipped_keys_map_to_actions() {
        let k = Keymap::load(None).unwrap();
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::SelectNext)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::SelectNext)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('b'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::SelectLast)
        );
    }

    #[test]
    fn user_file_replaces_an_actions_keys() {
        let k = Keymap::load(Some("quit = [\"x\"]")).unwrap();
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert!(Keymap::load(Some("explode = [\"x\"]"))
            .unwrap_err()
            .contains("explode"));
        assert!(Keymap::load(Some("quit = [\"hyper-x\"]")).is_err());
    }

    #[test]
    fn no_shipped_binding_takes_a_tmux_key() {
        let k = Keymap::load(None).unwrap();
        for c in ['b', 'h', 'j', 'k', 'l'] {
            assert_eq!(
                k.action_for(&ev(KeyCode::Char(c), KeyModifiers::CONTROL)),
                None,
                "ctrl-{c}"
            );
        }
    }
}
