//! The demo's HTTP side: `/metrics`, and every other path routed like Kong would route it,
//! answering with the status the scenario currently produces.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

use super::outcome::{outcome, rate_limit_state, Cause, Origin, Outcome, RateLimitState};
use super::responses::body_for;
use super::routes::{
    match_path, match_route, Cors, RouteIdx, ALLOWED_ORIGIN, KONG_VERSION, ROUTES, SERVER_HEADER,
};
use super::traffic::{request_id_hex, request_id_uuid, DemoRequest};
use super::Shared;

/// Real requests wait this fraction of the simulated latency…
const LATENCY_SCALE: f64 = 0.1;
/// …but never longer than this, so probes and tests stay quick.
const MAX_DELAY: Duration = Duration::from_millis(800);
/// Kong's default CORS method list, which the misconfigured route sends.
const KONG_DEFAULT_CORS_METHODS: &str = "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT";

pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .fallback(proxy)
        .with_state(shared);
    let shutdown = async move {
        let _ = stop.changed().await;
    };
    if let Err(e) = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    {
        tracing::warn!(error = %e, "demo gateway server stopped");
    }
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response<Body> {
    let now = shared.clock.now();
    let mut text = String::with_capacity(64 * 1024);
    {
        let mut inner = shared.lock();
        inner.metrics.count_scrape();
        let phase = inner.generator.phase_at(now, inner.forced);
        inner.metrics.render(&phase, &mut text);
    }
    let mut resp = Response::new(Body::from(text));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=UTF-8"),
    );
    h.insert(header::SERVER, HeaderValue::from_static(SERVER_HEADER));
    resp
}

/// What the handler decided before waiting.
struct Decision {
    route: Option<RouteIdx>,
    outcome: Outcome,
    rate_limit: Option<RateLimitState>,
    request_id: u128,
}

async fn proxy(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response<Body> {
    let method = req.method().clone();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let headers = req.headers().clone();
    drop(req);
    let path = target.split('?').next().unwrap_or("/");
    let origin = header_str(&headers, header::ORIGIN);
    let preflight = method == Method::OPTIONS
        && origin.is_some()
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);

    let decision = {
        let now = shared.clock.now();
        let mut guard = shared.lock();
        let inner = &mut *guard;
        let phase = inner.generator.phase_at(now, inner.forced);
        let rng = &mut inner.real_rng;
        let kong_ms = rng.below(2) as u32;
        let gateway = |status, cause| Outcome {
            status,
            origin: Origin::Kong,
            cause,
            kong_ms,
            upstream_ms: None,
        };
        let (route, outcome) = if preflight {
            match match_path(path).filter(|i| ROUTES[*i].cors != Cors::None) {
                Some(i) => (Some(i), gateway(200, Cause::Preflight)),
                None => (None, gateway(404, Cause::NoRouteMatched)),
            }
        } else {
            match match_route(method.as_str(), path) {
                Some(i) => (Some(i), outcome(&phase, i, rng)),
                None => (None, gateway(404, Cause::NoRouteMatched)),
            }
        };
        let limited = outcome.cause == Cause::RateLimited;
        let rate_limit = route.and_then(|i| rate_limit_state(&phase, i, now, limited));
        let request_id = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        Decision {
            route,
            outcome,
            rate_limit,
            request_id,
        }
    };

    let delay =
        Duration::from_secs_f64(f64::from(decision.outcome.request_ms()) * LATENCY_SCALE / 1000.0)
            .min(MAX_DELAY);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let resp = build_response(&decision, origin.as_deref(), &headers);
    let body_bytes = resp.1;
    let request = DemoRequest {
        at: shared.clock.now(),
        route: decision.route,
        method: Cow::Owned(method.as_str().to_string()),
        request_bytes: 200 + target.len() as u32 + headers_len(&headers),
        target,
        outcome: decision.outcome,
        body_bytes,
        response_bytes: body_bytes + 330,
        client_ip: Cow::Owned(peer.ip().to_string()),
        user_agent: Cow::Owned(header_str(&headers, header::USER_AGENT).unwrap_or_default()),
        referer: Cow::Owned(header_str(&headers, header::REFERER).unwrap_or_default()),
        request_id: decision.request_id,
    };
    {
        let mut inner = shared.lock();
        inner.record(&request);
        inner.flush_log();
    }
    resp.0
}

