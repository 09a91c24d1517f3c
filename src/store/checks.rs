//! PURE: what the store knows about synthetic checks and ad-hoc probes: per check a bounded
//! history, the current state and since when, the latency trend, the last failure and the last
//! response's status and headers; plus a bounded probe history for the probe dialog.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::model::check::{
    duration_ms, CheckResult, CheckState, FailureReason, PhasesMs, ResponseSummary,
};
use crate::model::ratelimit::RateLimit;
use crate::model::route::RouteKey;
use crate::model::time::Timestamp;
use crate::model::traffic::Saturation;

/// Default points of history kept per check (at a 10 s interval: 20 minutes).
pub const DEFAULT_HISTORY: usize = 120;
pub const DEFAULT_PROBE_HISTORY: usize = 20;

#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct CheckPoint {
    #[serde(skip)]
    pub at: Timestamp,
    pub state: CheckState,
    /// `None` when no response arrived.
    pub latency_ms: Option<f64>,
    pub status: Option<u16>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckEntry {
    pub last: CheckResult,
    /// Oldest first, at most the state's history length.
    pub history: VecDeque<CheckPoint>,
    /// When the current state began (the first run in a row with this state).
    pub state_since: Timestamp,
    pub consecutive_failures: u32,
    pub last_failure: Option<(Timestamp, FailureReason)>,
    /// The last run that got a response: its status and the headers that matter.
    pub last_response: Option<(Timestamp, ResponseSummary)>,
    pub runs: u64,
    pub failed_runs: u64,
    /// When the store last received a result for this check (for staleness).
    pub updated_at: Timestamp,
}

impl CheckEntry {
    /// The last `n` latencies, oldest first, `None` for runs without a response.
    pub fn latency_trend(&self, n: usize) -> Vec<Option<f64>> {
        let skip = self.history.len().saturating_sub(n);
        self.history
            .iter()
            .skip(skip)
            .map(|p| p.latency_ms)
            .collect()
    }

    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.last_response
            .as_ref()
            .and_then(|(_, r)| r.rate_limit.as_ref())
    }

    /// Rate-limit saturation seen by this check: from the headers, or 1.0 for a 429.
    pub fn saturation(&self) -> Option<Saturation> {
        let (_, resp) = self.last_response.as_ref()?;
        let from_headers = resp.rate_limit.as_ref().and_then(|rl| {
            rl.saturation()
                .map(|v| (v, rl.family.map(|f| f.label()).unwrap_or("headers")))
        });
        let value = match (resp.status, from_headers) {
            (429, _) => (1.0, "429"),
            (_, Some(v)) => v,
            _ => return None,
        };
        Some(Saturation {
            value: value.0,
            signal: Arc::from(format!("check {}: {}", self.last.name, value.1)),
        })
    }
}

/// One probe sent from the dialog, kept to re-send or compare.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeRecord {
    pub id: u64,
    pub result: CheckResult,
}

#[derive(Clone, Debug)]
pub struct ChecksState {
    entries: Vec<CheckEntry>,
    index: HashMap<Arc<str>, usize>,
    history_len: usize,
    probes: VecDeque<ProbeRecord>,
    probe_history_len: usize,
}

impl Default for ChecksState {
    fn default() -> Self {
        ChecksState::new(DEFAULT_HISTORY, DEFAULT_PROBE_HISTORY)
    }
}

/// A check's route matches a dashboard route when the route names agree and the methods agree
/// or one side does not know its method.
pub fn route_matches(check: &RouteKey, route: &RouteKey) -> bool {
    check.route == route.route
        && match (&check.method, &route.method) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        }
}

impl ChecksState {
    pub fn new(history_len: usize, probe_history_len: usize) -> Self {
        ChecksState {
            entries: Vec::new(),
            index: HashMap::new(),
            history_len: history_len.max(1),
            probes: VecDeque::new(),
            probe_history_len: probe_history_len.max(1),
        }
    }

    /// Records one graded run. Results are keyed by check name; order of first arrival is kept.
    pub fn apply(&mut self, result: CheckResult, now: Timestamp) {
        let point = CheckPoint {
            at: result.at,
            state: result.state,
            latency_ms: result
                .response
                .as_ref()
                .map(|_| duration_ms(result.phases.total)),
            status: result.status(),
        };
        let failed = result.state == CheckState::Failed;
        let failure = result
            .reason
            .clone()
            .filter(|_| failed)
            .map(|r| (result.at, r));
        let response = result.response.clone().map(|r| (result.at, r));
        match self.index.get(&result.name).copied() {
            Some(i) => {
                let e = &mut self.entries[i];
                if e.last.state != result.state {
                    e.state_since = result.at;
                }
                e.consecutive_failures = if failed {
                    e.consecutive_failures + 1
                } else {
                    0
                };
                if failure.is_some() {
                    e.last_failure = failure;
                }
                if response.is_some() {
                    e.last_response = response;
                }
                e.runs += 1;
                e.failed_runs += u64::from(failed);
                if e.history.len() == self.history_len {
                    e.history.pop_front();
                }
                e.history.push_back(point);
                e.last = result;
                e.updated_at = now;
            }
            None => {
                self.index.insert(result.name.clone(), self.entries.len());
                self.entries.push(CheckEntry {
                    state_since: result.at,
                    consecutive_failures: u32::from(failed),
                    last_failure: failure,
                    last_response: response,
                    runs: 1,
                    failed_runs: u64::from(failed),
                    history: VecDeque::from([point]),
                    last: result,
                    updated_at: now,
                });
            }
        }
    }

