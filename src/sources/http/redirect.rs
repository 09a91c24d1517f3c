//! I/O: the request loop: one hop, or several when following redirects. A redirect to another
//! origin (scheme, host or port) drops every secret header (Authorization, cookies, API keys),
//! as browsers and curl do; a URL seen twice, or too many hops, is a redirect loop.

use http::{HeaderName, HeaderValue, Method};
use tokio::time::Instant;

use super::exchange::{one_hop, Hop};
use super::{HttpClient, HttpExchange, HttpRequest};
use crate::model::check::{FailureReason, PhaseTimings};
use crate::redact;

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Headers that never cross to another origin.
pub(super) fn is_credential(name: &HeaderName) -> bool {
    redact::is_secret_header(name.as_str())
}

pub(super) async fn send(client: &HttpClient, req: &HttpRequest) -> HttpExchange {
    let started = Instant::now();
    let deadline = started + req.timeout;
    let connect_budget = req.connect_timeout.unwrap_or(req.timeout).min(req.timeout);
    let mut method: Method = req.method.clone();
    let mut url = req.url.clone();
    let mut headers: Vec<(HeaderName, HeaderValue)> = req.headers.clone();
    let mut body = req.body.clone();
    let mut seen = vec![url.clone()];
    let mut redirects = 0u32;
    loop {
        let mut phases = PhaseTimings::default();
        let hop = Hop {
            method: &method,
            url: &url,
            headers: &headers,
            body: body.as_ref(),
            deadline,
            connect_deadline: (Instant::now() + connect_budget).min(deadline),
        };
        let outcome = one_hop(client, &hop, &mut phases).await;
        phases.total = Instant::now().saturating_duration_since(started);
        let response = match outcome {
            Ok(r) if req.follow_redirects && is_redirect(r.status) => r,
            other => return finish(other, phases, redirects, &url),
        };
        let location = response
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.trim().to_string());
        let Some(next) = location.and_then(|l| url.join(&l).ok()) else {
            // A redirect without a usable Location is the answer itself.
            return finish(Ok(response), phases, redirects, &url);
        };
        redirects += 1;
        if seen.contains(&next) || redirects > req.max_redirects {
            let shown = redact::url(next.as_str()).into_owned();
            let reason = FailureReason::RedirectLoop {
                hops: redirects,
                location: crate::sanitize::sanitize(&shown).into_owned(),
            };
            return finish(Err(reason), phases, redirects, &url);
        }
        if !same_origin(&url, &next) {
            headers.retain(|(k, _)| !is_credential(k));
        }
        let to_get = response.status == 303 && method != Method::HEAD
            || matches!(response.status, 301 | 302) && method == Method::POST;
        if to_get {
            method = Method::GET;
            body = None;
            headers.retain(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "content-type" | "content-length" | "content-encoding"
                )
            });
        }
        seen.push(next.clone());
        url = next;
    }
}

fn finish(
    outcome: Result<super::HttpResponse, FailureReason>,
    phases: PhaseTimings,
    redirects: u32,
    url: &url::Url,
) -> HttpExchange {
    HttpExchange {
        outcome,
        phases,
        redirects,
        final_url: redact::url(url.as_str()).into_owned(),
    }
}
