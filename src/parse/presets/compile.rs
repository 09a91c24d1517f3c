//! A preset compiled for the hot path: sample name → rule lookup, the parser's `wanted`
//! filter, and what a new series means (its [`SeriesMeta`]), built once per series.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::model::counter::{hash_bytes, PrehashedHasher};
use crate::model::route::GATEWAY_ROUTE;
use crate::model::status::{Responder, Status};

use super::aggregate::RouteTable;
use super::latency::parse_le;
use super::spec::{FamilyRule, NameMatch, Preset, ResponderRule, Role, RouteRule};

/// Label access the mapper needs from a parsed sample.
pub trait LabelView {
    fn label(&self, name: &str) -> Option<Cow<'_, str>>;
    fn each(&self, f: &mut dyn FnMut(&str, &str));
}

impl LabelView for [(&str, &str)] {
    fn label(&self, name: &str) -> Option<Cow<'_, str>> {
        self.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| Cow::Borrowed(*v))
    }
    fn each(&self, f: &mut dyn FnMut(&str, &str)) {
        for (n, v) in self {
            f(n, v);
        }
    }
}

/// Which sample of a family this is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Value,
    Bucket,
    Count,
    Created,
    Skip,
}

impl Part {
    pub fn code(self) -> u64 {
        match self {
            Part::Value => 0x11,
            Part::Bucket => 0x22,
            Part::Count => 0x33,
            Part::Created => 0x44,
            Part::Skip => 0x55,
        }
    }
}

#[derive(Copy, Clone, Debug)]
pub struct NameHit {
    pub rule: u16,
    pub part: Part,
    /// Hash of the family's base name (shared by `_total`, `_bucket`, `_count`, `_created`).
    pub base: u64,
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum MetaKind {
    Ignore,
    Status(Status, Responder),
    Bucket(f64),
    Counter,
}

/// What one series means, decided once when it is first seen.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct SeriesMeta {
    pub route: u32,
    pub rule: u16,
    pub kind: MetaKind,
}

impl SeriesMeta {
    pub const IGNORE: SeriesMeta = SeriesMeta {
        route: 0,
        rule: 0,
        kind: MetaKind::Ignore,
    };
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PrehashedHasher>>;

#[derive(Debug)]
pub struct Compiled {
    pub preset: Preset,
    names: FastMap<Box<str>, NameHit>,
    families: HashSet<Box<str>>,
    suffix_rules: Vec<u16>,
}

impl Compiled {
    pub fn new(preset: Preset) -> Self {
        let mut names: FastMap<Box<str>, NameHit> = FastMap::default();
        let mut families = HashSet::new();
        let mut suffix_rules = Vec::new();
        for (i, rule) in preset.rules.iter().enumerate() {
            let i = i as u16;
            if rule.name_match != NameMatch::Exact {
                suffix_rules.push(i);
                continue;
            }
            let mut put = |name: String, part: Part, base: &str| {
                families.insert(Box::from(name.as_str()));
                names.entry(Box::from(name)).or_insert(NameHit {
                    rule: i,
                    part,
                    base: hash_bytes(base.as_bytes()),
                });
            };
            let n = rule.name.as_str();
            if rule.role.is_histogram() {
                let count = if rule.role.counts_responses() {
                    Part::Count
                } else {
                    Part::Skip
                };
                put(format!("{n}_bucket"), Part::Bucket, n);
                put(format!("{n}_count"), count, n);
                put(format!("{n}_sum"), Part::Skip, n);
                put(format!("{n}_created"), Part::Created, n);
                families.insert(Box::from(n));
            } else if let Some(base) = n.strip_suffix("_total") {
                put(n.to_string(), Part::Value, base);
                put(format!("{base}_created"), Part::Created, base);
                families.insert(Box::from(base));
            } else {
                put(n.to_string(), Part::Value, n);
                put(format!("{n}_total"), Part::Value, n);
                put(format!("{n}_created"), Part::Created, n);
            }
        }
        Compiled {
            preset,
            names,
            families,
            suffix_rules,
        }
    }

    /// The parser's filter: does the preset read this family?
    pub fn wants(&self, family: &str) -> bool {
        self.families.contains(family)
            || self.suffix_rules.iter().any(|&i| {
                let n = &self.preset.rules[i as usize].name;
                family.ends_with(n.as_str()) || family.ends_with(n.trim_end_matches("_total"))
            })
    }

