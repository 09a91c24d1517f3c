//! KrakenD with `telemetry/opentelemetry` and its prometheus exporter.
//!
//! Route = `http_route` (the endpoint pattern); statuses exact from
//! `http_response_status_code` on the `_count` of the server duration histogram, whose name
//! depends on the semantic-conventions version and the exporter's unit suffixing.

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let names = [
        ("http_server_duration_seconds", TimeUnit::S),
        ("http_server_request_duration_seconds", TimeUnit::S),
        ("http_server_duration", TimeUnit::S),
        ("http_server_duration_milliseconds", TimeUnit::Ms),
    ];
    let rules = names
        .iter()
        .enumerate()
        .map(|(i, (name, unit))| {
            FamilyRule::new(Role::LatencyAndResponses(*unit), name)
                .route(&["http_route"], "(no route)")
                .exact("http_response_status_code")
                .level(0, i as u8)
        })
        .collect();
    Preset {
        name: "krakend",
        detect: vec!["krakend_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::StatusShare(vec![429]),
        hook: None,
        shadow_levels: false,
        doc: doc(
            "KrakenD endpoint pattern (`http_route`)",
            "exact (`http_response_status_code`), but KrakenD answers 500 for any backend ≥ 400 unless the backend uses no-op encoding",
            "http.server.duration histogram (s → ms)",
            "429 share (client_max_rate); an endpoint max_rate answers 503, indistinguishable from other 503s",
            &[],
        ),
    }
}
