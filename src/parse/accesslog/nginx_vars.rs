//! The nginx variables gatewatch reads, and the internal `$gw_*` ones its built-in text
//! formats use for fields nginx does not have.

/// What a variable means to gatewatch.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Var {
    Client,
    TimeLocal,
    TimeIso,
    /// Epoch seconds with a fraction (`$msec`).
    Msec,
    /// `METHOD target PROTOCOL`.
    Request,
    Method,
    /// A target that may carry a query string (`$request_uri`, and `$uri`).
    Target,
    Status,
    Bytes,
    /// Seconds (`$request_time`).
    RequestTimeSecs,
    /// Seconds, a list (`$upstream_response_time`).
    UpstreamTimeList,
    UpstreamStatusList,
    UpstreamHeaderTimeList,
    /// Upstream address list; `-`/empty means no upstream was tried.
    UpstreamAddrList,
    /// Any other list variable nginx writes (`$upstream_connect_time` …), read list-aware.
    IgnoredList,
    RequestId,
    Host,
    Ignored,
    /// Internal: Envoy `%DURATION%`, Traefik `<duration>ms`.
    DurationMs,
    /// Internal: Envoy `X-ENVOY-UPSTREAM-SERVICE-TIME` (ms).
    UpstreamMs,
    /// Internal: Envoy `%RESPONSE_FLAGS%`.
    Flags,
    /// Internal: Envoy `%UPSTREAM_HOST%`, Traefik server URL; `-` means none.
    UpstreamHost,
    /// Internal: Traefik router name.
    RouteName,
    /// Internal: AWS `$context.requestTime` (CLF time without brackets).
    TimeClf,
}

impl Var {
    pub fn of_nginx(name: &str) -> Var {
        match name {
            "remote_addr" | "realip_remote_addr" | "http_x_real_ip" => Var::Client,
            "time_local" => Var::TimeLocal,
            "time_iso8601" => Var::TimeIso,
            "msec" => Var::Msec,
            "request" => Var::Request,
            "request_method" => Var::Method,
            "request_uri" | "uri" | "document_uri" => Var::Target,
            "status" => Var::Status,
            "body_bytes_sent" | "bytes_sent" => Var::Bytes,
            "request_time" => Var::RequestTimeSecs,
            "upstream_response_time" => Var::UpstreamTimeList,
            "upstream_status" => Var::UpstreamStatusList,
            "upstream_header_time" => Var::UpstreamHeaderTimeList,
            "upstream_addr" => Var::UpstreamAddrList,
            "upstream_connect_time"
            | "upstream_bytes_received"
            | "upstream_bytes_sent"
            | "upstream_response_length"
            | "upstream_cache_status" => Var::IgnoredList,
            "request_id" | "http_x_request_id" | "kong_request_id" | "apisix_request_id" => {
                Var::RequestId
            }
            "host" | "http_host" | "server_name" => Var::Host,
            "gw_duration_ms" => Var::DurationMs,
            "gw_upstream_ms" => Var::UpstreamMs,
            "gw_flags" => Var::Flags,
            "gw_upstream_host" => Var::UpstreamHost,
            "gw_route_name" => Var::RouteName,
            "gw_time_clf" => Var::TimeClf,
            _ => Var::Ignored,
        }
    }

    pub(crate) fn is_list(self) -> bool {
        matches!(
            self,
            Var::UpstreamTimeList
                | Var::UpstreamStatusList
                | Var::UpstreamHeaderTimeList
                | Var::UpstreamAddrList
                | Var::IgnoredList
        )
    }
}
