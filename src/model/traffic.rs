//! What sources report about requests: per-route deltas, already mapped to routes and statuses.
//!
//! Both metrics (counter increases between two scrapes) and logs (lines aggregated per time
//! bucket) arrive as [`TrafficBatch`]es, so the store treats them alike while keeping each
//! source's observations apart.

use std::sync::Arc;

use super::histogram::LatencyHistogram;
use super::route::RouteKey;
use super::status::{Responder, Status};
use super::time::Timestamp;

#[derive(Clone, Debug, PartialEq)]
pub struct StatusCount {
    pub status: Status,
    pub responder: Responder,
    pub count: u64,
}

/// How much a route's rate limit is used, 0..=1, and which signal said so.
#[derive(Clone, Debug, PartialEq)]
pub struct Saturation {
    pub value: f64,
    /// e.g. `envoy local_rate_limit`, `haproxy stick-table`, `429 share (gateway)`.
    pub signal: Arc<str>,
}

/// A log line kept as an example of a route's errors: sanitised and redacted at the source.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorSample {
    pub at: Timestamp,
    pub status: Status,
    pub request_id: Option<Arc<str>>,
    pub line: Arc<str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteDelta {
    pub route: RouteKey,
    /// When these requests were observed: the log lines' time bucket, or the scrape time.
    pub at: Timestamp,
    pub statuses: Vec<StatusCount>,
    pub latency: Option<LatencyHistogram>,
    pub saturation: Option<Saturation>,
    pub errors: Vec<ErrorSample>,
}

impl RouteDelta {
    pub fn new(route: RouteKey, at: Timestamp) -> Self {
        RouteDelta {
            route,
            at,
            statuses: Vec::new(),
            latency: None,
            saturation: None,
            errors: Vec::new(),
        }
    }

    pub fn add(&mut self, status: Status, responder: Responder, count: u64) {
        if count == 0 {
            return;
        }
        match self
            .statuses
            .iter_mut()
            .find(|s| s.status == status && s.responder == responder)
        {
            Some(s) => s.count += count,
            None => self.statuses.push(StatusCount {
                status,
                responder,
                count,
            }),
        }
    }

    pub fn requests(&self) -> u64 {
        self.statuses.iter().map(|s| s.count).sum()
    }
}

/// Whether a source's statuses are exact codes or classes only (HAProxy metrics), or whether
/// it has no status at all (nginx stub_status: request totals only, which are reported as
/// `Status::Class(StatusClass::Other)` and must not be read as an error-free split).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum StatusDetail {
    #[default]
    Exact,
    ClassOnly,
    TotalsOnly,
}

impl StatusDetail {
    pub fn label(self) -> &'static str {
        match self {
            StatusDetail::Exact => "exact",
            StatusDetail::ClassOnly => "class_only",
            StatusDetail::TotalsOnly => "totals_only",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrafficBatch {
    pub deltas: Vec<RouteDelta>,
    /// For scrapes: the interval the increases cover (previous successful scrape → this one).
    /// `None` for continuous sources (logs), whose coverage is their whole life.
    pub covers: Option<(Timestamp, Timestamp)>,
    pub status_detail: StatusDetail,
    /// The source has no route identity; its single route is [`RouteKey::gateway`].
    pub gateway_only: bool,
}
