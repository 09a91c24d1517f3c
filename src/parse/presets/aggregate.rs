//! Per-route sums of one scrape's increases, the hook context presets adjust them through, and
//! the conversion into [`RouteDelta`]s with saturation.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::model::route::RouteKey;
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::{RouteDelta, Saturation};
use crate::sanitize::sanitize;

use super::latency::{BucketIncreases, LayoutCache};
use super::options::PresetOptions;
use super::spec::{GaugeKind, RateLimitSignal};

/// Routes seen by one mapper, interned: a series stores a `u32`, not strings.
#[derive(Debug, Default)]
pub struct RouteTable {
    keys: Vec<RouteKey>,
    index: HashMap<(Option<Box<str>>, Box<str>), u32>,
}

impl RouteTable {
    /// The index of the route, adding it on first sight. Names are sanitised once, here.
    pub fn intern(&mut self, method: Option<&str>, route: &str) -> u32 {
        if let Some(&i) = self.index.get(&(method.map(Box::from), Box::from(route))) {
            return i;
        }
        let i = self.keys.len() as u32;
        let key = RouteKey::new(method.map(|m| sanitize(m)).as_deref(), &sanitize(route));
        self.keys.push(key);
        self.index
            .insert((method.map(Box::from), Box::from(route)), i);
        i
    }

    pub fn key(&self, i: u32) -> &RouteKey {
        &self.keys[i as usize]
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The route displayed as `name` (method-less), if seen.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.index.get(&(None, Box::from(name))).copied()
    }
}

/// One route's sums for the scrape being finished. `Option` fields are `None` when the
/// gateway exported no such series for the route this scrape.
#[derive(Clone, Debug, Default)]
pub struct RouteAcc {
    pub seen: bool,
    /// A responses series (per status) exists for the route.
    pub has_responses: bool,
    pub statuses: Vec<(Status, Responder, f64)>,
    pub requests: Option<f64>,
    pub handler_errors: Option<f64>,
    pub rate_limited: Option<f64>,
    pub rate_limit_passed: Option<f64>,
    pub denied: Option<f64>,
    pub latency: BucketIncreases,
    pub gauges: Vec<(GaugeKind, f64)>,
    pub saturation: Option<Saturation>,
    /// Set by a hook: not a route (a stick-table holder backend).
    pub hidden: bool,
}

pub fn add_to(slot: &mut Option<f64>, v: f64) {
    *slot = Some(slot.unwrap_or(0.0) + v);
}

impl RouteAcc {
    pub fn add_status(&mut self, status: Status, responder: Responder, n: f64) {
        match self
            .statuses
            .iter_mut()
            .find(|(s, r, _)| *s == status && *r == responder)
        {
            Some((_, _, c)) => *c += n,
            None => self.statuses.push((status, responder, n)),
        }
    }

    /// Whether any response series fed this route this scrape.
    pub fn has_any(&self) -> bool {
        !self.statuses.is_empty()
    }

    pub fn responses(&self) -> f64 {
        self.statuses.iter().map(|s| s.2).sum()
    }

    pub fn gauge(&self, kind: GaugeKind) -> Option<f64> {
        self.gauges.iter().find(|g| g.0 == kind).map(|g| g.1)
    }

    /// Responses with one of `codes`, by `responder` (any when `None`).
    pub fn count_codes(&self, codes: &[u16], responder: Option<Responder>) -> f64 {
        self.statuses
            .iter()
            .filter(|(s, r, _)| {
                s.code().is_some_and(|c| codes.contains(&c)) && responder.is_none_or(|w| w == *r)
            })
            .map(|s| s.2)
            .sum()
    }
}

/// What a preset hook sees and may change.
pub struct HookCtx<'a> {
    pub routes: &'a mut RouteTable,
    pub accs: &'a mut Vec<RouteAcc>,
    pub options: &'a PresetOptions,
    /// Scrapes the increases cover: 1 between two consecutive successes, 0 when counting
    /// from zero (lifetime totals).
    pub scrapes_covered: u32,
    /// Notes for the user about this scrape's numbers (e.g. what nginx subtraction did).
    pub notes: &'a mut Vec<String>,
    /// Routes a hook wants kept visible even in scrapes where they saw nothing.
    pub sticky: &'a mut HashSet<u32>,
    /// Responses of the levels not chosen, by route ([`super::spec::Preset::shadow_levels`]).
    pub shadow: &'a [RouteAcc],
    /// Per route, the related route named by a rule's companion label.
    pub companions: &'a [Option<u32>],
}

