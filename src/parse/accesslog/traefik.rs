//! Traefik access logs: its CLF variant (`common`, the default) and JSON. JSON durations are
//! nanoseconds; a missing or zero `OriginStatus` means Traefik answered itself (a middleware
//! such as RateLimit, or no matching router).

use super::clf::compile_builtin;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::nginx_format::{ResponderRule, Template};

/// `<ip> - <user> [<time>] "<method> <path> <proto>" <status> <size> "<referer>" "<ua>"
/// <request count> "<router name>" "<server URL>" <duration>ms`
pub const CLF: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_count "$gw_route_name" "$gw_upstream_host" ${gw_duration_ms}ms"#;

pub fn text() -> Template {
    compile_builtin(CLF).with_rule(ResponderRule::UpstreamHost)
}

pub fn json() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["DownstreamStatus"])
        .field(Field::OriginStatus, Unit::Millis, &["OriginStatus"])
        .field(Field::Target, Unit::Millis, &["RequestPath"])
        .field(Field::Method, Unit::Millis, &["RequestMethod"])
        .field(
            Field::Time,
            Unit::Millis,
            &["StartUTC", "StartLocal", "time"],
        )
        .field(Field::Latency, Unit::Nanos, &["Duration"])
        .field(Field::UpstreamLatency, Unit::Nanos, &["OriginDuration"])
        .field(Field::Bytes, Unit::Millis, &["DownstreamContentSize"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &["request_X-Request-Id", "downstream_X-Request-Id"],
        )
        .field(Field::Client, Unit::Millis, &["ClientHost", "ClientAddr"])
        .field(Field::Host, Unit::Millis, &["RequestHost"])
        .field(Field::RouteName, Unit::Millis, &["RouterName"])
        .field(
            Field::UpstreamHost,
            Unit::Millis,
            &["ServiceURL", "ServiceAddr"],
        )
        .build(JsonRule::Traefik)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;

    #[test]
    fn clf_variant() {
        let ok = r#"192.168.1.10 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/orders/12?page=2 HTTP/1.1" 200 18 "-" "curl/8" 41 "orders@file" "http://10.0.0.5:8080" 7ms"#;
        let r = text().parse(ok).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.route_name),
            (200, "/v1/orders/12", Some("orders@file"))
        );
        assert_eq!(
            (r.latency_ms, r.responder),
            (Some(7.0), Responder::Upstream)
        );
        let limited = r#"192.168.1.10 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/search HTTP/1.1" 429 17 "-" "curl/8" 42 "search@file" "-" 0ms"#;
        let r = text().parse(limited).unwrap();
        assert_eq!((r.status, r.responder), (429, Responder::Gateway));
    }

    #[test]
    fn json_lines() {
        let line = r#"{"ClientAddr":"10.0.0.1:5555","ClientHost":"10.0.0.1","DownstreamContentSize":17,"DownstreamStatus":429,"Duration":153000,"RequestHost":"api.test","RequestMethod":"GET","RequestPath":"/v1/search?q=x","RouterName":"search@file","StartUTC":"2026-11-22T10:59:50.123456789Z","level":"info","msg":"","time":"2026-11-22T10:59:50Z"}"#;
        let r = json().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.responder),
            (429, "/v1/search", Responder::Gateway)
        );
        assert!((r.latency_ms.unwrap() - 0.153).abs() < 1e-9);
        let proxied = line.replace(
            r#""DownstreamStatus":429"#,
            r#""DownstreamStatus":429,"OriginStatus":429,"OriginDuration":100000"#,
        );
        let r = json().parse(&proxied).unwrap();
        assert_eq!(
            (r.responder, r.upstream_latency_ms),
            (Responder::Upstream, Some(0.1))
        );
        let zero = line.replace(
            r#""DownstreamStatus":429"#,
            r#""DownstreamStatus":429,"OriginStatus":0"#,
        );
        assert_eq!(json().parse(&zero).unwrap().responder, Responder::Gateway);
    }
}
