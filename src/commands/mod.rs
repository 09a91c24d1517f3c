//! Headless commands.

pub mod runbook;
