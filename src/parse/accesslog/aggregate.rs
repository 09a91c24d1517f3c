//! PURE: access-log lines in, per-route traffic deltas out.
//!
//! [`LogAggregator::push_line`] parses a line, templates its route, and counts it per route, per
//! time bucket, per exact status and responder, with its latency in a log-scale histogram.
//! [`LogAggregator::take_batch`] hands over what was counted since the last take. Memory is
//! bounded by the route cap, not by the number of lines: call `take_batch` regularly (every
//! frame, or every few tens of thousands of lines during a backfill).

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::route_cache::{numeric_shape, numeric_tail_prefix, template_is_shape, RouteCache};
use super::samples::SampleRing;
use super::{detect, FormatChoice, FormatName, LineError, LogFormat, LogRecord};
use crate::model::latency_tally::LatencyTally;
use crate::model::route::RouteKey;
use crate::model::route_template::{RouteTemplates, Templated, ID};
use crate::model::source::SourceStats;
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::{RouteDelta, StatusDetail, TrafficBatch};

/// Lines longer than this are counted as oversize and skipped.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Distinct hidden routes counted exactly up to this many; beyond, the count is a lower bound.
const HIDDEN_SET_CAP: usize = 1 << 16;
/// Distinct methods tracked; more (a fuzzer) fold into the "other" row.
const METHOD_CAP: usize = 32;
/// Width of the buckets for lines older than the fine history (see
/// [`LogAggregator::keep_fine_buckets_for`]).
pub const COARSE_BUCKET_MS: i64 = 3_600_000;

#[derive(Clone, Debug, PartialEq)]
pub struct AggregateOptions {
    /// Width of a time bucket (lines are counted per route per bucket).
    pub resolution: Duration,
    /// Routes per source before new ones fold into [`RouteKey::other`].
    pub route_cap: usize,
    /// Recent error lines (status ≥ 400) kept per route.
    pub error_samples: usize,
    /// Use the gateway's route name (Traefik router, Kong route …) instead of the path template.
    pub prefer_route_name: bool,
    pub max_line_bytes: usize,
}

impl Default for AggregateOptions {
    fn default() -> Self {
        AggregateOptions {
            resolution: Duration::from_secs(1),
            route_cap: 500,
            error_samples: 5,
            prefer_route_name: false,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }
}

/// Line counters, for the source's health line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineCounts {
    pub lines: u64,
    pub records: u64,
    pub bad: u64,
    pub oversize: u64,
    pub not_access: u64,
    pub blank: u64,
}

struct Pending {
    route: u32,
    at: i64,
    statuses: Vec<(u16, Responder, u64)>,
    latency: LatencyTally,
}

pub struct LogAggregator {
    format: Option<LogFormat>,
    routes: RouteTemplates,
    opts: AggregateOptions,
    resolution_ms: i64,
    methods: Vec<Box<str>>,
    /// Per method (index 0 = no method, then `methods[i - 1]`): template → route index.
    by_method: Vec<FxHashMap<Box<str>, u32>>,
    keys: Vec<RouteKey>,
    samples: Vec<SampleRing>,
    other: Option<u32>,
    hidden: FxHashSet<u64>,
    scratch: String,
    /// The numeric shape of the current path (see `route_cache::numeric_shape`).
    shape: String,
    route_cache: RouteCache,
    pending_index: FxHashMap<(u32, i64), usize>,
    pending: Vec<Pending>,
    /// Fast path for time-ordered input: the pending slot of each route in `current_bucket`.
    current_bucket: i64,
    current_slots: Vec<u32>,
    /// Lines dated this long before they were read go into coarse buckets.
    fine_history_ms: Option<i64>,
    counts: LineCounts,
    last_bad: Option<String>,
}

impl LogAggregator {
    pub fn new(format: FormatChoice, routes: RouteTemplates, opts: AggregateOptions) -> Self {
        let resolution_ms = (opts.resolution.as_millis() as i64).max(1);
        LogAggregator {
            format: match format {
                FormatChoice::Auto => None,
                FormatChoice::Fixed(f) => Some(f),
            },
            routes,
            opts,
            resolution_ms,
            methods: Vec::new(),
            by_method: vec![FxHashMap::default()],
            keys: Vec::new(),
            samples: Vec::new(),
            other: None,
            hidden: FxHashSet::default(),
            scratch: String::with_capacity(128),
            shape: String::with_capacity(128),
            route_cache: RouteCache::default(),
            pending_index: FxHashMap::default(),
            pending: Vec::new(),
            current_bucket: i64::MIN,
            current_slots: Vec::new(),
            fine_history_ms: None,
            counts: LineCounts::default(),
            last_bad: None,
        }
    }

