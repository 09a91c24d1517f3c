//! The demo's counters and their exposition in the Kong 3.x prometheus-plugin format (with
//! `status_code_metrics`, `latency_metrics`, `bandwidth_metrics` and `upstream_health_metrics`
//! enabled). Families come out sorted by name and series appear only once observed, as Kong does.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::outcome::{targets_healthy, Origin};
use super::routes::{upstream_of, RouteIdx, KONG_VERSION, NODE_ID, ROUTES, WORKSPACE};
use super::scenario::{IncidentKind, Phase};
use super::traffic::DemoRequest;

/// Kong's buckets for `kong_kong_latency_ms` (Kong's own time), in milliseconds.
pub const KONG_LATENCY_BUCKETS_MS: &[u32] = &[
    1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000,
];
/// Kong's buckets for `kong_request_latency_ms` and `kong_upstream_latency_ms`.
pub const UPSTREAM_LATENCY_BUCKETS_MS: &[u32] = &[
    25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000,
];

/// Counts per bucket (not cumulative), the last one being `+Inf`.
#[derive(Clone, Debug)]
struct Histogram {
    bounds: &'static [u32],
    counts: Vec<u64>,
    sum_ms: u64,
}

impl Histogram {
    fn new(bounds: &'static [u32]) -> Self {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum_ms: 0,
        }
    }

    fn observe(&mut self, ms: u32) {
        let i = self.bounds.partition_point(|b| *b < ms);
        self.counts[i] += 1;
        self.sum_ms += u64::from(ms);
    }

    fn count(&self) -> u64 {
        self.counts.iter().sum()
    }
}

#[derive(Clone, Debug)]
struct RouteStats {
    request: Histogram,
    upstream: Histogram,
    kong: Histogram,
    ingress_bytes: u64,
    egress_bytes: u64,
}

/// Everything `/metrics` reports. Counters only ever grow.
#[derive(Clone, Debug)]
pub struct KongMetrics {
    requests: BTreeMap<(RouteIdx, u16, Origin), u64>,
    routes: Vec<RouteStats>,
    /// Every HTTP request nginx served, matched or not, scrapes included.
    nginx_requests: u64,
}

impl Default for KongMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl KongMetrics {
    pub fn new() -> Self {
        KongMetrics {
            requests: BTreeMap::new(),
            routes: ROUTES
                .iter()
                .map(|_| RouteStats {
                    request: Histogram::new(UPSTREAM_LATENCY_BUCKETS_MS),
                    upstream: Histogram::new(UPSTREAM_LATENCY_BUCKETS_MS),
                    kong: Histogram::new(KONG_LATENCY_BUCKETS_MS),
                    ingress_bytes: 0,
                    egress_bytes: 0,
                })
                .collect(),
            nginx_requests: 0,
        }
    }

    pub fn record(&mut self, r: &DemoRequest) {
        self.nginx_requests += 1;
        // Kong 3.x does not count requests that matched no route.
        let Some(route) = r.route else { return };
        let o = &r.outcome;
        *self
            .requests
            .entry((route, o.status, o.origin))
            .or_insert(0) += 1;
        let s = &mut self.routes[route];
        s.request.observe(o.request_ms());
        if let Some(up) = o.upstream_ms {
            s.upstream.observe(up);
        }
        s.kong.observe(o.kong_ms);
        s.ingress_bytes += u64::from(r.request_bytes);
        s.egress_bytes += u64::from(r.response_bytes);
    }

    /// A scrape of `/metrics` is a request nginx serves too.
    pub fn count_scrape(&mut self) {
        self.nginx_requests += 1;
    }

    /// `kong_http_requests_total` for one series (0 when never seen).
    pub fn requests_total(&self, route: RouteIdx, status: u16, origin: Origin) -> u64 {
        self.requests
            .get(&(route, status, origin))
            .copied()
            .unwrap_or(0)
    }

