//! The `generic` preset: the mapping comes from the config, for gateways (or apps) without a
//! built-in preset.
//!
//! ```toml
//! [targets.edge.generic]
//! requests = "myapp_http_requests_total"   # counter of requests
//! route_labels = ["route"]                 # empty: the gateway as a whole
//! status_label = "code"                    # omit: totals only
//! status = "exact"                         # or "class" (2xx / 5 / other)
//! method_label = "method"
//! responder = { label = "source", gateway = ["proxy"], upstream = ["app"] }
//! latency = { histogram = "myapp_http_request_duration_seconds", unit = "s" }
//! rate_limited = ["myapp_ratelimit_rejected_total"]
//! rate_limit_codes = [429]
//! ```

use serde::Deserialize;

use crate::model::traffic::StatusDetail;

use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, ResponderRule, Role, TimeUnit};
use super::PresetError;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// The label holds exact codes (`502`).
    #[default]
    Exact,
    /// The label holds classes (`5xx`, `5`, `other`).
    Class,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponderMapping {
    /// The label telling who answered.
    pub label: String,
    /// Values that mean the gateway answered itself.
    #[serde(default)]
    pub gateway: Vec<String>,
    /// Values that mean the upstream's answer was passed through.
    #[serde(default)]
    pub upstream: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyMapping {
    /// Histogram family (base name, without `_bucket`).
    pub histogram: String,
    /// Unit of its `le` bounds: `s`, `ms` or `us`.
    pub unit: TimeUnit,
}

/// A config-driven mapping. Family names are as exposed in the text format.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericMapping {
    /// Counter of requests (with `status_label`: per status).
    pub requests: String,
    /// Labels naming the route, joined by a space; empty means the gateway as a whole.
    #[serde(default)]
    pub route_labels: Vec<String>,
    /// Label holding the status; without it the counter gives totals only.
    pub status_label: Option<String>,
    #[serde(default)]
    pub status: StatusKind,
    /// Label holding the HTTP method, when the route should include it.
    pub method_label: Option<String>,
    pub responder: Option<ResponderMapping>,
    pub latency: Option<LatencyMapping>,
    /// Counters of requests refused by a rate limiter, labelled like `requests`. They give
    /// saturation (refused ÷ requests); they are not added to the status counts, on the
    /// assumption that the refused requests already appear in `requests` with their status.
    #[serde(default)]
    pub rate_limited: Vec<String>,
    /// Statuses that mean "rate limited" for the 429-share signal (default `[429]`).
    #[serde(default)]
    pub rate_limit_codes: Vec<u16>,
}

fn route_rule(rule: FamilyRule, m: &GenericMapping) -> FamilyRule {
    let labels: Vec<&str> = m.route_labels.iter().map(String::as_str).collect();
    let rule = match labels.len() {
        0 => rule,
        1 => rule.route(&labels, "(none)"),
        _ => rule.route_joined(&labels),
    };
    match &m.method_label {
        Some(method) => rule.method(method),
        None => rule,
    }
}

pub fn preset(m: &GenericMapping) -> Result<Preset, PresetError> {
    if m.requests.trim().is_empty() {
        return Err(PresetError::InvalidGeneric(
            "`requests` names no counter".into(),
        ));
    }
    let mut rules = Vec::new();
    let requests = match &m.status_label {
        Some(label) => {
            let r = FamilyRule::new(Role::Responses, &m.requests);
            match m.status {
                StatusKind::Exact => r.exact(label),
                StatusKind::Class => r.class(label),
            }
        }
        None => FamilyRule::new(Role::Requests, &m.requests),
    };
    let mut requests = route_rule(requests, m);
    if let Some(r) = &m.responder {
        requests.responder = ResponderRule::Label {
            name: r.label.clone(),
            gateway: r.gateway.clone(),
            upstream: r.upstream.clone(),
        };
    }
    rules.push(requests);
    if let Some(l) = &m.latency {
        rules.push(route_rule(
            FamilyRule::new(Role::Latency(l.unit), &l.histogram),
            m,
        ));
    }
    for c in &m.rate_limited {
        rules.push(route_rule(FamilyRule::new(Role::RateLimited, c), m));
    }
    let codes = if m.rate_limit_codes.is_empty() {
        vec![429]
    } else {
        m.rate_limit_codes.clone()
    };
    let rate_limit = if !m.rate_limited.is_empty() {
        RateLimitSignal::Counters
    } else if m.responder.is_some() {
        RateLimitSignal::GatewayStatusShare(codes)
    } else {
        RateLimitSignal::StatusShare(codes)
    };
    let route_doc = if m.route_labels.is_empty() {
        "the gateway as a whole (no route labels configured)".to_string()
    } else {
        format!("label(s) {}", m.route_labels.join(" + "))
    };
    let status_doc = match (&m.status_label, &m.status) {
        (None, _) => "none (totals only)".to_string(),
        (Some(l), StatusKind::Exact) => format!("exact codes from label {l}"),
        (Some(l), StatusKind::Class) => format!("classes from label {l}"),
    };
    let latency_doc = match &m.latency {
        Some(l) => format!("histogram {} ({} → ms)", l.histogram, l.unit.label()),
        None => "none".to_string(),
    };
    let rl_doc = if m.rate_limited.is_empty() {
        "share of rate-limit statuses".to_string()
    } else {
        format!("counters {}", m.rate_limited.join(", "))
    };
    Ok(Preset {
        name: "generic",
        detect: Vec::new(),
        rules,
        default_detail: if m.status_label.is_some() {
            StatusDetail::Exact
        } else {
            StatusDetail::TotalsOnly
        },
        gateway_only: m.route_labels.is_empty(),
        rate_limit,
        hook: if m.status_label.is_none() {
            Some(super::nginx::totals_as_requests)
        } else {
            None
        },
        shadow_levels: false,
        doc: doc(&route_doc, &status_doc, &latency_doc, &rl_doc, &[]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_mapping_and_rejects_unknown_keys() {
        let m: GenericMapping = toml::from_str(
            r#"
            requests = "app_requests_total"
            route_labels = ["service", "route"]
            status_label = "code"
            status = "class"
            method_label = "method"
            responder = { label = "source", gateway = ["proxy"] }
            latency = { histogram = "app_latency_seconds", unit = "s" }
            rate_limited = ["app_throttled_total"]
            "#,
        )
        .unwrap();
        let p = preset(&m).unwrap();
        assert_eq!(p.rules.len(), 3);
        assert_eq!(p.rate_limit, RateLimitSignal::Counters);
        assert!(!p.gateway_only);
        assert!(toml::from_str::<GenericMapping>("requests = \"x\"\nroute_label = \"r\"").is_err());
        let bare: GenericMapping = toml::from_str("requests = \"x_total\"").unwrap();
        let p = preset(&bare).unwrap();
        assert!(p.gateway_only);
        assert_eq!(p.default_detail, StatusDetail::TotalsOnly);
    }
}