fn header_str(h: &HeaderMap, name: HeaderName) -> Option<String> {
    h.get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn headers_len(h: &HeaderMap) -> u32 {
    h.iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum::<usize>() as u32
}

/// The response and its body length.
fn build_response(
    d: &Decision,
    origin: Option<&str>,
    req_headers: &HeaderMap,
) -> (Response<Body>, u32) {
    let o = &d.outcome;
    let body: String = match (o.cause, d.route) {
        (Cause::Ok, Some(i)) => success_body(i, d.request_id),
        (cause, _) => body_for(cause).to_string(),
    };
    let len = body.len() as u32;
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() =
        StatusCode::from_u16(o.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if !matches!(o.cause, Cause::NotModified | Cause::Preflight) {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    put(h, "x-kong-request-id", &request_id_hex(d.request_id));
    put(h, "x-request-id", &request_id_uuid(d.request_id));
    let via = format!("1.1 kong/{KONG_VERSION}");
    match o.origin {
        Origin::Service => {
            put(h, "via", &via);
            put(
                h,
                "x-kong-upstream-latency",
                &o.upstream_ms.unwrap_or(0).to_string(),
            );
            put(h, "x-kong-proxy-latency", &o.kong_ms.to_string());
        }
        Origin::Kong => {
            h.insert(header::SERVER, HeaderValue::from_static(SERVER_HEADER));
            put(h, "x-kong-response-latency", &o.request_ms().to_string());
        }
    }
    if let Some(rl) = d.rate_limit {
        put(h, "ratelimit-limit", &rl.limit.to_string());
        put(h, "ratelimit-remaining", &rl.remaining.to_string());
        put(h, "ratelimit-reset", &rl.reset_secs.to_string());
        put(h, "x-ratelimit-limit-minute", &rl.limit.to_string());
        put(h, "x-ratelimit-remaining-minute", &rl.remaining.to_string());
        if o.cause == Cause::RateLimited {
            put(h, "retry-after", &rl.reset_secs.to_string());
        }
    }
    if let (Some(i), Some(origin)) = (d.route, origin) {
        cors_headers(
            ROUTES[i].cors,
            origin,
            o.cause == Cause::Preflight,
            req_headers,
            h,
        );
    }
    (resp, len)
}

fn cors_headers(cors: Cors, origin: &str, preflight: bool, req: &HeaderMap, h: &mut HeaderMap) {
    match cors {
        Cors::None => {}
        Cors::Allowlist => {
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
            if origin != ALLOWED_ORIGIN {
                return;
            }
            put(h, "access-control-allow-origin", ALLOWED_ORIGIN);
            put(h, "access-control-allow-credentials", "true");
            if preflight {
                put(h, "access-control-allow-methods", "GET,HEAD,OPTIONS");
                let asked = req
                    .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("Authorization,Content-Type");
                put(h, "access-control-allow-headers", asked);
                put(h, "access-control-max-age", "3600");
            }
        }
        Cors::WildcardWithCredentials => {
            // Browsers refuse `*` together with credentials: this route's CORS is broken.
            put(h, "access-control-allow-origin", "*");
            put(h, "access-control-allow-credentials", "true");
            if preflight {
                put(h, "access-control-allow-methods", KONG_DEFAULT_CORS_METHODS);
                put(h, "access-control-allow-headers", "*");
            }
        }
    }
}

fn put(h: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(HeaderName::from_static(name), v);
    }
}

/// A JSON body about the size the route usually returns.
fn success_body(route: RouteIdx, request_id: u128) -> String {
    let r = &ROUTES[route];
    let head = format!(
        "{{\"service\":\"{}\",\"route\":\"{}\",\"request_id\":\"{}\",\"data\":\"",
        r.service,
        r.name,
        request_id_hex(request_id)
    );
    let pad = (r.body_bytes as usize).saturating_sub(head.len() + 2);
    let mut body = head;
    body.extend(std::iter::repeat_n('x', pad));
    body.push_str("\"}");
    body
}
