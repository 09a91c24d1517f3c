//! Numbers over the selected window, computed from a route's history and its source's coverage.

use std::time::Duration;

use crate::model::histogram::LatencyHistogram;
use crate::model::time::Timestamp;

use super::ring::class_slot;
use super::route_stats::RouteStats;
use super::source_state::SourceState;
use crate::model::status::StatusClass;

/// A ratio that knows how many requests it stands on.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Ratio {
    pub part: u64,
    pub whole: u64,
}

/// Below this many requests a ratio is shown as counts ("2/3"), not as a confident percentage.
pub const CONFIDENT_REQUESTS: u64 = 20;

impl Ratio {
    pub fn value(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 / self.whole as f64)
    }

    pub fn is_confident(self) -> bool {
        self.whole >= CONFIDENT_REQUESTS
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowStats {
    pub requests: u64,
    pub by_class: [u64; 6],
    pub rate_limited: u64,
    /// Requests per second over the covered part of the window; `None` until time is covered.
    pub rate_per_s: Option<f64>,
    pub latency: Option<LatencyHistogram>,
}

impl WindowStats {
    pub fn class(&self, c: StatusClass) -> u64 {
        self.by_class[class_slot(c)]
    }

    pub fn ratio(&self, part: u64) -> Ratio {
        Ratio {
            part,
            whole: self.requests,
        }
    }

    pub fn ratio_4xx(&self) -> Ratio {
        self.ratio(self.class(StatusClass::ClientError))
    }

    pub fn ratio_5xx(&self) -> Ratio {
        self.ratio(self.class(StatusClass::ServerError))
    }

    pub fn ratio_429(&self) -> Ratio {
        self.ratio(self.rate_limited)
    }

    pub fn add(&mut self, other: &WindowStats) {
        self.requests += other.requests;
        for (a, b) in self.by_class.iter_mut().zip(other.by_class) {
            *a += b;
        }
        self.rate_limited += other.rate_limited;
        self.rate_per_s = match (self.rate_per_s, other.rate_per_s) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

impl WindowStats {
    /// [`WindowStats::add`] with the latency histograms merged too.
    pub fn merge(&mut self, other: &WindowStats) {
        self.add(other);
        if let Some(h) = &other.latency {
            match &mut self.latency {
                Some(mine) => {
                    mine.merge(h);
                }
                None => self.latency = Some(h.clone()),
            }
        }
    }
}

pub fn window_stats(
    route: &RouteStats,
    source: &SourceState,
    now: Timestamp,
    window: Duration,
) -> WindowStats {
    let mut out = WindowStats::default();
    for b in route.history.range(now.minus(window), now) {
        out.requests += b.requests;
        for (a, n) in out.by_class.iter_mut().zip(b.by_class) {
            *a += n;
        }
        out.rate_limited += b.rate_limited;
        if let Some(h) = &b.latency {
            match &mut out.latency {
                Some(mine) => {
                    mine.merge(h);
                }
                None => out.latency = Some(h.clone()),
            }
        }
    }
    out.rate_per_s = source
        .covered_secs(now, window, route.history.resolution_ms())
        .map(|secs| out.requests as f64 / secs);
    out
}

/// The error ratio ((4xx + 5xx) / requests) per column over the window, oldest first, cut into
/// `columns` columns for a sparkline; `None` for a column without requests.
pub fn error_trend(
    route: &RouteStats,
    now: Timestamp,
    window: Duration,
    columns: usize,
) -> Vec<Option<f64>> {
    error_trend_of(&[route], now, window, columns)
}

/// [`error_trend`] of several instances' observations of one route, counts summed per column
/// before the ratio is taken.
pub fn error_trend_of(
    routes: &[&RouteStats],
    now: Timestamp,
    window: Duration,
    columns: usize,
) -> Vec<Option<f64>> {
    let columns = columns.max(1);
    let mut errors = vec![0u64; columns];
    let mut requests = vec![0u64; columns];
    for route in routes {
        let res = route.history.resolution_ms();
        let hi = now.millis().div_euclid(res);
        let span = (window.as_millis() as i64 / res).max(1);
        let lo = hi - span;
        for b in route.history.range(now.minus(window), now) {
            let offset = (b.index - lo - 1).clamp(0, span - 1);
            let col = ((offset * columns as i64 / span) as usize).min(columns - 1);
            errors[col] += b.errors();
            requests[col] += b.requests;
        }
    }
    errors
        .iter()
        .zip(&requests)
        .map(|(&e, &r)| (r > 0).then(|| e as f64 / r as f64))
        .collect()
}