    /// The rule and part a sample name belongs to, and for name-suffix rules the route
    /// carried in the name.
    pub fn lookup<'s>(&self, sample: &'s str) -> Option<(NameHit, Option<&'s str>)> {
        if let Some(hit) = self.names.get(sample) {
            return Some((*hit, None));
        }
        for &i in &self.suffix_rules {
            let rule = &self.preset.rules[i as usize];
            let NameMatch::Suffix { strip_prefix } = rule.name_match else {
                continue;
            };
            let base_name = rule.name.trim_end_matches("_total");
            let (stem, part) = if let Some(s) = sample.strip_suffix("_created") {
                (s, Part::Created)
            } else {
                (sample.strip_suffix("_total").unwrap_or(sample), Part::Value)
            };
            if let Some(head) = stem.strip_suffix(base_name) {
                let route = head
                    .strip_prefix(strip_prefix)
                    .unwrap_or(head)
                    .trim_matches('_');
                let hit = NameHit {
                    rule: i,
                    part,
                    base: hash_bytes(stem.as_bytes()),
                };
                return Some((hit, Some(route)));
            }
        }
        None
    }

    pub fn has_suffix_rules(&self) -> bool {
        !self.suffix_rules.is_empty()
    }

    pub fn rule(&self, i: u16) -> &FamilyRule {
        &self.preset.rules[i as usize]
    }
}

pub fn passes_filters(rule: &FamilyRule, labels: &dyn LabelView) -> bool {
    rule.require
        .iter()
        .all(|(n, v)| labels.label(n).is_some_and(|x| x == v.as_str()))
        && !rule
            .exclude
            .iter()
            .any(|(n, v)| labels.label(n).is_some_and(|x| x == v.as_str()))
}

pub fn route_of(
    rule: &FamilyRule,
    labels: &dyn LabelView,
    name_route: Option<&str>,
    routes: &mut RouteTable,
) -> u32 {
    let method = rule
        .method_label
        .as_deref()
        .and_then(|m| labels.label(m))
        .filter(|m| !m.is_empty());
    let method = method.as_deref();
    match &rule.route {
        RouteRule::Gateway => routes.intern(method, GATEWAY_ROUTE),
        RouteRule::FromName => routes.intern(method, name_route.unwrap_or(GATEWAY_ROUTE)),
        RouteRule::FirstOf(names, fallback) => {
            let value = names
                .iter()
                .filter_map(|n| labels.label(n))
                .find(|v| !v.is_empty());
            match value {
                Some(v) => routes.intern(method, &v),
                None => routes.intern(method, fallback),
            }
        }
        RouteRule::Join(names) => {
            let parts: Vec<Cow<'_, str>> = names
                .iter()
                .filter_map(|n| labels.label(n))
                .filter(|v| !v.is_empty())
                .collect();
            if parts.is_empty() {
                routes.intern(method, GATEWAY_ROUTE)
            } else {
                routes.intern(method, &parts.join(" "))
            }
        }
    }
}

fn responder_of(rule: &ResponderRule, labels: &dyn LabelView) -> Responder {
    match rule {
        ResponderRule::Unknown => Responder::Unknown,
        ResponderRule::Fixed(r) => *r,
        ResponderRule::Label {
            name,
            gateway,
            upstream,
        } => match labels.label(name) {
            Some(v) if gateway.iter().any(|g| *g == v) => Responder::Gateway,
            Some(v) if upstream.iter().any(|u| *u == v) => Responder::Upstream,
            _ => Responder::Unknown,
        },
    }
}

/// What a new series means. Series that fail a filter, lack a parsable status or `le`, or are
/// parts a role does not read are [`MetaKind::Ignore`] (and cost nothing after).
pub fn build_meta(
    compiled: &Compiled,
    hit: NameHit,
    name_route: Option<&str>,
    labels: &dyn LabelView,
    routes: &mut RouteTable,
) -> SeriesMeta {
    let rule = compiled.rule(hit.rule);
    if !passes_filters(rule, labels) {
        return SeriesMeta::IGNORE;
    }
    let status = || {
        let label = rule.status.label()?;
        rule.status.parse(&labels.label(label)?)
    };
    let kind = match (rule.role, hit.part) {
        (Role::Responses, Part::Value) | (Role::LatencyAndResponses(_), Part::Count) => {
            match status() {
                Some(s) => MetaKind::Status(s, responder_of(&rule.responder, labels)),
                None => MetaKind::Ignore,
            }
        }
        (Role::LatencyAndResponses(unit) | Role::Latency(unit), Part::Bucket) => {
            match labels.label("le").as_deref().and_then(parse_le) {
                Some(le) => MetaKind::Bucket(unit.to_ms(le)),
                None => MetaKind::Ignore,
            }
        }
        (
            Role::Requests
            | Role::HandlerErrors
            | Role::RateLimited
            | Role::RateLimitPassed
            | Role::Denied,
            Part::Value,
        ) => MetaKind::Counter,
        _ => MetaKind::Ignore,
    };
    if kind == MetaKind::Ignore {
        return SeriesMeta::IGNORE;
    }
    SeriesMeta {
        route: route_of(rule, labels, name_route, routes),
        rule: hit.rule,
        kind,
    }
}
