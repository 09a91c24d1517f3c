//! [`MetricsMapper`]: one per scrape target. It keeps the target's counter state and turns each
//! scrape into a [`TrafficBatch`] of per-route increases.
//!
//! A scrape runs in two phases: while the parser streams samples, each one is identified
//! (hash of name and labels) and, if new, mapped once to its route and status; after the
//! body is read, increases are computed (so `_created`, which follows its counter, is known),
//! summed per route, adjusted by the preset's hook, and emitted.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::counter::{
    hash_bytes, mix, CounterTracker, LabelSetHash, PrehashedMap, SeriesId, Slot,
};
use crate::model::time::Timestamp;
use crate::model::traffic::{StatusDetail, TrafficBatch};

use super::aggregate::{add_to, into_deltas, HookCtx, RouteAcc, RouteTable, ScrapeSaturation};
use super::compile::{
    build_meta, passes_filters, route_of, Compiled, LabelView, MetaKind, NameHit, Part, SeriesMeta,
};
use super::latency::LayoutCache;
use super::options::PresetOptions;
use super::spec::{MappingDoc, Preset, Role, StatusRule};
use super::{GenericMapping, PresetChoice, PresetError};

const LEVEL_GROUPS: usize = 4;

struct Pending {
    id: SeriesId,
    slot: Option<Slot>,
    group: u64,
    value: f64,
    meta: Option<SeriesMeta>,
}

/// Sample-name lookups for the family being streamed: a family's samples differ only by
/// suffix (`_bucket`, `_count`…), so a handful of short compares replaces a hash lookup.
#[derive(Default)]
struct NameCache {
    family: (usize, usize),
    entries: Vec<(Box<str>, Option<NameHit>)>,
}

/// Per-scrape buffers, kept between scrapes so their allocations are reused.
#[derive(Default)]
struct ScrapeBuf {
    pending: Vec<Pending>,
    created: PrehashedMap<u64, f64>,
    gauges: Vec<(u32, super::spec::GaugeKind, f64)>,
    levels: [u8; LEVEL_GROUPS],
}

pub struct MetricsMapper {
    auto: bool,
    generic: Option<GenericMapping>,
    options: PresetOptions,
    compiled: Option<Arc<Compiled>>,
    tracker: CounterTracker<SeriesMeta>,
    routes: RouteTable,
    accs: Vec<RouteAcc>,
    layouts: LayoutCache,
    sticky: HashSet<u32>,
    buf: ScrapeBuf,
    names: NameCache,
    from_zero: bool,
}

impl MetricsMapper {
    pub fn new(
        choice: PresetChoice<'_>,
        generic: Option<GenericMapping>,
    ) -> Result<Self, PresetError> {
        let mut m = MetricsMapper {
            auto: matches!(choice, PresetChoice::Auto),
            generic,
            options: PresetOptions::default(),
            compiled: None,
            tracker: CounterTracker::new(),
            routes: RouteTable::default(),
            accs: Vec::new(),
            layouts: LayoutCache::default(),
            sticky: HashSet::new(),
            buf: ScrapeBuf::default(),
            names: NameCache::default(),
            from_zero: false,
        };
        if let PresetChoice::Named(name) = choice {
            let preset = super::build(name, &m.options, m.generic.as_ref())?;
            m.compiled = Some(Arc::new(Compiled::new(preset)));
        }
        Ok(m)
    }

    /// Applies per-target options (rebuilding a named preset with them).
    pub fn with_options(mut self, options: PresetOptions) -> Result<Self, PresetError> {
        self.options = options;
        if let Some(c) = &self.compiled {
            let preset = super::build(c.preset.name, &self.options, self.generic.as_ref())?;
            self.compiled = Some(Arc::new(Compiled::new(preset)));
        }
        Ok(self)
    }

    /// Counts the first scrape from zero instead of taking it as a baseline: its increases
    /// are lifetime totals (what `inspect` shows for a saved dump).
    pub fn counting_from_zero(mut self) -> Self {
        self.tracker = CounterTracker::from_zero();
        self.from_zero = true;
        self
    }

