//! Traefik v2/v3.
//!
//! Route = router (`addRoutersLabels`, off by default), else service, else entrypoint: the
//! three levels count the same requests, so only the most detailed level present is read.
//! Statuses exact; histograms in seconds.
//!
//! Router metrics wrap the router's middlewares, service metrics sit inside the service, so a
//! 429 from the RateLimit middleware counts on the router and never on its service: at router
//! level, the hook splits each router's 429s into gateway-made (router − service) and the
//! upstream's own, when the router is the only one in front of its service.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::status::{Responder, Status};
use crate::model::traffic::{Saturation, StatusDetail};

use super::aggregate::HookCtx;
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
        let responses = FamilyRule::new(Role::Responses, &format!("traefik_{kind}_requests_total"))
            .route(&[label], "(none)")
            .exact("code")
            .level(0, level);
        rules.push(if kind == "router" {
            responses.companion("service")
        } else {
            responses
        });
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
        hook: Some(split_router_429s),
        shadow_levels: true,
        doc: doc(
            "router (name@provider) when addRoutersLabels is on, else service, else entrypoint",
            "exact (`code`)",
            "traefik_<level>_request_duration_seconds (s → ms; default buckets 0.1, 0.3, 1.2, 5 s)",
            "share of gateway-made 429s at router level (router 429s − its service's); 429 share otherwise",
            &["only the most detailed level present is read, so requests are not counted two or three times"],
        ),
    }
}

fn split_router_429s(ctx: &mut HookCtx<'_>) {
    let mut routers_per_service: HashMap<u32, u32> = HashMap::new();
    for (r, acc) in ctx.accs.iter().enumerate() {
        if let (true, Some(Some(s))) = (acc.seen, ctx.companions.get(r)) {
            *routers_per_service.entry(*s).or_insert(0) += 1;
        }
    }
    for r in 0..ctx.accs.len() {
        let Some(Some(service)) = ctx.companions.get(r).copied() else {
            continue;
        };
        let Some(inner) = ctx.shadow.get(service as usize) else {
            continue;
        };
        if !ctx.accs[r].seen || routers_per_service.get(&service) != Some(&1) || !inner.has_any() {
            continue;
        }
        let acc = &mut ctx.accs[r];
        let at_router = acc.count_codes(&[429], None);
        let from_service = inner.count_codes(&[429], None).min(at_router);
        acc.statuses.retain(|(s, _, _)| *s != Status::Code(429));
        acc.add_status(
            Status::Code(429),
            Responder::Gateway,
            at_router - from_service,
        );
        acc.add_status(Status::Code(429), Responder::Upstream, from_service);
        let requests = acc.responses();
        if requests > 0.0 {
            acc.saturation = Some(Saturation {
                value: ((at_router - from_service) / requests).clamp(0.0, 1.0),
                signal: Arc::from("429 share (gateway: router minus service)"),
            });
        }
    }
}
