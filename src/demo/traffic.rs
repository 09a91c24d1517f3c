//! PURE: synthetic client traffic. Turns a time interval into the requests that completed in it,
//! each with its route, outcome, sizes and client, so metrics and the access log are written from
//! the very same requests.

use std::borrow::Cow;
use std::f64::consts::TAU;
use std::time::Duration;

use super::outcome::{outcome, traffic_multiplier, Cause, Origin, Outcome};
use super::responses::body_for;
use super::rng::DemoRng;
use super::routes::{RouteIdx, ROUTES};
use super::scenario::{ForcedPhase, Phase, Scenario};
use crate::model::time::Timestamp;

/// One request as the gateway saw it, completed at `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoRequest {
    pub at: Timestamp,
    /// `None` when no Kong route matched (such requests are logged but not in the metrics).
    pub route: Option<RouteIdx>,
    pub method: Cow<'static, str>,
    /// Path with the query string, as sent.
    pub target: String,
    pub outcome: Outcome,
    /// Request size on the wire (ingress bandwidth).
    pub request_bytes: u32,
    /// Response body size (the log's `$body_bytes_sent`).
    pub body_bytes: u32,
    /// Response size on the wire, headers included (egress bandwidth).
    pub response_bytes: u32,
    pub client_ip: Cow<'static, str>,
    pub user_agent: Cow<'static, str>,
    pub referer: Cow<'static, str>,
    pub request_id: u128,
}

/// Kong-style request id: 32 lower-case hex digits.
pub fn request_id_hex(id: u128) -> String {
    format!("{id:032x}")
}