    /// Renders the exposition text; `phase` drives the gauges that reflect the incident
    /// (target health, connections in the writing state).
    pub fn render(&self, phase: &Phase, out: &mut String) {
        self.render_bandwidth(out);
        family(
            out,
            "kong_datastore_reachable",
            "gauge",
            "Datastore reachable from Kong, 0 is unreachable",
        );
        out.push_str("kong_datastore_reachable 1\n");
        self.render_requests(out);
        self.render_histogram(
            out,
            "kong_kong_latency_ms",
            "Latency added by Kong and enabled plugins for each service/route in Kong",
            |s| &s.kong,
        );
        render_memory(out);
        self.render_nginx(phase, out);
        family(
            out,
            "kong_node_info",
            "gauge",
            "Kong Node metadata information",
        );
        let _ = writeln!(
            out,
            "kong_node_info{{node_id=\"{NODE_ID}\",version=\"{KONG_VERSION}\"}} 1"
        );
        self.render_histogram(
            out,
            "kong_request_latency_ms",
            "Total latency incurred during requests for each service/route in Kong",
            |s| &s.request,
        );
        self.render_histogram(
            out,
            "kong_upstream_latency_ms",
            "Latency added by upstream response for each service/route in Kong",
            |s| &s.upstream,
        );
        render_target_health(phase, out);
    }

    fn render_bandwidth(&self, out: &mut String) {
        family(
            out,
            "kong_bandwidth_bytes",
            "counter",
            "Total bandwidth (ingress/egress) throughput in bytes",
        );
        for (i, s) in self.routes.iter().enumerate() {
            let r = &ROUTES[i];
            for (direction, bytes) in [("egress", s.egress_bytes), ("ingress", s.ingress_bytes)] {
                if bytes > 0 {
                    let _ = writeln!(
                        out,
                        "kong_bandwidth_bytes{{service=\"{}\",route=\"{}\",direction=\"{direction}\",workspace=\"{WORKSPACE}\",consumer=\"\"}} {bytes}",
                        escape(r.service),
                        escape(r.name)
                    );
                }
            }
        }
    }

    fn render_requests(&self, out: &mut String) {
        family(
            out,
            "kong_http_requests_total",
            "counter",
            "HTTP status codes per consumer/service/route in Kong",
        );
        for (&(route, code, origin), n) in &self.requests {
            let r = &ROUTES[route];
            let _ = writeln!(
                out,
                "kong_http_requests_total{{service=\"{}\",route=\"{}\",code=\"{code}\",source=\"{}\",workspace=\"{WORKSPACE}\",consumer=\"\"}} {n}",
                escape(r.service),
                escape(r.name),
                origin.label()
            );
        }
    }

    fn render_histogram(
        &self,
        out: &mut String,
        name: &str,
        help: &str,
        pick: impl Fn(&RouteStats) -> &Histogram,
    ) {
        family(out, name, "histogram", help);
        for (i, s) in self.routes.iter().enumerate() {
            let h = pick(s);
            let total = h.count();
            if total == 0 {
                continue;
            }
            let r = &ROUTES[i];
            let labels = format!(
                "service=\"{}\",route=\"{}\",workspace=\"{WORKSPACE}\"",
                escape(r.service),
                escape(r.name)
            );
            let mut cumulative = 0;
            for (b, bound) in h.bounds.iter().enumerate() {
                cumulative += h.counts[b];
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {total}");
            let _ = writeln!(out, "{name}_count{{{labels}}} {total}");
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum_ms);
        }
    }

