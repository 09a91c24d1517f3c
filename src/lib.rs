//! gatewatch: a terminal dashboard for API-gateway incidents.
//!
//! Data flows one way (see DESIGN in the README):
//! sources (I/O tasks) → [`store::Event`] → [`store::Store::apply`] (pure) →
//! [`view`] models (pure) → [`ui`] widgets → the terminal, and keys → actions → the store.
//!
//! | module | what it holds | pure |
//! |---|---|---|
//! | [`model`] | time, statuses, routes, histograms, traffic deltas | yes |
//! | [`parse`] | Prometheus/OpenMetrics exposition, access-log formats | yes |
//! | [`store`] | events, actions, effects, state, `apply()` | yes |
//! | [`view`] | render-ready view models built from the store | yes |
//! | [`sanitize`], [`redact`] | display safety for outside text and secrets | yes |
//! | [`sources`] | scrape, tail, checks, probes (tokio tasks) | no |
//! | [`runbook`] | the error playbook: loading, matching, filling | yes |
//! | [`ui`] | ratatui widgets, theme, keymap | no |
//! | [`app`] | the runtime loop, terminal setup and teardown | no |
//! | [`demo`] | the embedded demo gateway | no |
//! | [`cli`], [`config`], [`commands`] | the command line, configuration, headless commands | no |

pub mod commands;
pub mod demo;
pub mod model;
pub mod parse;
pub mod redact;
pub mod runbook;
pub mod sanitize;
pub mod sources;
pub mod store;