impl HookCtx<'_> {
    pub fn intern(&mut self, route: &str) -> u32 {
        let i = self.routes.intern(None, route);
        if self.accs.len() <= i as usize {
            self.accs.resize_with(i as usize + 1, RouteAcc::default);
        }
        i
    }

    pub fn name(&self, i: u32) -> &str {
        &self.routes.key(i).route
    }
}

/// How a route's saturation is found when no hook set it.
pub struct SaturationRule<'a> {
    pub signal: &'a RateLimitSignal,
    pub limit_rps: Option<f64>,
    pub covered_secs: f64,
}

/// A share clamped to 0..=1, never `-0` (an empty float sum is `-0.0`, which would show as
/// "-0%") and never NaN.
fn unit(v: f64) -> f64 {
    if v > 0.0 {
        v.min(1.0)
    } else {
        0.0
    }
}

pub fn saturation(acc: &RouteAcc, rule: &SaturationRule<'_>) -> Option<Saturation> {
    let requests = acc.responses();
    let share = |part: f64, whole: f64, signal: String| {
        (whole > 0.0).then(|| Saturation {
            value: unit(part / whole),
            signal: Arc::from(signal),
        })
    };
    if let (RateLimitSignal::Counters, Some(limited)) = (rule.signal, acc.rate_limited) {
        let whole = match acc.rate_limit_passed {
            Some(passed) => limited + passed,
            None => requests,
        };
        return share(
            limited,
            whole,
            "rate-limited share (gateway counter)".into(),
        );
    }
    if let Some(limit) = rule.limit_rps.filter(|l| *l > 0.0) {
        if rule.covered_secs > 0.0 {
            let rps = requests / rule.covered_secs;
            return Some(Saturation {
                value: unit(rps / limit),
                signal: Arc::from(format!("observed rate vs configured limit {limit} rps")),
            });
        }
    }
    if acc.statuses.iter().all(|s| s.0.code().is_none()) {
        // Classes only: a 429 share cannot be told apart from other 4xx.
        return None;
    }
    match rule.signal {
        RateLimitSignal::GatewayStatusShare(codes) => share(
            acc.count_codes(codes, Some(Responder::Gateway)),
            requests,
            format!("{} share (gateway)", codes_label(codes)),
        ),
        RateLimitSignal::StatusShare(codes) => share(
            acc.count_codes(codes, None),
            requests,
            format!("{} share (responder unknown)", codes_label(codes)),
        ),
        RateLimitSignal::None | RateLimitSignal::Counters => None,
    }
}

fn codes_label(codes: &[u16]) -> String {
    codes
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// What saturation needs to know about the scrape as a whole.
#[derive(Clone, Copy)]
pub struct ScrapeSaturation<'a> {
    pub signal: &'a RateLimitSignal,
    pub options: &'a PresetOptions,
    pub covered_secs: f64,
}

