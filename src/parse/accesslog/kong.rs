//! Kong: the proxy access log (`kong_log_format`, nginx combined plus `kong_request_id`), and
//! the JSON its logging plugins (file-log, http-log, tcp-log …) write with Kong's serializer.

use super::clf::compile_builtin;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::nginx_format::Template;

pub const TEXT: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" kong_request_id: "$kong_request_id""#;

pub fn text() -> Template {
    compile_builtin(TEXT)
}

pub fn json() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["response.status"])
        .field(Field::Target, Unit::Millis, &["request.uri"])
        .field(Field::Method, Unit::Millis, &["request.method"])
        .field(Field::Time, Unit::Millis, &["started_at"])
        .field(Field::Latency, Unit::Millis, &["latencies.request"])
        .field(Field::UpstreamLatency, Unit::Millis, &["latencies.proxy"])
        .field(Field::UpstreamStatus, Unit::Millis, &["upstream_status"])
        .field(Field::Source, Unit::Millis, &["source"])
        .field(Field::Bytes, Unit::Millis, &["response.size"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &[
                "request.id",
                "request.headers.x-kong-request-id",
                "request.headers.x-request-id",
            ],
        )
        .field(Field::Client, Unit::Millis, &["client_ip"])
        .field(Field::Host, Unit::Millis, &["request.headers.host"])
        .field(Field::RouteName, Unit::Millis, &["route.name", "route.id"])
        .build(JsonRule::Kong)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::model::time::Timestamp;

    #[test]
    fn proxy_log_line() {
        let line = r#"172.18.0.1 - - [22/Nov/2026:10:59:50 +0000] "GET /orders/5 HTTP/1.1" 429 41 "-" "curl/8" kong_request_id: "8c2a1b0e5f6d7c8b9a0e1f2d3c4b5a69""#;
        let r = text().parse(line).unwrap();
        assert_eq!((r.status, r.path.as_ref()), (429, "/orders/5"));
        assert_eq!(r.request_id, Some("8c2a1b0e5f6d7c8b9a0e1f2d3c4b5a69"));
    }

    #[test]
    fn serializer_json() {
        let line = r#"{"request":{"method":"GET","uri":"/orders/5?apikey=K","size":120,"headers":{"host":"api.test","x-request-id":"r-1"}},"response":{"status":429,"size":41},"latencies":{"kong":1,"proxy":-1,"request":2},"route":{"id":"9a","name":"orders"},"client_ip":"172.18.0.1","started_at":1795345190123,"upstream_status":"","source":"kong"}"#;
        let r = json().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.responder),
            (429, "/orders/5", Responder::Gateway)
        );
        assert_eq!(
            (r.time, r.latency_ms),
            (Some(Timestamp(1_795_345_190_123)), Some(2.0))
        );
        assert_eq!(
            (r.route_name, r.request_id, r.host),
            (Some("orders"), Some("r-1"), Some("api.test"))
        );
        let up = line.replace(r#""source":"kong""#, r#""source":"upstream""#);
        assert_eq!(json().parse(&up).unwrap().responder, Responder::Upstream);
        let no_source = line
            .replace(r#","source":"kong""#, "")
            .replace(r#""upstream_status":"""#, r#""upstream_status":"429""#);
        assert_eq!(
            json().parse(&no_source).unwrap().responder,
            Responder::Upstream
        );
    }
}