    /// Lines dated more than `history` before the time they are read (`fallback_time`) are
    /// counted in buckets of [`COARSE_BUCKET_MS`] instead of the resolution: a backfill of hours
    /// of log then hands over a few deltas per route instead of one per route per second. Use
    /// it when the consumer keeps fine history only for `history` back from the present (the
    /// store's retention), so such lines only ever count in totals. Off by default.
    pub fn keep_fine_buckets_for(&mut self, history: Duration) {
        self.fine_history_ms = Some(history.as_millis().min(i64::MAX as u128) as i64);
    }

    /// Newline-separated lines, as the tailer hands them over: each non-empty piece is a
    /// [`push_line`](Self::push_line). The UTF-8 check is done once for the whole chunk; only
    /// a chunk with broken bytes is checked line by line.
    pub fn push_lines(&mut self, data: &[u8], fallback_time: Timestamp) {
        let Ok(text) = simdutf8::basic::from_utf8(data) else {
            for line in data.split(|&b| b == b'\n') {
                if !line.is_empty() {
                    self.push_line(line, fallback_time);
                }
            }
            return;
        };
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            if nl > start {
                // Both ends sit next to a `\n`, which is always a char boundary.
                self.push_checked(&text[start..nl], fallback_time);
            }
            start = nl + 1;
        }
        if start < data.len() {
            self.push_checked(&text[start..], fallback_time);
        }
    }

    /// One line, without its newline. `fallback_time` dates lines whose own time is missing or
    /// unreadable (the time the line was read).
    pub fn push_line(&mut self, line: &[u8], fallback_time: Timestamp) {
        match simdutf8::basic::from_utf8(line) {
            Ok(text) => self.push_checked(text, fallback_time),
            Err(_) => {
                self.counts.lines += 1;
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.len() > self.opts.max_line_bytes {
                    self.note_oversize(line.len() as u64);
                    return;
                }
                // Kept, with U+FFFD for the broken bytes (rare: only these lines allocate).
                let owned = String::from_utf8_lossy(line).into_owned();
                self.push_text(&owned, line, fallback_time);
            }
        }
    }

    /// A line known to be UTF-8.
    #[inline]
    fn push_checked(&mut self, line: &str, fallback_time: Timestamp) {
        self.counts.lines += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() > self.opts.max_line_bytes {
            self.note_oversize(line.len() as u64);
            return;
        }
        if line.bytes().all(|b| b.is_ascii_whitespace()) {
            self.counts.blank += 1;
            return;
        }
        self.push_text(line, line.as_bytes(), fallback_time);
    }

    /// A line the reader skipped because it was longer than its limit.
    pub fn note_oversize(&mut self, len: u64) {
        self.counts.oversize += 1;
        self.counts.bad += 1;
        self.last_bad = Some(format!(
            "line {}: {len} bytes, over the {} byte limit (skipped)",
            self.counts.lines, self.opts.max_line_bytes
        ));
    }

    fn push_text(&mut self, text: &str, raw: &[u8], fallback_time: Timestamp) {
        if self.format.is_none() {
            match detect::detect_line(text) {
                Some(f) => self.format = Some(f),
                None => {
                    if detect::looks_like_notice(text) {
                        self.counts.not_access += 1;
                    } else {
                        self.bad_line(&LineError::Undetected);
                    }
                    return;
                }
            }
        }
        let Some(format) = self.format.as_ref() else {
            return;
        };
        // Parsed in place: a record returned by value is a copy of some 200 bytes per line.
        let mut rec = LogRecord::empty();
        match format.parse_into(text, &mut rec) {
            Ok(()) => {
                self.counts.records += 1;
                self.count(&rec, raw, fallback_time);
            }
            Err(e) if e.is_not_access() => self.counts.not_access += 1,
            Err(e) => self.bad_line(&e),
        }
    }

    fn bad_line(&mut self, e: &LineError) {
        self.counts.bad += 1;
        self.last_bad = Some(format!("line {}: {e}", self.counts.lines));
    }

    fn count(&mut self, rec: &LogRecord<'_>, raw: &[u8], fallback_time: Timestamp) {
        let route = self.route_of(rec);
        let at = rec.time.unwrap_or(fallback_time);
        let width = match self.fine_history_ms {
            Some(h) if at.millis() < fallback_time.millis().saturating_sub(h) => COARSE_BUCKET_MS,
            _ => self.resolution_ms,
        };
        let bucket = at.millis().div_euclid(width) * width;
        let slot = self.pending_slot(route, bucket);
        let p = &mut self.pending[slot];
        match p
            .statuses
            .iter_mut()
            .find(|(s, r, _)| *s == rec.status && *r == rec.responder)
        {
            Some(entry) => entry.2 += 1,
            None => p.statuses.push((rec.status, rec.responder, 1)),
        }
        if let Some(ms) = rec.latency_ms {
            p.latency.record(ms);
        }
        if rec.status >= 400 && self.opts.error_samples > 0 {
            self.samples[route as usize].push(
                self.opts.error_samples,
                at,
                rec.status,
                rec.request_id,
                raw,
            );
        }
    }

    fn pending_slot(&mut self, route: u32, bucket: i64) -> usize {
        if bucket != self.current_bucket {
            self.current_bucket = bucket;
            self.current_slots.iter_mut().for_each(|s| *s = u32::MAX);
        }
        let r = route as usize;
        if r >= self.current_slots.len() {
            self.current_slots.resize(r + 1, u32::MAX);
        }
        if self.current_slots[r] != u32::MAX {
            return self.current_slots[r] as usize;
        }
        let next = self.pending.len();
        let slot = *self.pending_index.entry((route, bucket)).or_insert(next);
        if slot == next {
            self.pending.push(Pending {
                route,
                at: bucket,
                statuses: Vec::with_capacity(4),
                latency: LatencyTally::default(),
            });
        }
        self.current_slots[r] = slot as u32;
        slot
    }

    fn route_of(&mut self, rec: &LogRecord<'_>) -> u32 {
        let by_name = self.opts.prefer_route_name
            || self.format.as_ref().is_some_and(LogFormat::routes_by_name)
            || rec.path.is_empty();
        let mut shape = None;
        let tail = if by_name {
            None
        } else {
            // A numeric last segment always collapses, so such a path is never its own
            // template: only its prefix can be cached.
            let auto_only = self.routes.is_auto_only();
            let tail = numeric_tail_prefix(&rec.path).filter(|_| auto_only);
            let hit = match tail {
                Some(prefix) => self.route_cache.get_tail(rec.method, prefix),
                None => self.route_cache.get(rec.method, &rec.path),
            };
            if let Some(route) = hit {
                return route;
            }
            // Numbers elsewhere (`/v1/users/42/orders`): looked up by the path's shape.
            shape = if auto_only {
                numeric_shape(&rec.path, &mut self.shape)
            } else {
                None
            };
            if let Some(mask) = shape {
                if let Some(route) = self.route_cache.get_shape(rec.method, &self.shape, mask) {
                    return route;
                }
            }
            tail
        };
        let (route, cacheable) = self.route_uncached(rec, by_name, tail, shape);
        match (cacheable, tail, shape) {
            (Cacheable::Path, _, _) => self.route_cache.put(rec.method, &rec.path, route),
            (Cacheable::Tail, Some(prefix), _) => {
                self.route_cache.put_tail(rec.method, prefix, route);
            }
            (Cacheable::Shape, _, Some(mask)) => {
                self.route_cache
                    .put_shape(rec.method, &self.shape, mask, route);
            }
            _ => {}
        }
        route
    }

    /// The route of `rec`, and whether it may be cached. `tail`: the path's prefix before a
    /// numeric last segment, and `shape` the mask of its numeric shape, when such entries are
    /// allowed.
    fn route_uncached(
        &mut self,
        rec: &LogRecord<'_>,
        by_name: bool,
        tail: Option<&str>,
        shape: Option<u64>,
    ) -> (u32, Cacheable) {
        let m = match rec.method {
            None => 0,
            Some(name) => match self.methods.iter().position(|x| **x == *name) {
                Some(i) => i + 1,
                None if self.methods.len() < METHOD_CAP => {
                    self.methods.push(name.into());
                    self.by_method.push(FxHashMap::default());
                    self.methods.len()
                }
                None => return (self.hide(None, &rec.path), Cacheable::No),
            },
        };
        let named = rec.route_name.filter(|_| by_name);
        let pattern = match named {
            Some(name) => {
                self.scratch.clear();
                self.scratch.push_str(name);
                None
            }
            None if rec.path.is_empty() => {
                self.scratch.clear();
                self.scratch.push_str(UNREADABLE_REQUEST);
                None
            }
            None => match self.routes.template_into(&rec.path, &mut self.scratch) {
                Templated::Pattern(p) => Some(p),
                Templated::Auto => None,
            },
        };
        let template: &str = pattern.as_deref().unwrap_or(&self.scratch);
        let cacheable = if by_name || pattern.is_some() {
            Cacheable::No
        } else if template == rec.path {
            Cacheable::Path
        } else if tail.is_some_and(|p| {
            // `prefix{id}` with the prefix its own template. Any prefix would give every number
            // the same route; prefixes with ids in them are new each time and would only push
            // useful entries out.
            template.len() == p.len() + ID.len()
                && template.starts_with(p)
                && template.ends_with(ID)
        }) {
            Cacheable::Tail
        } else if shape.is_some_and(|mask| template_is_shape(&rec.path, template, mask)) {
            Cacheable::Shape
        } else {
            Cacheable::No
        };
        if let Some(&idx) = self.by_method[m].get(template) {
            return (idx, cacheable);
        }
        if self.keys.len() - usize::from(self.other.is_some()) >= self.opts.route_cap {
            let t = template.to_string();
            return (self.hide(rec.method, &t), cacheable);
        }
        let template: Box<str> = Box::from(template);
        let method = (m > 0).then(|| self.methods[m - 1].as_ref());
        let key = match (pattern, crate::sanitize::sanitize(&template)) {
            (Some(p), std::borrow::Cow::Borrowed(_)) => RouteKey {
                method: method.map(Arc::from),
                route: p,
            },
            (_, shown) => RouteKey::new(method, &shown),
        };
        let idx = self.push_key(key);
        self.by_method[m].insert(template, idx);
        (idx, cacheable)
    }

    fn push_key(&mut self, key: RouteKey) -> u32 {
        self.keys.push(key);
        self.samples.push(SampleRing::default());
        (self.keys.len() - 1) as u32
    }

    /// Folds a route beyond the cap into the "other" row, remembering that it was distinct.
    fn hide(&mut self, method: Option<&str>, template: &str) -> u32 {
        if self.hidden.len() < HIDDEN_SET_CAP {
            let mut h = FxHasher::default();
            method.hash(&mut h);
            template.hash(&mut h);
            self.hidden.insert(h.finish());
        }
        match self.other {
            Some(i) => i,
            None => {
                let i = self.push_key(RouteKey::other());
                self.other = Some(i);
                i
            }
        }
    }

    /// Everything counted since the last take: one [`RouteDelta`] per (route, time bucket),
    /// ordered by time, then by the order routes first appeared. A route's new error samples ride on its latest delta.
    pub fn take_batch(&mut self) -> TrafficBatch {
        let mut pending = std::mem::take(&mut self.pending);
        self.pending_index.clear();
        self.current_bucket = i64::MIN;
        pending.sort_by(|a, b| {
            (a.at, &self.keys[a.route as usize]).cmp(&(b.at, &self.keys[b.route as usize]))
        });
        let mut deltas: Vec<RouteDelta> = Vec::with_capacity(pending.len());
        let mut latest: FxHashMap<u32, usize> = FxHashMap::default();
        for p in pending {
            let mut d = RouteDelta::new(self.keys[p.route as usize].clone(), Timestamp(p.at));
            for (code, responder, n) in p.statuses {
                d.add(Status::Code(code), responder, n);
            }
            d.latency = (!p.latency.is_empty()).then(|| p.latency.to_histogram());
            latest.insert(p.route, deltas.len());
            deltas.push(d);
        }
        for (route, i) in latest {
            let ring = &mut self.samples[route as usize];
            if ring.has_fresh() {
                deltas[i].errors = ring.take_fresh();
            }
        }
        TrafficBatch {
            deltas,
            covers: None,
            status_detail: StatusDetail::Exact,
            gateway_only: false,
        }
    }

    pub fn stats(&self) -> SourceStats {
        SourceStats {
            detected: self.format.as_ref().map(|f| f.name().label().to_string()),
            bad_lines: self.counts.bad,
            last_bad_line: self.last_bad.clone(),
            progress: Some((self.counts.lines, None)),
            ..SourceStats::default()
        }
    }

    /// Distinct routes folded into the "other" row (a lower bound past 65,536).
    pub fn hidden_paths(&self) -> u64 {
        self.hidden.len() as u64
    }

    pub fn counts(&self) -> &LineCounts {
        &self.counts
    }

    /// The format in use: the one given, or the one detected (`None` while still detecting).
    pub fn detected(&self) -> Option<FormatName> {
        self.format.as_ref().map(LogFormat::name)
    }

    /// Routes known so far (at most the cap, plus "other").
    pub fn routes(&self) -> &[RouteKey] {
        &self.keys
    }
}

/// Whether a line's route may be remembered by its path ([`RouteCache`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cacheable {
    No,
    /// The path is its own template.
    Path,
    /// The path is a prefix that is its own template, then a number.
    Tail,
    /// Only the path's all-digit segments collapsed: its numeric shape (which every path of
    /// that shape shares with its route) holds no other id and is worth an entry.
    Shape,
}

/// The route of lines whose request line could not be read (binary junk, `-`).
pub const UNREADABLE_REQUEST: &str = "(unreadable request)";

#[cfg(test)]
#[path = "aggregate_tests.rs"]
mod tests;
