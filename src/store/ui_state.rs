//! What the user has selected and opened. Selection follows a route, not a row number, so the
//! selected route stays selected while the ranking moves under it.

use crate::model::route::RouteKey;

use super::action::Action;
use super::ranking::RankedRow;

#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    pub selected: Option<RouteKey>,
    /// Where the selection was, for when the selected route disappears.
    pub selected_index: usize,
    pub help_open: bool,
    /// Rows the route table showed last, for page moves.
    pub page_rows: usize,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            selected: None,
            selected_index: 0,
            help_open: false,
            page_rows: 10,
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
                self.help_open = false;
                None
            }
            Action::Quit => None,
        };
        if let Some(i) = target {
            if let Some(row) = rows.get(i) {
                self.selected = Some(row.key.clone());
                self.selected_index = i;
            }
        }
    }
}