    /// Records a probe's answer; the oldest falls out past the probe history length.
    pub fn apply_probe(&mut self, id: u64, result: CheckResult) {
        if self.probes.len() == self.probe_history_len {
            self.probes.pop_front();
        }
        self.probes.push_back(ProbeRecord { id, result });
    }

    pub fn entries(&self) -> &[CheckEntry] {
        &self.entries
    }

    pub fn get(&self, name: &str) -> Option<&CheckEntry> {
        self.index.get(name).map(|&i| &self.entries[i])
    }

    pub fn for_route<'a>(
        &'a self,
        route: &'a RouteKey,
    ) -> impl Iterator<Item = &'a CheckEntry> + 'a {
        self.entries.iter().filter(move |e| {
            e.last
                .route
                .as_ref()
                .is_some_and(|r| route_matches(r, route))
        })
    }

    /// The highest rate-limit saturation any check of this route saw last.
    pub fn route_saturation(&self, route: &RouteKey) -> Option<Saturation> {
        self.for_route(route)
            .filter_map(CheckEntry::saturation)
            .max_by(|a, b| a.value.total_cmp(&b.value))
    }

    /// The worst current state, `None` without checks.
    pub fn overall(&self) -> Option<CheckState> {
        self.entries.iter().map(|e| e.last.state).max()
    }

    /// Newest last.
    pub fn probes(&self) -> impl DoubleEndedIterator<Item = &ProbeRecord> {
        self.probes.iter()
    }

    pub fn snapshot(&self, now: Timestamp) -> Vec<CheckSnapshot> {
        self.entries
            .iter()
            .map(|e| CheckSnapshot::of(e, now))
            .collect()
    }
}

/// One check as `snapshot` JSON shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckSnapshot {
    pub name: String,
    pub route: Option<String>,
    pub method: String,
    pub url: String,
    pub state: CheckState,
    /// The failure reason's code (`tls_expired`, `timeout_headers`, …), `null` when ok.
    pub reason: Option<&'static str>,
    /// The reason in words.
    pub detail: Option<String>,
    pub status: Option<u16>,
    pub latency_ms: f64,
    pub phases_ms: PhasesMs,
    /// RFC 3339 of the last run.
    pub at: String,
    pub state_since: String,
    pub state_for_secs: u64,
    pub consecutive_failures: u32,
    pub last_failure: Option<FailureSnapshot>,
    pub request_id: Option<String>,
    pub retry_after_secs: Option<u64>,
    pub rate_limit: Option<RateLimit>,
    /// The headers that matter of the last response (redacted, sanitised), in arrival order.
    #[serde(serialize_with = "pairs_as_map")]
    pub headers: Vec<(String, String)>,
    pub trend_ms: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailureSnapshot {
    pub at: String,
    pub reason: &'static str,
    pub detail: String,
}

impl CheckSnapshot {
    pub fn of(e: &CheckEntry, now: Timestamp) -> Self {
        let last = &e.last;
        let resp = e.last_response.as_ref().map(|(_, r)| r);
        CheckSnapshot {
            name: last.name.to_string(),
            route: last.route.as_ref().map(|r| r.to_string()),
            method: last.method.clone(),
            url: last.url.clone(),
            state: last.state,
            reason: last.reason.as_ref().map(FailureReason::code),
            detail: last.reason.as_ref().map(|r| r.to_string()),
            status: last.status(),
            latency_ms: duration_ms(last.phases.total),
            phases_ms: last.phases.ms(),
            at: last.at.rfc3339(),
            state_since: e.state_since.rfc3339(),
            state_for_secs: now.since(e.state_since).as_secs(),
            consecutive_failures: e.consecutive_failures,
            last_failure: e.last_failure.as_ref().map(|(at, r)| FailureSnapshot {
                at: at.rfc3339(),
                reason: r.code(),
                detail: r.to_string(),
            }),
            request_id: resp.and_then(|r| r.request_id()).map(String::from),
            retry_after_secs: resp
                .and_then(|r| r.rate_limit.as_ref())
                .and_then(|rl| rl.retry_after_secs),
            rate_limit: resp.and_then(|r| r.rate_limit.clone()),
            headers: resp.map(|r| r.headers.clone()).unwrap_or_default(),
            trend_ms: e.latency_trend(20),
        }
    }
}

fn pairs_as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

#[cfg(test)]
mod tests;
