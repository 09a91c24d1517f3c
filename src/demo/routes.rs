//! The demo gateway's configuration: Kong services and routes, as a real Kong would have them.

/// One Kong route (and the service behind it).
#[derive(Debug)]
pub struct DemoRoute {
    pub method: &'static str,
    /// Path template; `{id}` matches one non-empty segment.
    pub path: &'static str,
    /// Kong service name (the `service` label).
    pub service: &'static str,
    /// Kong route name (the `route` label).
    pub name: &'static str,
    /// Share of the generated baseline traffic (relative).
    pub weight: f64,
    /// Median upstream latency when healthy.
    pub upstream_median_ms: f64,
    /// Typical response body size in bytes for a success.
    pub body_bytes: u32,
    /// Typical request body size (POST).
    pub request_body_bytes: u32,
    /// The jwt plugin guards this route (401 when the token is bad).
    pub authenticated: bool,
    /// The rate-limiting plugin is on this route, with this many requests per minute.
    pub rate_limit_per_minute: Option<u32>,
    /// The service's `read_timeout` in milliseconds (Kong's default is 60000).
    pub read_timeout_ms: u32,
    /// How the cors plugin is configured here.
    pub cors: Cors,
    /// The upstream's own baseline client errors (status, share).
    pub baseline_4xx: &'static [(u16, f64)],
    /// Whether the upstream answers 304 to conditional requests sometimes.
    pub conditional: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cors {
    None,
    /// A correct allowlist: the allowed origin is echoed, with credentials and `Vary: Origin`.
    Allowlist,
    /// A broken configuration: `*` together with credentials, which browsers refuse.
    WildcardWithCredentials,
}

/// The origin the correct CORS configuration allows.
pub const ALLOWED_ORIGIN: &str = "https://shop.example.com";

/// The Kong version the demo impersonates, as a literal for `concat!`.
macro_rules! kong_version {
    () => {
        "3.6.1"
    };
}
pub const KONG_VERSION: &str = kong_version!();
/// The `Server` header Kong sends on the responses it makes itself.
pub const SERVER_HEADER: &str = concat!("kong/", kong_version!());
pub const NODE_ID: &str = "6e2f4f0c-8d1b-4b7a-9c57-2f1d3a6b9e41";
pub const WORKSPACE: &str = "default";

pub const ROUTES: &[DemoRoute] = &[
    DemoRoute {
        method: "GET",
        path: "/v1/orders",
        service: "orders",
        name: "orders-list",
        weight: 14.0,
        upstream_median_ms: 38.0,
        body_bytes: 2_400,
        request_body_bytes: 0,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(400, 0.004)],
        conditional: false,
    },
    DemoRoute {
        method: "POST",
        path: "/v1/orders",
        service: "orders",
        name: "orders-create",
        weight: 5.0,
        upstream_median_ms: 85.0,
        body_bytes: 620,
        request_body_bytes: 900,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(400, 0.006), (422, 0.01)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/orders/{id}",
        service: "orders",
        name: "orders-get",
        weight: 12.0,
        upstream_median_ms: 22.0,
        body_bytes: 1_100,
        request_body_bytes: 0,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(404, 0.012)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/users/{id}",
        service: "users",
        name: "users-get",
        weight: 10.0,
        upstream_median_ms: 18.0,
        body_bytes: 780,
        request_body_bytes: 0,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(404, 0.008)],
        conditional: false,
    },
    DemoRoute {
        method: "POST",
        path: "/v1/login",
        service: "auth",
        name: "auth-login",
        weight: 4.0,
        upstream_median_ms: 120.0,
        body_bytes: 310,
        request_body_bytes: 180,
        authenticated: false,
        rate_limit_per_minute: Some(600),
        read_timeout_ms: 10_000,
        cors: Cors::None,
        baseline_4xx: &[(401, 0.035), (400, 0.004)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/search",
        service: "search",
        name: "search-query",
        weight: 14.0,
        upstream_median_ms: 65.0,
        body_bytes: 5_800,
        request_body_bytes: 0,
        authenticated: false,
        rate_limit_per_minute: Some(3_000),
        read_timeout_ms: 15_000,
        cors: Cors::WildcardWithCredentials,
        baseline_4xx: &[(400, 0.005)],
        conditional: false,
    },
    DemoRoute {
        method: "POST",
        path: "/v1/payments",
        service: "payments",
        name: "payments-create",
        weight: 4.0,
        upstream_median_ms: 210.0,
        body_bytes: 450,
        request_body_bytes: 640,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 30_000,
        cors: Cors::None,
        baseline_4xx: &[(402, 0.006), (422, 0.006)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/inventory",
        service: "inventory",
        name: "inventory-list",
        weight: 8.0,
        upstream_median_ms: 45.0,
        body_bytes: 3_900,
        request_body_bytes: 0,
        authenticated: false,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(400, 0.003)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/catalog",
        service: "catalog",
        name: "catalog-list",
        weight: 12.0,
        upstream_median_ms: 30.0,
        body_bytes: 9_600,
        request_body_bytes: 0,
        authenticated: false,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::Allowlist,
        baseline_4xx: &[],
        conditional: true,
    },
    DemoRoute {
        method: "POST",
        path: "/v1/upload",
        service: "media",
        name: "media-upload",
        weight: 2.0,
        upstream_median_ms: 340.0,
        body_bytes: 260,
        request_body_bytes: 48_000,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 60_000,
        cors: Cors::None,
        baseline_4xx: &[(400, 0.005)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/v1/reports/{id}",
        service: "reports",
        name: "reports-get",
        weight: 3.0,
        upstream_median_ms: 160.0,
        body_bytes: 14_000,
        request_body_bytes: 0,
        authenticated: true,
        rate_limit_per_minute: None,
        read_timeout_ms: 5_000,
        cors: Cors::None,
        baseline_4xx: &[(404, 0.01)],
        conditional: false,
    },
    DemoRoute {
        method: "GET",
        path: "/healthz",
        service: "health",
        name: "health-check",
        weight: 12.0,
        upstream_median_ms: 2.0,
        body_bytes: 15,
        request_body_bytes: 0,
        authenticated: false,
        rate_limit_per_minute: None,
        read_timeout_ms: 5_000,
        cors: Cors::None,
        baseline_4xx: &[],
        conditional: false,
    },
];

/// Index into [`ROUTES`].
pub type RouteIdx = usize;

pub fn route_index(name: &str) -> Option<RouteIdx> {
    ROUTES.iter().position(|r| r.name == name)
}

/// The route a request reaches, the way Kong's router would pick it: method and path template.
pub fn match_route(method: &str, path: &str) -> Option<RouteIdx> {
    ROUTES
        .iter()
        .position(|r| r.method == method && template_matches(r.path, path))
}

/// Whether any route serves this path (for CORS preflights, which come as OPTIONS).
pub fn match_path(path: &str) -> Option<RouteIdx> {
    ROUTES.iter().position(|r| template_matches(r.path, path))
}

fn template_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some("{id}"), Some(seg)) if !seg.is_empty() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// The upstream (Kong `upstreams` entity) and targets behind a service.
pub fn upstream_of(route: &DemoRoute) -> (String, [(String, String); 2]) {
    let upstream = format!("{}.upstream", route.service);
    let base = ROUTES
        .iter()
        .position(|r| r.service == route.service)
        .unwrap_or(0);
    let targets = [0u8, 1].map(|i| {
        (
            format!("{}-svc-{}:8080", route.service, i + 1),
            format!("10.20.{}.{}:8080", base + 1, 11 + i),
        )
    });
    (upstream, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_kong_router() {
        let cases = [
            ("GET", "/v1/orders", Some("orders-list")),
            ("POST", "/v1/orders", Some("orders-create")),
            ("GET", "/v1/orders/8812", Some("orders-get")),
            ("GET", "/v1/orders/", None),
            ("GET", "/v1/orders/1/items", None),
            ("DELETE", "/v1/orders", None),
            ("GET", "/v1/search?q=x", Some("search-query")),
            ("GET", "/healthz", Some("health-check")),
            ("GET", "/v2/catalog", None),
        ];
        for (method, path, want) in cases {
            let got = match_route(method, path).map(|i| ROUTES[i].name);
            assert_eq!(got, want, "{method} {path}");
        }
    }

    #[test]
    fn names_are_unique_and_about_a_dozen() {
        let mut names: Vec<_> = ROUTES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ROUTES.len());
        assert!((10..=14).contains(&ROUTES.len()));
    }
}
