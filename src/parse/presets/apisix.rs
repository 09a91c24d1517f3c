//! Apache APISIX prometheus plugin.
//!
//! Route = `route` label (id, or name with `prefer_name`), else `matched_uri`; statuses exact;
//! `response_source` (recent versions) tells who answered: `apisix` (APISIX itself, e.g. a
//! limit plugin) and `nginx` (proxied, no upstream header came back) are the gateway.

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let route = |r: FamilyRule| r.route(&["route", "matched_uri"], "(no route)");
    let rules = vec![
        route(FamilyRule::new(Role::Responses, "apisix_http_status"))
            .exact("code")
            .responder("response_source", &["apisix", "nginx"], &["upstream"]),
        route(FamilyRule::new(
            Role::Latency(TimeUnit::Ms),
            "apisix_http_latency",
        ))
        .require("type", "request"),
    ];
    Preset {
        name: "apisix",
        detect: vec!["apisix_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::GatewayStatusShare(vec![429, 503]),
        hook: None,
        shadow_levels: false,
        doc: doc(
            "APISIX route (`route`: id, or name with prefer_name), else matched_uri",
            "exact (`code`); responder from response_source where present",
            "apisix_http_latency{type=\"request\"} (ms)",
            "share of gateway-made 429/503 (limit-req/count/conn reject with rejected_code, default 503)",
            &["a gateway-made 503 may also be APISIX failing to reach an upstream"],
        ),
    }
}
