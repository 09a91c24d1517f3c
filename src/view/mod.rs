//! PURE view models: owned, render-ready values built from the store at draw time.

pub mod dashboard;
pub mod detail;
pub mod format;
pub mod header;
pub mod instances;
pub mod layout;
pub mod probe;
pub mod routes;
pub mod runbook;
pub mod snapshot;
pub mod snapshot_text;

#[cfg(test)]
mod gateway_tests;

pub use dashboard::{DashboardView, KeyHint, ViewContext};
