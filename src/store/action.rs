//! User intents, declared once with a name and a description. The keymap maps keys to these;
//! the help overlay and the footer hints are generated from this table.

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    SelectNext,
    SelectPrev,
    SelectFirst,
    SelectLast,
    PageDown,
    PageUp,
    ToggleHelp,
    /// Close whatever overlay is open.
    Dismiss,
    /// Show the runbook for the selected route's error (in small panes, instead of the detail).
    ToggleRunbook,
    /// The runbook of the route's next / previous error code.
    NextError,
    PrevError,
    /// Scroll the runbook pane.
    RunbookDown,
    RunbookUp,
    // The probe dialog (ProbeSend … ProbeToggleCors act only while it is open).
    OpenProbe,
    ProbeSend,
    ProbeResend,
    ProbeEdit,
    ProbeNextField,
    ProbePrevField,
    ProbeOlder,
    ProbeNewer,
    ProbeToggleCors,
}

pub struct ActionInfo {
    pub action: Action,
    /// The name used in keymap files: `select_next`.
    pub name: &'static str,
    /// The short word shown in the footer: `down`.
    pub hint: &'static str,
    pub description: &'static str,
}

/// In the order the footer shows them: the most needed first.
pub const ACTIONS: &[ActionInfo] = &[
    ActionInfo {
        action: Action::ToggleHelp,
        name: "toggle_help",
        hint: "help",
        description: "Show or hide the key bindings",
    },
    ActionInfo {
        action: Action::Quit,
        name: "quit",
        hint: "quit",
        description: "Quit gatewatch",
    },
    ActionInfo {
        action: Action::ToggleRunbook,
        name: "toggle_runbook",
        hint: "runbook",
        description: "Show the runbook for the selected route's error",
    },
    ActionInfo {
        action: Action::SelectNext,
        name: "select_next",
        hint: "down",
        description: "Select the next route",
    },
    ActionInfo {
        action: Action::SelectPrev,
        name: "select_prev",
        hint: "up",
        description: "Select the previous route",
    },
    ActionInfo {
        action: Action::OpenProbe,
        name: "open_probe",
        hint: "probe",
        description: "Probe the selected route: a request dialog with timings and runbook",
    },
    ActionInfo {
        action: Action::SelectFirst,
        name: "select_first",
        hint: "top",
        description: "Select the first (worst) route",
    },
    ActionInfo {
        action: Action::SelectLast,
        name: "select_last",
        hint: "bottom",
        description: "Select the last route",
    },
    ActionInfo {
        action: Action::PageDown,
        name: "page_down",
        hint: "page",
        description: "Move the selection one page down",
    },
    ActionInfo {
        action: Action::PageUp,
        name: "page_up",
        hint: "page up",
        description: "Move the selection one page up",
    },
    ActionInfo {
        action: Action::NextError,
        name: "next_error",
        hint: "next code",
        description: "Runbook of the route's next error code",
    },
    ActionInfo {
        action: Action::PrevError,
        name: "prev_error",
        hint: "prev code",
        description: "Runbook of the route's previous error code",
    },
    ActionInfo {
        action: Action::RunbookDown,
        name: "runbook_down",
        hint: "scroll",
        description: "Scroll the runbook down",
    },
    ActionInfo {
        action: Action::RunbookUp,
        name: "runbook_up",
        hint: "scroll up",
        description: "Scroll the runbook up",
    },
    ActionInfo {
        action: Action::Dismiss,
        name: "dismiss",
        hint: "close",
        description: "Close the open overlay",
    },
    ActionInfo {
        action: Action::ProbeSend,
        name: "probe_send",
        hint: "send",
        description: "Probe dialog: send the request",
    },
    ActionInfo {
        action: Action::ProbeEdit,
        name: "probe_edit",
        hint: "edit",
        description: "Probe dialog: edit the focused field",
    },
    ActionInfo {
        action: Action::ProbeNextField,
        name: "probe_next_field",
        hint: "field",
        description: "Probe dialog: focus the next field",
    },
    ActionInfo {
        action: Action::ProbeOlder,
        name: "probe_older",
        hint: "older",
        description: "Probe dialog: show the previous (older) probe",
    },
    ActionInfo {
        action: Action::ProbeNewer,
        name: "probe_newer",
        hint: "newer",
        description: "Probe dialog: show the next (newer) probe",
    },
    ActionInfo {
        action: Action::ProbeResend,
        name: "probe_resend",
        hint: "re-send",
        description: "Probe dialog: send the probe shown again",
    },
    ActionInfo {
        action: Action::ProbeToggleCors,
        name: "probe_toggle_cors",
        hint: "cors",
        description: "Probe dialog: send a CORS preflight from the Origin instead",
    },
    ActionInfo {
        action: Action::ProbePrevField,
        name: "probe_prev_field",
        hint: "prev field",
        description: "Probe dialog: focus the previous field",
    },
];

impl Action {
    pub fn info(self) -> &'static ActionInfo {
        ACTIONS
            .iter()
            .find(|i| i.action == self)
            .expect("every action is in ACTIONS")
    }

    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|i| i.name == name).map(|i| i.action)
    }

    /// Acts only inside the open probe dialog (the keymap looks these up only there).
    pub fn is_probe_dialog(self) -> bool {
        matches!(
            self,
            Action::ProbeSend
                | Action::ProbeResend
                | Action::ProbeEdit
                | Action::ProbeNextField
                | Action::ProbePrevField
                | Action::ProbeOlder
                | Action::ProbeNewer
                | Action::ProbeToggleCors
        )
    }

    /// Usable while the probe dialog is open: its own actions, and esc.
    pub fn in_probe_dialog(self) -> bool {
        self.is_probe_dialog() || self == Action::Dismiss
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_unique_name() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert_eq!(Action::from_name(a.name), Some(a.action));
            assert!(ACTIONS[i + 1..].iter().all(|b| b.name != a.name));
        }
    }
}
