//! What the user has selected and opened. Selection follows a route, not a row number, so the
//! selected route stays selected while the ranking moves under it.

use crate::model::route::RouteKey;

use super::action::Action;
use super::ranking::RankedRow;

/// A multiple of every count from 1 to 12: stepping back from the first error code lands on
/// the last one for any route with up to 12 error codes (the view takes the choice modulo).
const CHOICE_WRAP: usize = 27_720;

#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    pub selected: Option<RouteKey>,
    /// Where the selection was, for when the selected route disappears.
    pub selected_index: usize,
    pub help_open: bool,
    /// Rows the route table showed last, for page moves.
    pub page_rows: usize,
    /// The runbook pane replaces the detail pane (small terminals) or is shown beside it.
    pub runbook_open: bool,
    /// Which of the selected route's error codes the runbook is for (0 = the most frequent).
    pub runbook_choice: usize,
    pub runbook_scroll: usize,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            selected: None,
            selected_index: 0,
            help_open: false,
            page_rows: 10,
            runbook_open: false,
            runbook_choice: 0,
            runbook_scroll: 0,
        }
    }
}

impl UiState {
    /// The selected row's position in `rows`: the selected route if present, else the last index.
    pub fn selected_position(&self, rows: &[RankedRow]) -> Option<usize> {
        if rows.is_empty() {
            return None;
        }
        if let Some(key) = &self.selected {
            if let Some(i) = rows.iter().position(|r| &r.key == key) {
                return Some(i);
            }
        }
        Some(self.selected_index.min(rows.len() - 1))
    }

    pub fn act(&mut self, action: Action, rows: &[RankedRow]) {
        let last = rows.len().saturating_sub(1);
        let current = self.selected_position(rows).unwrap_or(0);
        let target = match action {
            Action::SelectNext => Some((current + 1).min(last)),
            Action::SelectPrev => Some(current.saturating_sub(1)),
            Action::SelectFirst => Some(0),
            Action::SelectLast => Some(last),
            Action::PageDown => Some((current + self.page_rows.max(1)).min(last)),
            Action::PageUp => Some(current.saturating_sub(self.page_rows.max(1))),
            Action::ToggleHelp => {
                self.help_open = !self.help_open;
                None
            }
            Action::Dismiss => {
                if self.help_open {
                    self.help_open = false;
                } else {
                    self.runbook_open = false;
                }
                None
            }
            Action::ToggleRunbook => {
                self.runbook_open = !self.runbook_open;
                self.runbook_scroll = 0;
                None
            }
            Action::NextError => {
                self.runbook_choice += 1;
                self.runbook_scroll = 0;
                None
            }
            Action::PrevError => {
                // Wraps through the route's codes (the view takes it modulo their count).
                self.runbook_choice = self
                    .runbook_choice
                    .checked_sub(1)
                    .unwrap_or(CHOICE_WRAP - 1);
                self.runbook_scroll = 0;
                None
            }
            Action::RunbookDown => {
                self.runbook_scroll += 3;
                None
            }
            Action::RunbookUp => {
                self.runbook_scroll = self.runbook_scroll.saturating_sub(3);
                None
            }
            Action::Quit => None,
            // The probe dialog's actions: the store hands them to its probe state.
            _ => None,
        };
        if let Some(i) = target {
            if let Some(row) = rows.get(i) {
                if self.selected.as_ref() != Some(&row.key) {
                    self.runbook_choice = 0;
                    self.runbook_scroll = 0;
                }
                self.selected = Some(row.key.clone());
                self.selected_index = i;
            }
        }
    }
}
