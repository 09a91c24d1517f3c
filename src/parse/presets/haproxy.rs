//! HAProxy 2.x built-in prometheus-exporter.
//!
//! Route = backend (`proxy` label of `haproxy_backend_*`); statuses are classes only. A
//! gateway limiter (`http-request deny deny_status 429 if …`) never reaches a backend: its
//! denials are only in the frontend's `requests_denied_total`, so the hook adds them, as
//! gateway-made 4xx (or the configured `deny_status`), to a row named after the frontend (or
//! the route the options name). A stick-table holder backend (no servers, all zero) is hidden.

use std::sync::Arc;

use crate::model::status::{Responder, Status, StatusClass};
use crate::model::traffic::{Saturation, StatusDetail};

use super::aggregate::HookCtx;
use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, GaugeKind, Preset, RateLimitSignal, Role};

pub fn preset(_opts: &PresetOptions) -> Preset {
    let proxy = |r: FamilyRule| r.route(&["proxy"], "(no proxy)");
    let rules = vec![
        proxy(
            FamilyRule::new(Role::Responses, "haproxy_backend_http_responses_total").class("code"),
        ),
        proxy(FamilyRule::new(
            Role::Denied,
            "haproxy_frontend_requests_denied_total",
        )),
        proxy(FamilyRule::new(
            Role::Requests,
            "haproxy_frontend_http_requests_total",
        )),
        proxy(FamilyRule::new(
            Role::Gauge(GaugeKind::ActiveServers),
            "haproxy_backend_active_servers",
        )),
        proxy(FamilyRule::new(
            Role::Gauge(GaugeKind::BackupServers),
            "haproxy_backend_backup_servers",
        )),
        FamilyRule::new(
            Role::Gauge(GaugeKind::StickTableSize),
            "haproxy_sticktable_size",
        )
        .route(&["name"], "(no table)"),
        FamilyRule::new(
            Role::Gauge(GaugeKind::StickTableUsed),
            "haproxy_sticktable_used",
        )
        .route(&["name"], "(no table)"),
    ];
    Preset {
        name: "haproxy",
        detect: vec!["haproxy_"],
        rules,
        default_detail: StatusDetail::ClassOnly,
        gateway_only: false,
        rate_limit: RateLimitSignal::None,
        hook: Some(frontends_and_tables),
        doc: doc(
            "backend (`proxy` label); frontend denials on a row named after the frontend (option haproxy.denials_route)",
            "class only (1xx…5xx, other); exact codes are only in the access log",
            "none (HAProxy exports averages, not histograms)",
            "frontend requests_denied_total share; stick-table used ÷ size for tables declared in (or mapped to) a route",
            &["a stick-table holder backend (no servers, all zero) is not a route and is hidden"],
        ),
    }
}

fn frontends_and_tables(ctx: &mut HookCtx<'_>) {
    // Stick-table fill, for tables that belong to a route (declared in it, or mapped).
    for i in 0..ctx.accs.len() as u32 {
        let acc = &ctx.accs[i as usize];
        let (Some(size), Some(used)) = (
            acc.gauge(GaugeKind::StickTableSize),
            acc.gauge(GaugeKind::StickTableUsed),
        ) else {
            continue;
        };
        let table = ctx.name(i).to_string();
        let target = match ctx.options.haproxy.sticktables.get(&table) {
            Some(route) => ctx.intern(route),
            None => i,
        };
        if size > 0.0 && ctx.accs[target as usize].has_responses {
            ctx.accs[target as usize].saturation = Some(Saturation {
                value: (used / size).clamp(0.0, 1.0),
                signal: Arc::from(format!("haproxy stick-table {table} used/size")),
            });
        }
    }
    // Frontend denials: gateway-made, seen by no backend.
    let deny_status = match ctx.options.haproxy.deny_status {
        Some(code) => Status::Code(code),
        None => Status::Class(StatusClass::ClientError),
    };
    for i in 0..ctx.accs.len() as u32 {
        let Some(denied) = ctx.accs[i as usize].denied else {
            continue;
        };
        let frontend = ctx.name(i).to_string();
        let target = match ctx.options.haproxy.denials_route.get(&frontend) {
            Some(route) => ctx.intern(route),
            None => i,
        };
        let frontend_requests = ctx.accs[i as usize].requests;
        let t = &mut ctx.accs[target as usize];
        t.add_status(deny_status, Responder::Gateway, denied);
        t.seen = true;
        if denied > 0.0 {
            ctx.sticky.insert(target);
        }
        // Share of the guarded route's requests when the denials have one, else of the
        // frontend's.
        let whole = if target == i {
            frontend_requests
        } else {
            Some(t.responses())
        };
        if let Some(req) = whole.filter(|r| *r > 0.0) {
            t.saturation = Some(Saturation {
                value: (denied / req).clamp(0.0, 1.0),
                signal: Arc::from(format!("haproxy {frontend} requests denied share")),
            });
        }
    }
    // What is not a route: frontends that never denied, tables, stick-table holder backends.
    for i in 0..ctx.accs.len() as u32 {
        let sticky = ctx.sticky.contains(&i);
        let acc = &mut ctx.accs[i as usize];
        let servers = acc.gauge(GaugeKind::ActiveServers).unwrap_or(0.0)
            + acc.gauge(GaugeKind::BackupServers).unwrap_or(0.0);
        let is_table = acc.gauge(GaugeKind::StickTableSize).is_some();
        let holder = is_table && acc.has_responses && servers == 0.0 && acc.responses() == 0.0;
        if holder || (!acc.has_responses && !sticky) {
            acc.hidden = true;
        }
    }
}
