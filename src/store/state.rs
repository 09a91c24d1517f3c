//! The store: the single writer of state. `apply` is pure: no clock, no I/O, no async.

use std::collections::HashMap;
use std::time::Duration;

use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceSpec};
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;

use super::action::Action;
use super::event::{Effect, Event};
use super::feed::{Feed, Gateway};
use super::ring::BucketRing;
use super::route_stats::RouteStats;
use super::source_state::{Health, SourceState};
use super::ui_state::UiState;

#[derive(Clone, Debug, PartialEq)]
pub struct StoreConfig {
    /// Width of one history bucket.
    pub resolution: Duration,
    /// How far back history reaches.
    pub retention: Duration,
    /// The window rates and ratios are computed over.
    pub window: Duration,
    /// Routes kept per source before folding into "(other)".
    pub route_cap: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            resolution: Duration::from_secs(1),
            retention: Duration::from_secs(15 * 60),
            window: Duration::from_secs(60),
            route_cap: 500,
        }
    }
}

/// Counts the distinct routes hidden in "(other)" without keeping them: a hash each, up to a
/// bound, after which the count is a lower bound.
#[derive(Clone, Debug, Default)]
pub struct FoldedRoutes {
    hashes: std::collections::HashSet<u64>,
    pub saturated: bool,
}

const FOLDED_ROUTES_TRACKED: usize = 65_536;