    fn render_nginx(&self, phase: &Phase, out: &mut String) {
        // Clients keep connections alive for about eight requests each.
        let accepted = self.nginx_requests / 8 + 1;
        let slow = match phase {
            Phase::Incident {
                kind: IncidentKind::LatencyClimb,
                ..
            } => (30.0 * phase.intensity()) as u64,
            _ => 0,
        };
        let writing = 3 + slow;
        let waiting = 21;
        let active = writing + waiting;
        family(
            out,
            "kong_nginx_connections_total",
            "gauge",
            "Number of connections by subsystem",
        );
        for (state, v) in [
            ("accepted", accepted),
            ("active", active),
            ("handled", accepted),
            ("reading", 0),
            ("total", accepted),
            ("waiting", waiting),
            ("writing", writing),
        ] {
            let _ = writeln!(out, "kong_nginx_connections_total{{node_id=\"{NODE_ID}\",subsystem=\"http\",state=\"{state}\"}} {v}");
        }
        family(
            out,
            "kong_nginx_metric_errors_total",
            "counter",
            "Number of nginx-lua-prometheus errors",
        );
        out.push_str("kong_nginx_metric_errors_total 0\n");
        family(
            out,
            "kong_nginx_requests_total",
            "gauge",
            "Total number of requests",
        );
        let _ = writeln!(
            out,
            "kong_nginx_requests_total{{node_id=\"{NODE_ID}\",subsystem=\"http\"}} {}",
            self.nginx_requests
        );
        family(out, "kong_nginx_timers", "gauge", "Number of Nginx timers");
        out.push_str(
            "kong_nginx_timers{state=\"pending\"} 1\nkong_nginx_timers{state=\"running\"} 36\n",
        );
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

const SHARED_DICTS: &[(&str, u64, u64)] = &[
    ("kong", 40_960, 5_242_880),
    ("kong_core_db_cache", 794_624, 134_217_728),
    ("kong_db_cache", 794_624, 134_217_728),
    ("kong_locks", 61_440, 8_388_608),
    ("kong_rate_limiting_counters", 86_016, 12_582_912),
    ("prometheus_metrics", 57_344, 5_242_880),
];

fn render_memory(out: &mut String) {
    family(
        out,
        "kong_memory_lua_shared_dict_bytes",
        "gauge",
        "Allocated slabs in bytes in a shared_dict",
    );
    for (dict, used, _) in SHARED_DICTS {
        let _ = writeln!(out, "kong_memory_lua_shared_dict_bytes{{node_id=\"{NODE_ID}\",shared_dict=\"{dict}\",kong_subsystem=\"http\"}} {used}");
    }
    family(
        out,
        "kong_memory_lua_shared_dict_total_bytes",
        "gauge",
        "Total capacity in bytes of a shared_dict",
    );
    for (dict, _, cap) in SHARED_DICTS {
        let _ = writeln!(out, "kong_memory_lua_shared_dict_total_bytes{{node_id=\"{NODE_ID}\",shared_dict=\"{dict}\",kong_subsystem=\"http\"}} {cap}");
    }
    family(
        out,
        "kong_memory_workers_lua_vms_bytes",
        "gauge",
        "Allocated bytes in worker Lua VM",
    );
    for (pid, bytes) in [(2301, 51_208_331u64), (2302, 48_977_012)] {
        let _ = writeln!(out, "kong_memory_workers_lua_vms_bytes{{node_id=\"{NODE_ID}\",pid=\"{pid}\",kong_subsystem=\"http\"}} {bytes}");
    }
}

fn render_target_health(phase: &Phase, out: &mut String) {
    family(
        out,
        "kong_upstream_target_health",
        "gauge",
        "Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.",
    );
    let mut seen: Vec<&str> = Vec::new();
    for r in ROUTES {
        if seen.contains(&r.service) {
            continue;
        }
        seen.push(r.service);
        let (upstream, targets) = upstream_of(r);
        let state = if targets_healthy(phase, r.service) {
            "healthy"
        } else {
            "unhealthy"
        };
        for (target, address) in &targets {
            for s in ["healthchecks_off", "healthy", "unhealthy", "dns_error"] {
                let v = u8::from(s == state);
                let _ = writeln!(
                    out,
                    "kong_upstream_target_health{{upstream=\"{upstream}\",target=\"{target}\",address=\"{address}\",state=\"{s}\",subsystem=\"http\"}} {v}"
                );
            }
        }
    }
}

/// Label-value escaping of the text exposition format.
fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\\', '"', '\n']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    std::borrow::Cow::Owned(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_upper_inclusive() {
        let mut h = Histogram::new(UPSTREAM_LATENCY_BUCKETS_MS);
        for ms in [0, 25, 26, 60_000, 60_001] {
            h.observe(ms);
        }
        assert_eq!(h.counts[0], 2, "0 and 25 fall in le=25");
        assert_eq!(h.counts[1], 1, "26 falls in le=50");
        assert_eq!(h.counts[UPSTREAM_LATENCY_BUCKETS_MS.len() - 1], 1);
        assert_eq!(
            h.counts[UPSTREAM_LATENCY_BUCKETS_MS.len()],
            1,
            "above the last bound: +Inf"
        );
        assert_eq!(h.sum_ms, 25 + 26 + 60_000 + 60_001);
    }

    #[test]
    fn escapes_label_values() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
