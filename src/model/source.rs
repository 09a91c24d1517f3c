//! Source identity and what a source says about its own health.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub Arc<str>);

impl SourceId {
    pub fn new(id: &str) -> Self {
        SourceId(Arc::from(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Scrape,
    Promql,
    Log,
    Check,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Scrape => "scrape",
            SourceKind::Promql => "promql",
            SourceKind::Log => "log",
            SourceKind::Check => "check",
        }
    }
}

/// A configured source, as the store knows it from the start.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceSpec {
    pub id: SourceId,
    pub kind: SourceKind,
    /// Where it reads from, redacted for display (no credentials, no query secrets).
    pub target: String,
}

/// A source's report after a successful read (a scrape, a batch of lines, a check run).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceStats {
    /// What the source detected or was told: preset name, log format.
    pub detected: Option<String>,
    pub duration: Option<Duration>,
    pub series: Option<u64>,
    pub bad_lines: u64,
    /// The last bad line's number and reason, sanitised.
    pub last_bad_line: Option<String>,
    /// Lines or bytes read so far, and the total when known (backfill progress).
    pub progress: Option<(u64, Option<u64>)>,
}
