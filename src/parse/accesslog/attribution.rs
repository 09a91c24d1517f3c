//! Telling who made a response from the fields of a text format: the rules shared by the
//! nginx-style templates and the nginx JSON families.

use super::values::{is_unset, list_items};
use crate::model::status::Responder;

/// How a template tells who made the response.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ResponderRule {
    /// The format cannot tell (combined, common).
    None,
    /// nginx upstream variables: empty upstream status → gateway (limit_req, return); an
    /// upstream header time of `-` → gateway (nginx's own 502/504); otherwise upstream.
    NginxUpstream,
    /// Envoy response flags: any flag → gateway; none, with an upstream host → upstream.
    EnvoyFlags,
    /// Traefik CLF: a server URL of `-` → gateway (a middleware answered).
    UpstreamHost,
}

/// Who made a response, from nginx's upstream variables (shared with `nginx-json` and APISIX).
/// `upstream`: `None` when the format has no `$upstream_status`, `Some(None)` when it was empty.
/// `header_time`: `None` when the format has no `$upstream_header_time`.
pub(crate) fn nginx_attribution(
    status: u16,
    upstream: Option<Option<u16>>,
    header_time: Option<Option<&str>>,
    upstream_addr: Option<&str>,
) -> Responder {
    let Some(upstream) = upstream else {
        return match upstream_addr {
            Some(h) if is_unset(h) => Responder::Gateway,
            _ => Responder::Unknown,
        };
    };
    let Some(last) = upstream else {
        // No upstream was asked: limit_req, `return`, auth_request denial, a static location.
        return Responder::Gateway;
    };
    if let Some(header_time) = header_time {
        let last_header = header_time.and_then(|h| list_items(h).last());
        return match last_header {
            Some(h) if !is_unset(h) && last == status => Responder::Upstream,
            _ => Responder::Gateway,
        };
    }
    if last != status {
        // nginx replaced the upstream's answer (error_page, proxy_intercept_errors).
        return Responder::Gateway;
    }
    if matches!(status, 502 | 504) {
        // nginx logs its own 502/504 with the same upstream status; only
        // $upstream_header_time tells them apart, and this format does not have it.
        return Responder::Unknown;
    }
    Responder::Upstream
}