    /// The preset in use; `None` while `auto` has not recognised the gateway yet.
    pub fn preset_name(&self) -> Option<&'static str> {
        self.compiled.as_ref().map(|c| c.preset.name)
    }

    pub fn is_auto(&self) -> bool {
        self.auto
    }

    /// What the preset maps to route, status, latency and rate limit.
    pub fn mapping_doc(&self) -> Option<&MappingDoc> {
        self.compiled.as_ref().map(|c| &c.preset.doc)
    }

    pub(crate) fn is_detected(&self) -> bool {
        self.compiled.is_some()
    }

    /// Picks a preset from the family names of a scrape (auto). Returns false when none fits.
    pub(crate) fn detect<'f>(&mut self, families: impl Iterator<Item = &'f str> + Clone) -> bool {
        match super::detect(families) {
            Some(name) => match super::build(name, &self.options, self.generic.as_ref()) {
                Ok(p) => {
                    self.compiled = Some(Arc::new(Compiled::new(p)));
                    true
                }
                Err(_) => false,
            },
            None => false,
        }
    }

    /// Whether the preset in use reads this family.
    pub fn reads_family(&self, family: &str) -> bool {
        self.compiled.as_ref().is_some_and(|c| c.wants(family))
    }

    /// The compiled preset, shared with the parser's `wanted` filter during a scrape.
    pub(crate) fn compiled_arc(&self) -> Option<Arc<Compiled>> {
        self.compiled.clone()
    }

    pub(crate) fn begin_scrape(&mut self) {
        self.names = NameCache::default();
        self.buf.pending.clear();
        self.buf.created.clear();
        self.buf.gauges.clear();
        self.buf.levels = [0; LEVEL_GROUPS];
    }

    /// Phase one: one sample of the scrape in progress.
    pub(crate) fn on_sample(
        &mut self,
        family: &str,
        name: &str,
        labels: &dyn LabelView,
        value: f64,
    ) {
        let Some(compiled) = self.compiled.as_deref() else {
            return;
        };
        let Some((hit, name_route)) = cached_lookup(&mut self.names, compiled, family, name) else {
            return;
        };
        if hit.part == Part::Skip {
            return;
        }
        let rule = compiled.rule(hit.rule);
        if let Role::Gauge(kind) = rule.role {
            if passes_filters(rule, labels) {
                let route = route_of(rule, labels, name_route, &mut self.routes);
                self.buf.gauges.push((route, kind, value));
            }
            return;
        }
        let mut set = LabelSetHash::default();
        let mut le = 0u64;
        let bucket = hit.part == Part::Bucket;
        labels.each(&mut |n, v| {
            if bucket && n == "le" {
                le = hash_bytes(v.as_bytes());
            } else {
                set.add(n, v);
            }
        });
        let group = mix(hit.base, set.finish());
        if hit.part == Part::Created {
            self.buf.created.insert(group, value);
            return;
        }
        if let Some((g, level)) = rule.level {
            self.buf.levels[g as usize % LEVEL_GROUPS] |= 1 << (level & 7);
        }
        let id = SeriesId(mix(group, hit.part.code() ^ le));
        let slot = self.tracker.find(id);
        let meta = slot
            .is_none()
            .then(|| build_meta(compiled, hit, name_route, labels, &mut self.routes));
        self.buf.pending.push(Pending {
            id,
            slot,
            group,
            value,
            meta,
        });
    }

    /// Phase two: increases, per-route sums, the preset's hook, the batch. Commits the scrape.
    pub(crate) fn finish_scrape(&mut self, at: Timestamp) -> (TrafficBatch, Vec<String>) {
        let mut notes = Vec::new();
        let Some(compiled) = &self.compiled else {
            return (TrafficBatch::default(), notes);
        };
        let preset = &compiled.preset;
        let baseline = self.tracker.is_baseline();
        let previous = self.tracker.last_ok();
        let chosen: Vec<u8> = self
            .buf
            .levels
            .iter()
            .map(|m| m.trailing_zeros() as u8)
            .collect();
        let level_ok = |rule: &super::spec::FamilyRule| {
            rule.level
                .is_none_or(|(g, l)| chosen[g as usize % LEVEL_GROUPS] == (l & 7))
        };
        self.accs.clear();
        self.accs.resize_with(self.routes.len(), RouteAcc::default);
        let mut used_rules: u64 = 0;
        let created = &self.buf.created;
        for p in self.buf.pending.drain(..) {
            let c = if created.is_empty() {
                None
            } else {
                created.get(&p.group).copied()
            };
            let (inc, meta) = match p.slot {
                Some(slot) => self.tracker.observe_slot(slot, p.value, c),
                None => self
                    .tracker
                    .observe(p.id, p.value, c, || p.meta.unwrap_or(SeriesMeta::IGNORE)),
            };
            let meta = *meta;
            if baseline || meta.kind == MetaKind::Ignore {
                continue;
            }
            let rule = compiled.rule(meta.rule);
            if !level_ok(rule) {
                continue;
            }
            let acc = &mut self.accs[meta.route as usize];
            acc.seen = true;
            match meta.kind {
                MetaKind::Status(s, r) => {
                    used_rules |= 1 << (meta.rule % 64);
                    acc.has_responses = true;
                    acc.add_status(s, r, inc);
                }
                MetaKind::Bucket(le) => acc.latency.add(le, inc),
                MetaKind::Counter => match rule.role {
                    Role::Requests => add_to(&mut acc.requests, inc),
                    Role::HandlerErrors => add_to(&mut acc.handler_errors, inc),
                    Role::RateLimited => add_to(&mut acc.rate_limited, inc),
                    Role::RateLimitPassed => add_to(&mut acc.rate_limit_passed, inc),
                    Role::Denied => add_to(&mut acc.denied, inc),
                    _ => {}
                },
                MetaKind::Ignore => {}
            }
        }
        let status_detail = detail(preset, used_rules);
        let mut batch = TrafficBatch {
            deltas: Vec::new(),
            covers: None,
            status_detail,
            gateway_only: preset.gateway_only,
        };
        self.tracker.commit(at);
        if baseline {
            notes.push("first scrape: baseline only; increases start with the next scrape".into());
            return (batch, notes);
        }
        for &(route, kind, v) in &self.buf.gauges {
            if let Some(acc) = self.accs.get_mut(route as usize) {
                acc.gauges.push((kind, v));
            }
        }
        if let Some(hook) = preset.hook {
            let mut ctx = HookCtx {
                routes: &mut self.routes,
                accs: &mut self.accs,
                options: &self.options,
                scrapes_covered: if previous.is_some() { 1 } else { 0 },
                notes: &mut notes,
                sticky: &mut self.sticky,
            };
            hook(&mut ctx);
        }
        let covered_secs = previous.map_or(0.0, |p| at.since(p).as_secs_f64());
        batch.covers = previous.map(|p| (p, at));
        batch.deltas = into_deltas(
            &self.routes,
            &mut self.accs,
            &self.sticky,
            at,
            &mut self.layouts,
            &ScrapeSaturation {
                signal: &preset.rate_limit,
                options: &self.options,
                covered_secs,
            },
        );
        (batch, notes)
    }

    /// Series currently tracked (for stats and benches).
    pub fn tracked_series(&self) -> usize {
        self.tracker.len()
    }
}

