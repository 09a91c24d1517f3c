//! The error playbook: runbooks as data (Markdown with TOML front matter), matched to the
//! selected error, filled with the selection and with live evidence, overridable by teams.
//!
//! Everything here is PURE except [`load`], which reads the team's `runbooks_dir`.
//!
//! Typical use (the TUI pane or a headless command):
//! 1. [`load::load`] once (and again on reload): the catalog plus diagnostics.
//! 2. [`Catalog::best`] / [`Catalog::top`] for a [`Query`] built from the selection with
//!    [`selection::route_query`] (a route's error, 429 split by evidence) or
//!    [`selection::result_query`] (a check or probe result).
//! 3. [`evidence::evidence`] for the chosen runbook and the store's [`evidence::EvidenceInput`].
//! 4. [`document::compose`] → styled lines; [`wrap::wrap`] to the pane width; draw.

pub mod catalog;
pub mod diagnostic;
pub mod document;
pub mod evidence;
pub mod fill;
pub mod glob;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod selection;
pub mod wrap;

pub use catalog::{Catalog, Match, MatchedBy, Query};
pub use diagnostic::{Diagnostic, Severity};
pub use document::{compose, to_markdown, to_plain_text, ViewOptions};
pub use evidence::{evidence, EvidenceInput, EvidenceLine};
pub use fill::FillContext;
pub use load::{check_runbooks_dir, load, Loaded};
pub use markdown::{Role, StyledLine, StyledSpan};
pub use model::{Origin, RetryGuidance, Runbook};
