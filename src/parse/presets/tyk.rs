//! Tyk Pump's prometheus pump.
//!
//! Route = `api` + `path` (+ method) from `tyk_http_status_per_path` when exported, else the
//! API from `tyk_http_status`. Statuses exact. Latency `tyk_latency{type="total"}` (ms) is per
//! API, so it is read only at API level. Counts lag by the pump interval.

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let rules = vec![
        FamilyRule::new(Role::Responses, "tyk_http_status_per_path")
            .route_joined(&["api", "path"])
            .method("method")
            .exact("code")
            .level(0, 0),
        FamilyRule::new(Role::Responses, "tyk_http_status")
            .route(&["api"], "(no api)")
            .exact("code")
            .level(0, 1),
        FamilyRule::new(Role::Latency(TimeUnit::Ms), "tyk_latency")
            .route(&["api"], "(no api)")
            .require("type", "total")
            .level(0, 1),
    ];
    Preset {
        name: "tyk",
        detect: vec!["tyk_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::StatusShare(vec![429]),
        hook: None,
        shadow_levels: false,
        doc: doc(
            "method + `api path` (tyk_http_status_per_path), else `api`",
            "exact (`code`)",
            "tyk_latency{type=\"total\"} (ms), per API: only when routes are APIs",
            "429 share (key rate limit; quota answers 403)",
            &["counts lag by the pump's purge interval"],
        ),
    }
}
