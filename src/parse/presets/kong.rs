//! Kong's prometheus plugin: 3.x (`kong_http_requests_total`, opt-in `status_code_metrics`,
//! `latency_metrics`) and 1.x/2.x (`kong_http_status`, `kong_latency{type}`).
//!
//! Route = Kong route name (its id when unnamed), else the service. Statuses exact; `source`
//! tells who answered (`kong` = the gateway: plugin exit, auth failure, proxy error).

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let route = |r: FamilyRule| r.route(&["route", "service"], "(no route)");
    let rules = vec![
        route(FamilyRule::new(Role::Responses, "kong_http_requests_total"))
            .exact("code")
            .responder("source", &["kong", "exit", "error"], &["service"])
            .level(0, 0),
        route(FamilyRule::new(
            Role::Latency(TimeUnit::Ms),
            "kong_request_latency_ms",
        ))
        .level(0, 0),
        route(FamilyRule::new(Role::Responses, "kong_http_status"))
            .exact("code")
            .level(0, 1),
        route(FamilyRule::new(Role::Latency(TimeUnit::Ms), "kong_latency"))
            .require("type", "request")
            .level(0, 1),
    ];
    Preset {
        name: "kong",
        detect: vec!["kong_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::GatewayStatusShare(vec![429]),
        hook: None,
        shadow_levels: false,
        doc: doc(
            "Kong route (`route` label: name, or id when unnamed), else `service`",
            "exact (`code`); responder from `source` (kong = gateway, service = upstream; 2.x has no source)",
            "kong_request_latency_ms (3.x) or kong_latency{type=\"request\"} (2.x), ms",
            "share of 429s made by Kong (code=429, source=kong); 2.x cannot tell who made a 429",
            &["3.x needs status_code_metrics / latency_metrics enabled; requests matching no route are not counted"],
        ),
    }
}
