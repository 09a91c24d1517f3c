//! What the store knows about each configured source: health, last error, stats, coverage.

use std::collections::VecDeque;
use std::time::Duration;

use crate::model::source::{SourceSpec, SourceStats};
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// Nothing heard yet.
    Pending,
    Healthy,
    Failing,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::Pending => "pending",
            Health::Healthy => "ok",
            Health::Failing => "failing",
        }
    }
}

/// Which spans of time a source's counts cover, so rates divide by real observed time.
#[derive(Clone, Debug)]
pub enum Coverage {
    /// A continuous stream (logs): it covers everything since it started.
    Continuous { since: Timestamp },
    /// Scrapes: each increase covers (previous scrape, this scrape]. Bounded by retention.
    Intervals(VecDeque<(Timestamp, Timestamp)>),
}

#[derive(Clone, Debug)]
pub struct SourceState {
    pub spec: SourceSpec,
    pub health: Health,
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
    pub last_ok: Option<Timestamp>,
    pub failures_in_row: u32,
    pub stats: SourceStats,
    pub status_detail: StatusDetail,
    pub gateway_only: bool,
    pub coverage: Option<Coverage>,
    /// Total requests this source reported (all routes).
    pub requests: u64,
    /// A log source read everything that existed when it started.
    pub backfill_done: bool,
}

impl SourceState {
    pub fn new(spec: SourceSpec) -> Self {
        SourceState {
            spec,
            health: Health::Pending,
            last_error: None,
            last_error_at: None,
            last_ok: None,
            failures_in_row: 0,
            stats: SourceStats::default(),
            status_detail: StatusDetail::Exact,
            gateway_only: false,
            coverage: None,
            requests: 0,
            backfill_done: false,
        }
    }

    /// `earliest` is the oldest observation in the batch: a continuous source that reads a
    /// backlog covers the time since its first line, not only since it started.
    pub fn cover(
        &mut self,
        covers: Option<(Timestamp, Timestamp)>,
        earliest: Option<Timestamp>,
        now: Timestamp,
        retention: Duration,
    ) {
        match covers {
            Some(span) => {
                let ring = match &mut self.coverage {
                    Some(Coverage::Intervals(r)) => r,
                    _ => {
                        self.coverage = Some(Coverage::Intervals(VecDeque::new()));
                        match &mut self.coverage {
                            Some(Coverage::Intervals(r)) => r,
                            _ => unreachable!("just set"),
                        }
                    }
                };
                ring.push_back(span);
                let horizon = now.minus(retention);
                while ring.front().is_some_and(|&(_, to)| to < horizon) {
                    ring.pop_front();
                }
            }
            None => {
                let start = earliest.map_or(now, |e| e.min(now));
                match &mut self.coverage {
                    Some(Coverage::Continuous { since }) => *since = (*since).min(start),
                    _ => self.coverage = Some(Coverage::Continuous { since: start }),
                }
            }
        }
    }

    /// Observed time within `(now - window, now]`, for turning counts into rates. `None` when
    /// the source has not covered any time yet (e.g. a scrape target before its second scrape).
    /// `resolution_ms` aligns the window to history buckets, as the counts are.
    pub fn covered_secs(
        &self,
        now: Timestamp,
        window: Duration,
        resolution_ms: i64,
    ) -> Option<f64> {
        let from = now.minus(window);
        let bucket = |t: Timestamp| t.millis().div_euclid(resolution_ms.max(1));
        match self.coverage.as_ref()? {
            Coverage::Continuous { since } => {
                let start = (*since).max(from);
                let secs = now.since(start).as_secs_f64();
                (secs > 0.0).then_some(secs)
            }
            Coverage::Intervals(spans) => {
                // Counts are bucketed at the scrape time, so a scrape inside the window brings
                // its whole interval: divide by the whole interval (no extrapolation).
                let secs: f64 = spans
                    .iter()
                    .filter(|&&(_, to)| bucket(to) > bucket(from) && bucket(to) <= bucket(now))
                    .map(|&(f, t)| t.since(f).as_secs_f64())
                    .sum();
                (secs > 0.0).then_some(secs)
            }
        }
    }
}
