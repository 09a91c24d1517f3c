//! gatewatch: a terminal dashboard for API-gateway incidents.
//!
//! Data flows one way: sources (I/O tasks) → [`store::Event`] → [`store::Store::apply`] (pure)
//! → [`view`] models (pure) → [`ui`] widgets → the terminal; keys → actions → the store.
//!
//! | module | what it holds | pure |
//! |---|---|---|
//! | [`model`] | time, statuses, routes, histograms, traffic deltas | yes |
//! | [`parse`] | Prometheus/OpenMetrics exposition, metric presets, access-log formats | yes |
//! | [`store`] | events, actions, effects, state, `apply()` | yes |
//! | [`view`] | render-ready view models, the snapshot document | yes |
//! | [`sanitize`], [`redact`] | display safety for outside text and secrets | yes |
//! | [`runbook`] | the error playbook: loading, matching, filling | mostly |
//! | [`sources`] | scrape, tail, checks, probes (tokio tasks) | no |
//! | [`session`] | sources feeding a store, shared by the dashboard and headless commands | no |
//! | [`ui`] | ratatui widgets, theme, keymap | no |
//! | [`app`] | the runtime loop, terminal setup and teardown | no |
//! | [`demo`] | the embedded demo gateway | no |
//! | [`cli`], [`config`], [`commands`], [`diagnostics`] | command line, config, commands, log file | no |

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod diagnostics;
pub mod model;
pub mod parse;
pub mod redact;
pub mod runbook;
pub mod sanitize;
pub mod session;
pub mod sources;
pub mod store;
pub mod ui;
pub mod view;
