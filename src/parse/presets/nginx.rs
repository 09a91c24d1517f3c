//! nginx OSS through nginx-prometheus-exporter (stub_status): request totals only — no status,
//! no route, no latency. The exporter's own stub_status fetch is itself a request, so each
//! scrape adds one (or more, with other scrapers) that the hook subtracts.

use crate::model::status::{Responder, Status, StatusClass};
use crate::model::traffic::StatusDetail;

use super::aggregate::HookCtx;
use super::options::PresetOptions;
use super::spec::{doc, FamilyRule, Preset, RateLimitSignal, Role};

pub fn preset(_opts: &PresetOptions) -> Preset {
    Preset {
        name: "nginx",
        detect: vec!["nginx_http_requests_total", "nginx_connections_", "nginx_up"],
        rules: vec![FamilyRule::new(Role::Requests, "nginx_http_requests_total")],
        default_detail: StatusDetail::TotalsOnly,
        gateway_only: true,
        rate_limit: RateLimitSignal::None,
        hook: Some(subtract_own_scrapes),
        shadow_levels: false,
        doc: doc(
            "the gateway as a whole (stub_status has no labels)",
            "none: request totals only (shown as `other`, status detail totals_only)",
            "none",
            "none (limit_req rejections are only in the error log)",
            &["the exporter's own stub_status fetch counts as a request: one per scrape is subtracted (option nginx.self_requests_per_scrape)"],
        ),
    }
}

fn subtract_own_scrapes(ctx: &mut HookCtx<'_>) {
    let per_scrape = f64::from(ctx.options.nginx.self_requests_per_scrape);
    let own = per_scrape * f64::from(ctx.scrapes_covered);
    for acc in ctx.accs.iter_mut().filter(|a| a.seen) {
        if let Some(total) = acc.requests {
            acc.add_status(
                Status::Class(StatusClass::Other),
                Responder::Unknown,
                (total - own).max(0.0),
            );
        }
    }
    if ctx.scrapes_covered == 0 {
        ctx.notes
            .push("lifetime totals include the exporter's own stub_status fetches".into());
    } else if own > 0.0 {
        ctx.notes.push(format!(
            "subtracted {own:.0} request(s): the exporter's own stub_status fetch for this scrape"
        ));
    }
}

/// For mappings with a request counter but no status (generic without `status_label`): the
/// totals become requests of unknown status.
pub fn totals_as_requests(ctx: &mut HookCtx<'_>) {
    for acc in ctx.accs.iter_mut().filter(|a| a.seen) {
        if let Some(total) = acc.requests {
            acc.add_status(
                Status::Class(StatusClass::Other),
                Responder::Unknown,
                total.max(0.0),
            );
        }
    }
}