fn cached_lookup<'s>(
    cache: &mut NameCache,
    compiled: &Compiled,
    family: &str,
    name: &'s str,
) -> Option<(NameHit, Option<&'s str>)> {
    let key = (family.as_ptr() as usize, family.len());
    if cache.family != key {
        cache.family = key;
        cache.entries.clear();
    }
    let Some(suffix) = name.strip_prefix(family) else {
        return compiled.lookup(name);
    };
    if let Some((_, hit)) = cache.entries.iter().find(|(s, _)| **s == *suffix) {
        if let Some(hit) = hit {
            return Some((*hit, None));
        }
        if !compiled.has_suffix_rules() {
            return None;
        }
    }
    let found = compiled.lookup(name);
    match found {
        Some((hit, None)) => cache.entries.push((Box::from(suffix), Some(hit))),
        None if cache.entries.len() < 8 => cache.entries.push((Box::from(suffix), None)),
        _ => {}
    }
    found
}

/// Class-only when a class-labelled responses rule counted this scrape, exact when an exact
/// one did, else what the preset says (nginx stub_status: totals only).
fn detail(preset: &Preset, used_rules: u64) -> StatusDetail {
    let used = preset
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| r.role.counts_responses() && used_rules & (1 << (i % 64)) != 0);
    let mut exact = false;
    for (_, r) in used {
        match r.status {
            StatusRule::Class(_) => return StatusDetail::ClassOnly,
            StatusRule::Exact(_) => exact = true,
            StatusRule::None => {}
        }
    }
    if exact {
        StatusDetail::Exact
    } else {
        preset.default_detail
    }
}
