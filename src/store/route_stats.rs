//! Everything one source knows about one route: totals since start, the bucketed history,
//! latency, the last rate-limit saturation, and recent error lines.

use std::collections::{BTreeMap, VecDeque};

use crate::model::histogram::LatencyHistogram;
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::{ErrorSample, RouteDelta, Saturation};

use super::ring::BucketRing;

/// How many recent error lines a route keeps.
pub const ERROR_SAMPLES: usize = 20;

#[derive(Clone, Debug)]
pub struct RouteStats {
    /// Requests observed since the source started, by status and who answered.
    pub totals: BTreeMap<(Status, Responder), u64>,
    pub history: BucketRing,
    /// Latency of every request observed since start (when the source reports latency).
    pub latency_total: Option<LatencyHistogram>,
    pub saturation: Option<(Timestamp, Saturation)>,
    pub errors: VecDeque<ErrorSample>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
}

impl RouteStats {
    pub fn new(history: BucketRing, at: Timestamp) -> Self {
        RouteStats {
            totals: BTreeMap::new(),
            history,
            latency_total: None,
            saturation: None,
            errors: VecDeque::new(),
            first_seen: at,
            last_seen: at,
        }
    }

    /// Counts a delta. Its history bucket is kept only when it is newer than `horizon`: every
    /// view of the history looks back from the present by at most the retention, so an older
    /// bucket (a backfill of old lines) could never be shown.
    pub fn apply(&mut self, delta: &RouteDelta, horizon: Timestamp) {
        for s in &delta.statuses {
            *self.totals.entry((s.status, s.responder)).or_default() += s.count;
        }
        if let Some(h) = &delta.latency {
            match &mut self.latency_total {
                Some(mine) => {
                    mine.merge(h);
                }
                None => self.latency_total = Some(h.clone()),
            }
        }
        if let Some(s) = &delta.saturation {
            self.saturation = Some((delta.at, s.clone()));
        }
        for e in &delta.errors {
            if self.errors.len() == ERROR_SAMPLES {
                self.errors.pop_front();
            }
            self.errors.push_back(e.clone());
        }
        if delta.at > horizon {
            self.history.add(delta);
        }
        self.first_seen = self.first_seen.min(delta.at);
        self.last_seen = self.last_seen.max(delta.at);
    }

    /// Adds another instance's observations of the same route (a gateway's instances summed):
    /// totals, history and latency add up; the highest saturation and the newest error lines
    /// are kept.
    pub fn merge(&mut self, other: &RouteStats) {
        for (k, n) in &other.totals {
            *self.totals.entry(*k).or_default() += n;
        }
        self.history.merge(&other.history);
        if let Some(h) = &other.latency_total {
            match &mut self.latency_total {
                Some(mine) => {
                    mine.merge(h);
                }
                None => self.latency_total = Some(h.clone()),
            }
        }
        if let Some(theirs) = &other.saturation {
            if self
                .saturation
                .as_ref()
                .is_none_or(|mine| theirs.1.value > mine.1.value)
            {
                self.saturation = Some(theirs.clone());
            }
        }
        let mut errors: Vec<ErrorSample> = self
            .errors
            .drain(..)
            .chain(other.errors.iter().cloned())
            .collect();
        errors.sort_by_key(|e| e.at);
        let skip = errors.len().saturating_sub(ERROR_SAMPLES);
        self.errors = errors.into_iter().skip(skip).collect();
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
    }

    pub fn total_requests(&self) -> u64 {
        self.totals.values().sum()
    }

    /// Totals per status, summed over responders.
    pub fn by_status(&self) -> BTreeMap<Status, u64> {
        let mut out = BTreeMap::new();
        for (&(status, _), &n) in &self.totals {
            *out.entry(status).or_default() += n;
        }
        out
    }
}
