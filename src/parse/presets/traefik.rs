//! Traefik v2/v3.
//!
//! Route = router (`addRoutersLabels`, off by default), else service, else entrypoint: the
//! three levels count the same requests, so only the most detailed level present is read.
//! Statuses exact; histograms in seconds.

use crate::model::traffic::StatusDetail;

use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let mut rules = Vec::new();
    for (level, (kind, label)) in [
        ("router", "router"),
        ("service", "service"),
        ("entrypoint", "entrypoint"),
    ]
    .into_iter()
    .enumerate()
    {
        let level = level as u8;
        rules.push(
            FamilyRule::new(Role::Responses, &format!("traefik_{kind}_requests_total"))
                .route(&[label], "(none)")
                .exact("code")
                .level(0, level),
        );
        rules.push(
            FamilyRule::new(
                Role::Latency(TimeUnit::S),
                &format!("traefik_{kind}_request_duration_seconds"),
            )
            .route(&[label], "(none)")
            .level(0, level),
        );
    }
    Preset {
        name: "traefik",
        detect: vec!["traefik_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::StatusShare(vec![429]),
        hook: None,
        doc: doc(
            "router (name@provider) when addRoutersLabels is on, else service, else entrypoint",
            "exact (`code`)",
            "traefik_<level>_request_duration_seconds (s → ms; default buckets 0.1, 0.3, 1.2, 5 s)",
            "429 share; the RateLimit middleware's 429s count on routers and entrypoints, never on services",
            &["only the most detailed level present is read, so requests are not counted two or three times"],
        ),
    }
}
