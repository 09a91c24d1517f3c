//! Whose numbers a row shows. A feed is one source on its own, or every instance of one
//! gateway: the instances' observations of a route are summed (rates per instance first, then
//! added, as Prometheus' `sum(rate(..))`), while each instance keeps its own health, backoff,
//! coverage and counter state in the store. Folding happens here, at read time, so `apply`
//! stays O(routes) per event and one instance's counter reset or outage touches only its own
//! numbers.

use std::borrow::Cow;
use std::time::Duration;

use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceKind};
use crate::model::time::Timestamp;
use crate::model::traffic::StatusDetail;

use super::route_stats::RouteStats;
use super::source_state::{Health, SourceState};
use super::state::Store;
use super::window::{window_stats, WindowStats};

/// Several scrape targets that are instances of one gateway.
#[derive(Clone, Debug, PartialEq)]
pub struct Gateway {
    /// `gateway:NAME`, the id rows, badges and the snapshot name it by.
    pub id: SourceId,
    pub name: String,
    pub instances: Vec<SourceId>,
}

impl Gateway {
    pub fn new(name: &str, instances: Vec<SourceId>) -> Self {
        Gateway {
            id: SourceId::new(&format!("gateway:{name}")),
            name: name.to_string(),
            instances,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feed {
    /// The source's id, or the gateway's (`gateway:NAME`).
    pub id: SourceId,
    pub kind: SourceKind,
    /// Indexes into `Store::sources`: the source, or the gateway's instances in config order.
    pub members: Vec<usize>,
    /// Several instances of one gateway (even if only one is configured).
    pub is_gateway: bool,
}

/// How many of a gateway's instances answered their last scrape.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct InstancesUp {
    pub up: usize,
    pub total: usize,
}

/// One instance's share of a route.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceWindow {
    /// Index into `Store::sources`.
    pub source: usize,
    /// `None` when the instance has not reported this route.
    pub stats: Option<WindowStats>,
}

/// The feeds in source order: a gateway takes the place of its first instance.
pub fn feeds_of(sources: &[SourceState], gateways: &[Gateway]) -> Vec<Feed> {
    let mut out: Vec<Feed> = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let group = gateways.iter().find(|g| g.instances.contains(&s.spec.id));
        match group {
            Some(g) => match out.iter_mut().find(|f| f.id == g.id) {
                Some(f) => f.members.push(i),
                None => out.push(Feed {
                    id: g.id.clone(),
                    kind: s.spec.kind,
                    members: vec![i],
                    is_gateway: true,
                }),
            },
            None => out.push(Feed {
                id: s.spec.id.clone(),
                kind: s.spec.kind,
                members: vec![i],
                is_gateway: false,
            }),
        }
    }
    out
}

impl Feed {
    pub fn sources<'s>(&'s self, store: &'s Store) -> impl Iterator<Item = &'s SourceState> + 's {
        self.members.iter().map(move |&i| &store.sources[i])
    }

    /// Each member that has seen `key`, with its stats of it.
    pub fn route_members<'s>(
        &'s self,
        store: &'s Store,
        key: &'s RouteKey,
    ) -> impl Iterator<Item = (&'s SourceState, &'s RouteStats)> + 's {
        self.sources(store)
            .filter_map(move |s| Some((s, store.routes.get(&s.spec.id)?.get(key)?)))
    }

    /// The route over the window, summed over the members; `None` when none has seen it.
    pub fn window(&self, store: &Store, key: &RouteKey, now: Timestamp) -> Option<WindowStats> {
        self.window_over(store, key, now, store.config.window)
    }

    pub fn window_over(
        &self,
        store: &Store,
        key: &RouteKey,
        now: Timestamp,
        window: Duration,
    ) -> Option<WindowStats> {
        let mut out: Option<WindowStats> = None;
        for (source, stats) in self.route_members(store, key) {
            let w = window_stats(stats, source, now, window);
            match &mut out {
                Some(sum) => sum.merge(&w),
                None => out = Some(w),
            }
        }
        out
    }

    /// Every member's share of the route, in config order (members without it included).
    pub fn instances(&self, store: &Store, key: &RouteKey, now: Timestamp) -> Vec<InstanceWindow> {
        self.members
            .iter()
            .map(|&i| {
                let source = &store.sources[i];
                let stats = store
                    .routes
                    .get(&source.spec.id)
                    .and_then(|m| m.get(key))
                    .map(|r| window_stats(r, source, now, store.config.window));
                InstanceWindow { source: i, stats }
            })
            .collect()
    }

    /// The route's stats summed over the members: borrowed for a lone source, merged for a
    /// gateway.
    pub fn route_stats<'s>(&self, store: &'s Store, key: &RouteKey) -> Option<Cow<'s, RouteStats>> {
        let mut members = self
            .members
            .iter()
            .filter_map(|&i| store.routes.get(&store.sources[i].spec.id)?.get(key));
        let first = members.next()?;
        let mut out = Cow::Borrowed(first);
        for r in members {
            out.to_mut().merge(r);
        }
        Some(out)
    }

    /// The coarsest status detail among the members: the sum is only as exact as its least
    /// exact part.
    pub fn status_detail(&self, store: &Store) -> StatusDetail {
        let rank = |d: StatusDetail| match d {
            StatusDetail::Exact => 0,
            StatusDetail::ClassOnly => 1,
            StatusDetail::TotalsOnly => 2,
        };
        self.sources(store)
            .map(|s| s.status_detail)
            .max_by_key(|d| rank(*d))
            .unwrap_or_default()
    }

    pub fn gateway_only(&self, store: &Store) -> bool {
        self.sources(store).any(|s| s.gateway_only)
    }

    pub fn instances_up(&self, store: &Store) -> InstancesUp {
        InstancesUp {
            up: self
                .sources(store)
                .filter(|s| s.health == Health::Healthy)
                .count(),
            total: self.members.len(),
        }
    }

    /// One health for the feed: healthy while any member is (a gateway with some instances
    /// up still has numbers; [`Feed::instances_up`] tells how many), else failing if any
    /// member fails, else pending.
    pub fn health(&self, store: &Store) -> Health {
        let any = |h: Health| self.sources(store).any(|s| s.health == h);
        if any(Health::Healthy) {
            Health::Healthy
        } else if any(Health::Failing) {
            Health::Failing
        } else {
            Health::Pending
        }
    }

    /// Distinct routes folded into "(other)" across the members, and whether that is a lower
    /// bound.
    pub fn folded_routes(&self, store: &Store) -> Option<(u64, bool)> {
        let folded: Vec<_> = self
            .sources(store)
            .filter_map(|s| store.folded_routes.get(&s.spec.id))
            .collect();
        (!folded.is_empty()).then(|| super::state::FoldedRoutes::union(&folded))
    }
}