impl FoldedRoutes {
    fn note(&mut self, key: &RouteKey) {
        use std::hash::{Hash, Hasher};
        if self.hashes.len() >= FOLDED_ROUTES_TRACKED {
            self.saturated = true;
            return;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        self.hashes.insert(h.finish());
    }

    pub fn count(&self) -> u64 {
        self.hashes.len() as u64
    }

    /// Distinct routes across several sources' folds (a gateway's instances), and whether the
    /// count is a lower bound.
    pub fn union(all: &[&FoldedRoutes]) -> (u64, bool) {
        if let [one] = all {
            return (one.count(), one.saturated);
        }
        let mut seen = std::collections::HashSet::new();
        for f in all {
            seen.extend(f.hashes.iter().copied());
        }
        (seen.len() as u64, all.iter().any(|f| f.saturated))
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pub config: StoreConfig,
    pub started_at: Timestamp,
    pub sources: Vec<SourceState>,
    /// Scrape targets that are instances of one gateway.
    pub gateways: Vec<Gateway>,
    /// What rows show numbers for: each source alone, or a gateway's instances summed.
    /// Derived from `sources` and `gateways`.
    pub feeds: Vec<Feed>,
    /// Per source, per route. Observations of different sources are never added together.
    pub routes: HashMap<SourceId, HashMap<RouteKey, RouteStats>>,
    /// Distinct routes folded into "(other)" per source, beyond the cap.
    pub folded_routes: HashMap<SourceId, FoldedRoutes>,
    pub ui: UiState,
    /// A demo is running in-process; its label for the header.
    pub demo: Option<String>,
    /// Scheduled checks and ad-hoc probes.
    pub checks: super::checks::ChecksState,
    /// The probe dialog and the probes sent from it.
    pub probe: super::probe_state::ProbeState,
    /// Bumped on every change; the runtime redraws only when it moved.
    pub generation: u64,
}

impl Store {
    pub fn new(config: StoreConfig, sources: Vec<SourceSpec>, started_at: Timestamp) -> Self {
        let sources: Vec<SourceState> = sources.into_iter().map(SourceState::new).collect();
        Store {
            config,
            started_at,
            feeds: super::feed::feeds_of(&sources, &[]),
            gateways: Vec::new(),
            sources,
            routes: HashMap::new(),
            folded_routes: HashMap::new(),
            ui: UiState::default(),
            demo: None,
            checks: super::checks::ChecksState::default(),
            probe: super::probe_state::ProbeState::default(),
            generation: 0,
        }
    }

    /// Groups scrape targets into gateways: their numbers are summed per route from then on.
    pub fn with_gateways(mut self, gateways: Vec<Gateway>) -> Self {
        self.feeds = super::feed::feeds_of(&self.sources, &gateways);
        self.gateways = gateways;
        self
    }

    pub fn feed(&self, id: &SourceId) -> Option<&Feed> {
        self.feeds.iter().find(|f| &f.id == id)
    }

    /// A log source is still reading what its files held at start (and is not failing).
    pub fn backfill_pending(&self) -> bool {
        self.sources.iter().any(|s| {
            s.spec.kind == crate::model::source::SourceKind::Log
                && !s.backfill_done
                && s.health != super::source_state::Health::Failing
        })
    }

    pub fn source(&self, id: &SourceId) -> Option<&SourceState> {
        self.sources.iter().find(|s| &s.spec.id == id)
    }

    fn source_mut(&mut self, id: &SourceId) -> Option<&mut SourceState> {
        self.sources.iter_mut().find(|s| &s.spec.id == id)
    }

    pub fn apply(&mut self, event: Event, now: Timestamp) -> Vec<Effect> {
        self.generation += 1;
        match event {
            Event::Traffic { source, batch } => {
                self.apply_traffic(source, batch, now);
                Vec::new()
            }
            Event::SourceOk { source, stats } => {
                if let Some(s) = self.source_mut(&source) {
                    s.health = Health::Healthy;
                    s.last_ok = Some(now);
                    s.failures_in_row = 0;
                    s.stats = stats;
                }
                Vec::new()
            }
            Event::SourceFailed { source, error } => {
                if let Some(s) = self.source_mut(&source) {
                    s.health = Health::Failing;
                    s.last_error = Some(crate::sanitize::sanitize(&error).into_owned());
                    s.last_error_at = Some(now);
                    s.failures_in_row += 1;
                }
                Vec::new()
            }
            Event::BackfillDone { source } => {
                if let Some(s) = self.source_mut(&source) {
                    s.backfill_done = true;
                    s.stats.progress = None;
                }
                Vec::new()
            }
            Event::DemoStatus { label } => {
                self.demo = Some(label);
                Vec::new()
            }
            Event::Resized { table_rows } => {
                self.ui.page_rows = table_rows.max(1);
                Vec::new()
            }
            Event::CheckResult(result) => {
                self.checks.apply(result, now);
                Vec::new()
            }
            Event::ProbeResult {
                id,
                result,
                runbook,
            } => {
                self.checks.apply_probe(id, result);
                self.probe.answered(id, runbook);
                Vec::new()
            }
            Event::ProbeRejected { id, error } => {
                self.probe.rejected(id, &error);
                Vec::new()
            }
            Event::ProbeKey(key) => {
                self.probe.key(key);
                Vec::new()
            }
            Event::Action(action) => self.act(action, now),
        }
    }

    fn apply_traffic(&mut self, source: SourceId, batch: TrafficBatch, now: Timestamp) {
        let retention = self.config.retention;
        let Some(state) = self.source_mut(&source) else {
            return;
        };
        let earliest = batch.deltas.iter().map(|d| d.at).min();
        state.cover(batch.covers, earliest, now, retention);
        state.status_detail = batch.status_detail;
        state.gateway_only = batch.gateway_only;
        state.requests += batch.deltas.iter().map(|d| d.requests()).sum::<u64>();
        if state.health == Health::Pending {
            state.health = Health::Healthy;
        }
        let cap = self.config.route_cap;
        let (resolution, retention) = (self.config.resolution, self.config.retention);
        let routes = self.routes.entry(source.clone()).or_default();
        let horizon = now.minus(retention);
        for delta in batch.deltas {
            let key = if routes.contains_key(&delta.route)
                || routes.len() < cap
                || delta.route.is_other()
            {
                delta.route.clone()
            } else {
                self.folded_routes
                    .entry(source.clone())
                    .or_default()
                    .note(&delta.route);
                RouteKey::other()
            };
            routes
                .entry(key)
                .or_insert_with(|| {
                    RouteStats::new(BucketRing::new(resolution, retention), delta.at)
                })
                .apply(&delta, horizon);
        }
    }

    fn act(&mut self, action: Action, now: Timestamp) -> Vec<Effect> {
        if action == Action::Quit {
            return vec![Effect::Quit];
        }
        if let Some(effects) = self.act_probe(action, now) {
            return effects;
        }
        let order = super::ranking::ranked_rows(self, now);
        self.ui.act(action, &order);
        Vec::new()
    }

    /// The probe dialog's share of the actions: opening it on the selected route, and every
    /// action while it is open. `None` leaves the action to the dashboard.
    fn act_probe(&mut self, action: Action, now: Timestamp) -> Option<Vec<Effect>> {
        if self.probe.is_open() {
            return Some(self.probe.act(action, now).unwrap_or_default());
        }
        match action {
            Action::OpenProbe => {
                let order = super::ranking::ranked_rows(self, now);
                let route = self.ui.selected_position(&order).map(|i| &order[i].key);
                self.probe.open(route);
                self.ui.help_open = false;
                Some(Vec::new())
            }
            a if a.is_probe_dialog() => Some(Vec::new()),
            _ => None,
        }
    }
}