/// Turns the accumulated routes into deltas, sorted by route.
pub fn into_deltas(
    routes: &RouteTable,
    accs: &mut [RouteAcc],
    sticky: &HashSet<u32>,
    at: Timestamp,
    layouts: &mut LayoutCache,
    scrape: &ScrapeSaturation<'_>,
) -> Vec<RouteDelta> {
    let ScrapeSaturation {
        signal,
        options,
        covered_secs,
    } = *scrape;
    let mut out = Vec::new();
    for (i, acc) in accs.iter_mut().enumerate() {
        let i = i as u32;
        if acc.hidden || !(acc.seen || sticky.contains(&i)) {
            continue;
        }
        let key = routes.key(i);
        if acc.saturation.is_none() {
            let rule = SaturationRule {
                signal,
                limit_rps: options.rate_limits_rps.get(&*key.route).copied(),
                covered_secs,
            };
            acc.saturation = saturation(acc, &rule);
        }
        let mut delta = RouteDelta::new(key.clone(), at);
        for &(status, responder, n) in &acc.statuses {
            delta.add(status, responder, n.max(0.0).round() as u64);
        }
        delta.statuses.sort_by_key(|s| (s.status, s.responder));
        delta.latency = acc.latency.to_histogram(layouts);
        delta.saturation = acc.saturation.take();
        out.push(delta);
    }
    out.sort_by(|a, b| a.route.cmp(&b.route));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::StatusClass;

    fn acc(statuses: &[(Status, Responder, f64)]) -> RouteAcc {
        RouteAcc {
            seen: true,
            statuses: statuses.to_vec(),
            ..RouteAcc::default()
        }
    }

    #[test]
    fn no_rate_limited_requests_is_a_plain_zero_not_minus_zero() {
        let a = acc(&[(Status::Code(200), Responder::Upstream, 70.0)]);
        let rule = SaturationRule {
            signal: &RateLimitSignal::GatewayStatusShare(vec![429]),
            limit_rps: None,
            covered_secs: 10.0,
        };
        let s = saturation(&a, &rule).expect("a share");
        assert!(s.value.is_sign_positive(), "{}", s.value);
        assert_eq!(format!("{:.0}%", s.value * 100.0), "0%");
    }

    #[test]
    fn saturation_signals() {
        let gw = Responder::Gateway;
        let up = Responder::Upstream;
        let a = acc(&[
            (Status::Code(200), up, 70.0),
            (Status::Code(429), gw, 20.0),
            (Status::Code(429), up, 10.0),
        ]);
        let rule = |signal: &RateLimitSignal, limit| {
            saturation(
                &a,
                &SaturationRule {
                    signal,
                    limit_rps: limit,
                    covered_secs: 10.0,
                },
            )
        };
        let by_gateway = rule(&RateLimitSignal::GatewayStatusShare(vec![429]), None).unwrap();
        assert!((by_gateway.value - 0.2).abs() < 1e-12);
        assert_eq!(&*by_gateway.signal, "429 share (gateway)");
        let any = rule(&RateLimitSignal::StatusShare(vec![429]), None).unwrap();
        assert!((any.value - 0.3).abs() < 1e-12);
        // 100 requests in 10 s = 10 rps against a limit of 40 rps.
        let limit = rule(&RateLimitSignal::StatusShare(vec![429]), Some(40.0)).unwrap();
        assert!((limit.value - 0.25).abs() < 1e-12);
        assert_eq!(rule(&RateLimitSignal::None, None), None);

        let mut envoy = acc(&[(Status::Code(200), up, 90.0)]);
        envoy.rate_limited = Some(10.0);
        let s = saturation(
            &envoy,
            &SaturationRule {
                signal: &RateLimitSignal::Counters,
                limit_rps: None,
                covered_secs: 1.0,
            },
        )
        .unwrap();
        assert!((s.value - 10.0 / 90.0).abs() < 1e-12);
        envoy.rate_limit_passed = Some(30.0);
        let s = saturation(
            &envoy,
            &SaturationRule {
                signal: &RateLimitSignal::Counters,
                limit_rps: None,
                covered_secs: 1.0,
            },
        )
        .unwrap();
        assert!((s.value - 0.25).abs() < 1e-12);
    }

    #[test]
    fn no_requests_means_no_saturation_rather_than_zero() {
        let a = acc(&[]);
        let rule = SaturationRule {
            signal: &RateLimitSignal::StatusShare(vec![429]),
            limit_rps: None,
            covered_secs: 5.0,
        };
        assert_eq!(saturation(&a, &rule), None);
    }

    #[test]
    fn route_table_interns_and_sanitises() {
        let mut t = RouteTable::default();
        let a = t.intern(None, "be_orders");
        let b = t.intern(Some("GET"), "be_orders");
        assert_ne!(a, b);
        assert_eq!(t.intern(None, "be_orders"), a);
        let evil = t.intern(None, "x\u{1b}[31my");
        assert_eq!(&*t.key(evil).route, "xy");
        assert_eq!(t.find("be_orders"), Some(a));
        let mut accs = vec![RouteAcc::default(); t.len()];
        accs[a as usize] = acc(&[(
            Status::Class(StatusClass::ServerError),
            Responder::Unknown,
            2.4,
        )]);
        let deltas = into_deltas(
            &t,
            &mut accs,
            &HashSet::new(),
            Timestamp(5),
            &mut LayoutCache::default(),
            &ScrapeSaturation {
                signal: &RateLimitSignal::None,
                options: &PresetOptions::default(),
                covered_secs: 1.0,
            },
        );
        assert_eq!(deltas.len(), 1);
        assert_eq!(deltas[0].requests(), 2);
    }
}
