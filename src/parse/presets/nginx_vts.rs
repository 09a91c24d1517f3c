//! nginx with nginx-module-vts (`/status/format/prometheus`).
//!
//! Route = server zone (`host`; the `*` zone is the sum of all and is skipped). Statuses are
//! exact from `nginx_vts_status_code_requests_total` when `measure_status_codes` is on, else
//! classes from `nginx_vts_server_requests_total` (its `code="total"` series is skipped).

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let zone = |r: FamilyRule| r.route(&["host"], "(no zone)").exclude("host", "*");
    let rules = vec![
        zone(FamilyRule::new(
            Role::Responses,
            "nginx_vts_status_code_requests_total",
        ))
        .exact("code")
        .level(0, 0),
        zone(FamilyRule::new(
            Role::Responses,
            "nginx_vts_server_requests_total",
        ))
        .class("code")
        .level(0, 1),
        zone(FamilyRule::new(
            Role::Latency(TimeUnit::S),
            "nginx_vts_server_request_duration_seconds",
        )),
    ];
    Preset {
        name: "nginx-vts",
        detect: vec!["nginx_vts_"],
        rules,
        default_detail: StatusDetail::ClassOnly,
        gateway_only: false,
        rate_limit: RateLimitSignal::StatusShare(vec![429, 503]),
        hook: None,
        shadow_levels: false,
        doc: doc(
            "server zone (`host`; the `*` total zone is skipped)",
            "exact from nginx_vts_status_code_requests_total (measure_status_codes), else class only",
            "nginx_vts_server_request_duration_seconds (s → ms)",
            "429/503 share when codes are exact (limit_req_status defaults to 503); none with classes only",
            &[],
        ),
    }
}
