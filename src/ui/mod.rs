//! ratatui widgets, one per file.

pub mod runbook_pane;