/// The same id in UUID form, as the correlation-id plugin sends it.
pub fn request_id_uuid(id: u128) -> String {
    let h = request_id_hex(id);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Longest interval generated at once: after a suspended process wakes, the demo resumes instead
/// of replaying minutes of traffic in one burst.
pub const MAX_INTERVAL: Duration = Duration::from_secs(5);

pub struct TrafficGenerator {
    scenario: Scenario,
    rng: DemoRng,
    rps: u32,
    /// Fractional requests carried to the next interval, so the long-run rate is exact.
    carry: f64,
}

const CLIENT_IPS: &[&str] = &[
    "203.0.113.14",
    "203.0.113.27",
    "203.0.113.58",
    "203.0.113.90",
    "203.0.113.141",
    "198.51.100.7",
    "198.51.100.64",
    "198.51.100.120",
    "192.0.2.33",
    "192.0.2.81",
    "10.42.3.17",
    "10.42.5.201",
    "10.42.7.9",
    "172.16.4.22",
];
const BROWSER_UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
const USER_AGENTS: &[&str] = &[
    BROWSER_UA,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "ShopApp/5.3.0 (iPhone; iOS 17.4)",
    "ShopApp/5.3.0 (Android 14)",
    "okhttp/4.12.0",
    "Go-http-client/1.1",
];
/// The scraper that trips the search rate limit.
const SCRAPER_IP: &str = "198.51.100.23";
const SCRAPER_UA: &str = "python-requests/2.31.0";
/// The app version whose tokens were signed with the rotated key.
const STALE_APP_UA: &str = "ShopApp/5.1.2 (iPhone; iOS 16.7)";
const PROBE_IP: &str = "10.42.0.1";
const PROBE_UA: &str = "kube-probe/1.29";
const SEARCH_TERMS: &[&str] = &[
    "wireless+headphones",
    "usb-c+cable",
    "desk+lamp",
    "running+shoes",
    "coffee",
    "backpack",
];
const SCANNER_PATHS: &[&str] = &[
    "/wp-login.php",
    "/.env",
    "/v2/catalog",
    "/admin",
    "/api/v1/orders",
];

impl TrafficGenerator {
    pub fn new(scenario: Scenario, seed: u64, rps: u32) -> Self {
        TrafficGenerator {
            scenario,
            rng: DemoRng::derive(seed, 0x7A_FF1C),
            rps,
            carry: 0.0,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn phase_at(&self, now: Timestamp, forced: Option<ForcedPhase>) -> Phase {
        match forced {
            Some(f) => Phase::forced(f, now),
            None => self.scenario.phase_at(now),
        }
    }

    /// Appends to `out` the requests completing in `[from, to)`, in time order.
    pub fn generate(
        &mut self,
        from: Timestamp,
        to: Timestamp,
        forced: Option<ForcedPhase>,
        out: &mut Vec<DemoRequest>,
    ) {
        let span = to.since(from).min(MAX_INTERVAL);
        if span.is_zero() {
            return;
        }
        let from = to.minus(span);
        let mid = from.plus(span / 2);
        let phase = self.phase_at(mid, forced);
        let weights: Vec<f64> = ROUTES
            .iter()
            .enumerate()
            .map(|(i, r)| r.weight * traffic_multiplier(&phase, i))
            .collect();
        let base_total: f64 = ROUTES.iter().map(|r| r.weight).sum();
        let load = weights.iter().sum::<f64>() / base_total;
        let wobble = rate_wobble(mid.since(self.scenario.started_at()));
        let expected = f64::from(self.rps) * span.as_secs_f64() * load * wobble + self.carry;
        let n = expected.floor().max(0.0);
        self.carry = expected - n;
        let n = n as u64;
        let span_ms = span.as_millis() as f64;
        out.reserve(n as usize);
        for k in 0..n {
            let offset = span_ms * (k as f64 + self.rng.unit()) / n as f64;
            let at = Timestamp(from.0 + offset as i64);
            let req = if self.rng.chance(0.003) {
                self.unmatched(at)
            } else {
                let route = self.rng.weighted(&weights);
                let outcome = outcome(&phase, route, &mut self.rng);
                self.request(at, route, outcome)
            };
            out.push(req);
        }
    }

    fn request(&mut self, at: Timestamp, route: RouteIdx, outcome: Outcome) -> DemoRequest {
        let r = &ROUTES[route];
        let rng = &mut self.rng;
        let target = fill_target(r.path, r.name, rng);
        let (client_ip, user_agent) = if r.name == "health-check" {
            (PROBE_IP, PROBE_UA)
        } else if outcome.cause == Cause::RateLimited && rng.chance(0.9) {
            (SCRAPER_IP, SCRAPER_UA)
        } else if outcome.cause == Cause::TokenExpired {
            (
                CLIENT_IPS[rng.below(CLIENT_IPS.len() as u64) as usize],
                STALE_APP_UA,
            )
        } else {
            (
                CLIENT_IPS[rng.below(CLIENT_IPS.len() as u64) as usize],
                USER_AGENTS[rng.below(USER_AGENTS.len() as u64) as usize],
            )
        };
        let referer = if user_agent == BROWSER_UA && rng.chance(0.6) {
            "https://shop.example.com/"
        } else {
            "-"
        };
        let body_bytes = match (outcome.cause, outcome.origin) {
            (Cause::Ok, _) => (f64::from(r.body_bytes) * rng.log_normal(1.0, 0.2)).round() as u32,
            (Cause::NotModified, _) => 0,
            (cause, _) => body_for(cause).len() as u32,
        };
        let request_body = if r.request_body_bytes > 0 {
            (f64::from(r.request_body_bytes) * rng.log_normal(1.0, 0.3)).round() as u32
        } else {
            0
        };
        let request_bytes = 260 + target.len() as u32 + user_agent.len() as u32 + request_body;
        let request_id = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        DemoRequest {
            at,
            route: Some(route),
            method: Cow::Borrowed(r.method),
            target,
            outcome,
            request_bytes,
            body_bytes,
            response_bytes: body_bytes + 330,
            client_ip: Cow::Borrowed(client_ip),
            user_agent: Cow::Borrowed(user_agent),
            referer: Cow::Borrowed(referer),
            request_id,
        }
    }

    /// A request for a path no route serves: Kong's router answers 404 itself.
    fn unmatched(&mut self, at: Timestamp) -> DemoRequest {
        let rng = &mut self.rng;
        let target = SCANNER_PATHS[rng.below(SCANNER_PATHS.len() as u64) as usize].to_string();
        let no_route = body_for(Cause::NoRouteMatched);
        let request_id = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        DemoRequest {
            at,
            route: None,
            method: Cow::Borrowed("GET"),
            request_bytes: 240 + target.len() as u32,
            target,
            outcome: Outcome {
                status: 404,
                origin: Origin::Kong,
                cause: Cause::NoRouteMatched,
                kong_ms: rng.below(2) as u32,
                upstream_ms: None,
            },
            body_bytes: no_route.len() as u32,
            response_bytes: no_route.len() as u32 + 280,
            client_ip: Cow::Borrowed(CLIENT_IPS[rng.below(CLIENT_IPS.len() as u64) as usize]),
            user_agent: Cow::Borrowed("Mozilla/5.0 zgrab/0.x"),
            referer: Cow::Borrowed("-"),
            request_id,
        }
    }
}

/// Slow swings of ±12 % so the baseline is not a flat line.
fn rate_wobble(elapsed: Duration) -> f64 {
    let t = elapsed.as_secs_f64();
    1.0 + 0.08 * (TAU * t / 47.0).sin() + 0.04 * (TAU * t / 13.0).sin()
}

/// A concrete request target for a route: ids in the path, sometimes a query string, and now and
/// then an API key in the query (a secret a dashboard must redact).
fn fill_target(template: &str, name: &str, rng: &mut DemoRng) -> String {
    let mut path = String::with_capacity(template.len() + 48);
    for (i, seg) in template.split('/').enumerate() {
        if i > 0 {
            path.push('/');
        }
        if seg == "{id}" {
            path.push_str(&(10_000 + rng.below(90_000)).to_string());
        } else {
            path.push_str(seg);
        }
    }
    match name {
        "search-query" => {
            let term = SEARCH_TERMS[rng.below(SEARCH_TERMS.len() as u64) as usize];
            path.push_str("?q=");
            path.push_str(term);
            if rng.chance(0.3) {
                path.push_str(&format!("&page={}", 2 + rng.below(5)));
            }
        }
        "orders-list" if rng.chance(0.4) => path.push_str("?status=open&limit=50"),
        "inventory-list" if rng.chance(0.25) => {
            path.push_str(&format!(
                "?warehouse=ams-1&api_key=sk_live_{:016x}",
                rng.next_u64()
            ));
        }
        "catalog-list" if rng.chance(0.5) => path.push_str("?category=audio&lang=en"),
        "reports-get" if rng.chance(0.5) => path.push_str("?format=pdf"),
        _ => {}
    }
    path
}
