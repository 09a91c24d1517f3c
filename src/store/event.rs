//! What flows into the store (events, actions) and out of it (effects).

use crate::model::check::CheckResult;
use crate::model::source::{SourceId, SourceStats};
use crate::model::traffic::TrafficBatch;

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A source read new traffic (a scrape's counter increases, a batch of log lines).
    Traffic {
        source: SourceId,
        batch: TrafficBatch,
    },
    /// A source read successfully; its stats (duration, series, bad lines, progress).
    SourceOk {
        source: SourceId,
        stats: SourceStats,
    },
    /// A source failed to read; it keeps retrying with backoff.
    SourceFailed { source: SourceId, error: String },
    /// A log source has read all the content that existed when it started.
    BackfillDone { source: SourceId },
    /// The embedded demo's current incident, for the header.
    DemoStatus { label: String },
    /// The route table shows this many rows now (page moves use it).
    Resized { table_rows: usize },
    /// A scheduled check ran and was graded.
    CheckResult(CheckResult),
    /// An ad-hoc probe (the probe dialog) came back; `id` is the one its request was sent with.
    /// `runbook` is the summary of the runbook matching what it got (worked out off the loop).
    ProbeResult {
        id: u64,
        result: CheckResult,
        runbook: Option<String>,
    },
    /// A probe could not be sent (bad URL, unset `env:` variable, no base URL for a path).
    ProbeRejected { id: u64, error: String },
    /// An editing key for the open probe dialog's focused field.
    ProbeKey(super::probe_state::DialogKey),
    /// The user asked for something (from the keymap).
    Action(super::action::Action),
}

/// What the store asks the runtime to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Send an ad-hoc probe without blocking the loop; its answer comes back as
    /// `Event::ProbeResult` (or `Event::ProbeRejected`) with the same `id`.
    StartProbe {
        id: u64,
        request: crate::model::check::probe_request::ProbeRequest,
    },
}
