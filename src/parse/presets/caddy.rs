//! Caddy 2.6–2.8 (`servers { metrics }`) and 2.9+ (global `metrics`, optional `per_host`).
//!
//! Caddy has no route label: the route is the gateway as a whole unless the options split it
//! by server or (2.9+ `per_host`) host. Statuses are exact, from the `_count` of
//! `caddy_http_request_duration_seconds`. Requests whose handler returned an error (proxy dial
//! failure → 502, header timeout → 504) are in `caddy_http_requests_total` and
//! `caddy_http_request_errors_total` but in no histogram: the hook adds them back as
//! `5xx, code unknown`, made by the gateway.

use crate::model::status::{Responder, Status, StatusClass};
use crate::model::traffic::StatusDetail;

use super::aggregate::HookCtx;
use super::options::{CaddyRoute, PresetOptions};
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role, TimeUnit};

pub fn preset(opts: &PresetOptions) -> Preset {
    let route = |r: FamilyRule| match opts.caddy.route {
        CaddyRoute::Gateway => r,
        CaddyRoute::Server => r.route(&["server"], "(gateway)"),
        CaddyRoute::Host => r.route(&["host", "server"], "(gateway)"),
    };
    let rules = vec![
        route(
            FamilyRule::new(
                Role::LatencyAndResponses(TimeUnit::S),
                "caddy_http_request_duration_seconds",
            )
            .exact("code"),
        ),
        route(FamilyRule::new(Role::Requests, "caddy_http_requests_total")),
        route(FamilyRule::new(
            Role::HandlerErrors,
            "caddy_http_request_errors_total",
        )),
    ];
    let route_doc = match opts.caddy.route {
        CaddyRoute::Gateway => "the gateway as a whole (Caddy exports no route label; per-route numbers come from its access log)",
        CaddyRoute::Server => "Caddy server name (`server` label: srv0, srv1, …)",
        CaddyRoute::Host => "`host` label (Caddy 2.9+ with `per_host`), else the server name",
    };
    Preset {
        name: "caddy",
        detect: vec!["caddy_"],
        rules,
        default_detail: StatusDetail::Exact,
        gateway_only: opts.caddy.route == CaddyRoute::Gateway,
        rate_limit: RateLimitSignal::None,
        hook: Some(reconcile_handler_errors),
        shadow_levels: false,
        doc: doc(
            route_doc,
            "exact, from caddy_http_request_duration_seconds_count{code}; handler errors (Caddy's own 502/504) as 5xx with the code unknown",
            "caddy_http_request_duration_seconds (s → ms)",
            "none (Caddy has no built-in limiter)",
            &[
                "series appear only after the first request; without `servers { metrics }` (2.6–2.8) there are no caddy_http_* series at all",
                "caddy_reverse_proxy_upstreams_healthy says 1 for a dead upstream unless active health checks are configured",
            ],
        ),
    }
}

/// Requests counted in `requests_total` but in no histogram are the handler errors; show them
/// as 5xx (code unknown) instead of losing them. Bounded by `request_errors_total` so a scrape
/// that races a request's bookkeeping does not invent errors.
pub fn reconcile_handler_errors(ctx: &mut HookCtx<'_>) {
    let mut added = 0.0;
    for acc in ctx.accs.iter_mut().filter(|a| a.seen) {
        let Some(total) = acc.requests else { continue };
        let remainder = total - acc.responses();
        let unknown = match acc.handler_errors {
            Some(errors) => remainder.min(errors),
            None => remainder,
        };
        if unknown >= 0.5 {
            acc.add_status(
                Status::Class(StatusClass::ServerError),
                Responder::Gateway,
                unknown,
            );
            added += unknown;
        }
    }
    if added > 0.0 {
        ctx.notes.push(format!(
            "{added:.0} request(s) failed inside Caddy (handler error: proxy dial failure, upstream timeout) and are absent from its histograms: shown as 5xx, code unknown"
        ));
    }
}
