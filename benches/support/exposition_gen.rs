//! A synthetic API-gateway `/metrics` body for the exposition benchmark and its memory probe:
//! exactly [`SERIES`] sample lines (about 14 MB) in Prometheus text 0.0.4.
//!
//! Most of it is a latency histogram (12 buckets + `_sum` + `_count` per label set) over
//! services, route templates (`/v1/orders/{id}`: braces inside label values), methods and
//! status codes, then a request counter whose `client` label holds escapes (`\"`, `\\`) and
//! commas, then a few gauges. Deterministic: the same body on every run.

use std::fmt::Write;

/// Sample lines in the body.
pub const SERIES: usize = 100_000;

const ROUTES: [&str; 16] = [
    "/v1/orders/{id}",
    "/v1/orders/{id}/items",
    "/v1/orders/{id}/items/{item}",
    "/v1/users/{id}",
    "/v1/users/{id}/sessions/{session}",
    "/v2/carts/{cart}/checkout",
    "/v1/inventory/{sku}",
    "/v1/payments/{id}/refunds",
    "/v1/search",
    "/v1/login",
    "/v1/orders",
    "/v1/upload",
    "/v1/limited",
    "/v1/slow",
    "/healthz",
    "/v1/catalog/{category}/products/{id}",
];
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const CODES: [&str; 8] = ["200", "201", "204", "400", "404", "429", "500", "503"];
const BUCKETS: [&str; 12] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
];
const CLIENTS: [&str; 4] = [
    r#"sdk \"go\", v1.2"#,
    r"C:\\agents\\probe",
    "curl/8.5.0",
    r#"k6 \"load=heavy\""#,
];

/// Histogram label sets: 14 lines each.
const HISTOGRAMS: usize = 6_000;
const GAUGES: usize = 500;
const COUNTERS: usize = SERIES - 14 * HISTOGRAMS - GAUGES;

/// The `i`-th combination of service, route, method and code.
fn labels(out: &mut String, i: usize) {
    let route = ROUTES[i % ROUTES.len()];
    let method = METHODS[(i / ROUTES.len()) % METHODS.len()];
    let code = CODES[(i / (ROUTES.len() * METHODS.len())) % CODES.len()];
    let service = i / (ROUTES.len() * METHODS.len() * CODES.len());
    let _ = write!(
        out,
        "service=\"gateway-service-{service:03}\",route=\"{route}\",method=\"{method}\",code=\"{code}\""
    );
}

/// The exposition body.
pub fn generate() -> String {
    let mut out = String::with_capacity(15 << 20);
    let hist = "gateway_http_request_duration_seconds";
    out.push_str("# HELP gateway_http_request_duration_seconds Request latency by route.\n");
    out.push_str("# TYPE gateway_http_request_duration_seconds histogram\n");
    for i in 0..HISTOGRAMS {
        let mut cumulative = 0u64;
        for (b, le) in BUCKETS.iter().enumerate() {
            cumulative += ((i * 7 + b * 13) % 97) as u64;
            let _ = write!(out, "{hist}_bucket{{");
            labels(&mut out, i);
            let _ = writeln!(out, ",le=\"{le}\"}} {cumulative}");
        }
        let _ = write!(out, "{hist}_sum{{");
        labels(&mut out, i);
        let _ = writeln!(out, "}} {}.{:03}", cumulative / 8, i % 1000);
        let _ = write!(out, "{hist}_count{{");
        labels(&mut out, i);
        let _ = writeln!(out, "}} {cumulative}");
    }
    out.push_str("# HELP gateway_http_requests_total Requests by route, code and client.\n");
    out.push_str("# TYPE gateway_http_requests_total counter\n");
    for i in 0..COUNTERS {
        out.push_str("gateway_http_requests_total{");
        labels(&mut out, i);
        let client = CLIENTS[i % CLIENTS.len()];
        let _ = writeln!(out, ",client=\"{client}\"}} {}", i * 31 % 100_003);
    }
    out.push_str("# HELP gateway_upstream_inflight In-flight requests per upstream.\n");
    out.push_str("# TYPE gateway_upstream_inflight gauge\n");
    for i in 0..GAUGES {
        let _ = writeln!(
            out,
            "gateway_upstream_inflight{{upstream=\"10.0.{}.{}:8080\"}} {}",
            i / 250,
            i % 250,
            i % 17
        );
    }
    out
}
