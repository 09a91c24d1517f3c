//! Envoy admin `/stats/prometheus`.
//!
//! Route = upstream cluster (`envoy_cluster_name`); statuses exact (`envoy_response_code`);
//! latency `envoy_cluster_upstream_rq_time` (ms). Rate limiting has dedicated counters: the
//! global filter's `envoy_cluster_ratelimit_over_limit` (per cluster) and the local filter's
//! `envoy_http_local_rate_limit_rate_limited` (per stat prefix; older versions fold the prefix
//! into the name). Refused requests never reach the cluster's `upstream_rq`, so the hook adds
//! them as gateway-made 429s.

use crate::model::status::{Responder, Status};
use crate::model::traffic::StatusDetail;

use super::aggregate::HookCtx;
use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let cluster = |r: FamilyRule| r.route(&["envoy_cluster_name"], "(no cluster)");
    let prefix =
        |r: FamilyRule| r.route(&["envoy_local_http_ratelimit_prefix"], "(local rate limit)");
    let rules = vec![
        cluster(
            FamilyRule::new(Role::Responses, "envoy_cluster_upstream_rq")
                .exact("envoy_response_code"),
        ),
        cluster(FamilyRule::new(
            Role::Latency(TimeUnit::Ms),
            "envoy_cluster_upstream_rq_time",
        )),
        cluster(FamilyRule::new(
            Role::RateLimited,
            "envoy_cluster_ratelimit_over_limit",
        )),
        prefix(FamilyRule::new(
            Role::RateLimited,
            "envoy_http_local_rate_limit_rate_limited",
        )),
        prefix(FamilyRule::new(
            Role::RateLimitPassed,
            "envoy_http_local_rate_limit_ok",
        )),
        FamilyRule::new(Role::RateLimited, "_http_local_rate_limit_rate_limited")
            .route_from_name("envoy_"),
        FamilyRule::new(Role::RateLimitPassed, "_http_local_rate_limit_ok")
            .route_from_name("envoy_"),
    ];
    Preset {
        name: "envoy",
        detect: vec!["envoy_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: false,
        rate_limit: RateLimitSignal::Counters,
        hook: Some(rate_limited_are_gateway_429s),
        shadow_levels: false,
        doc: doc(
            "upstream cluster (envoy_cluster_name); local rate limits by their stat prefix",
            "exact (envoy_cluster_upstream_rq{envoy_response_code}); only final responses, retries are not counted twice",
            "envoy_cluster_upstream_rq_time (ms)",
            "dedicated counters: envoy_cluster_ratelimit_over_limit (global), envoy_http_local_rate_limit_rate_limited ÷ (rate_limited + ok) (local)",
            &["virtual-cluster and route-level stats (envoy_virtual_cluster, envoy_route) are not read; use the generic preset for them"],
        ),
    }
}

fn rate_limited_are_gateway_429s(ctx: &mut HookCtx<'_>) {
    for acc in ctx.accs.iter_mut().filter(|a| a.seen) {
        if let Some(limited) = acc.rate_limited {
            acc.add_status(Status::Code(429), Responder::Gateway, limited);
        }
    }
}
