//! Apache APISIX: its default nginx access log format, and the JSON of its logger plugins
//! (`route_id`, `latency`/`upstream_latency` in ms, `upstream` empty when APISIX answered).

use super::clf::compile_builtin;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::nginx_format::Template;

pub const TEXT: &str = r#"$remote_addr - $remote_user [$time_local] $http_host "$request" $status $body_bytes_sent $request_time "$http_referer" "$http_user_agent" $upstream_addr $upstream_status $upstream_response_time "$upstream_scheme://$upstream_host$upstream_uri" "$apisix_request_id""#;

pub fn text() -> Template {
    compile_builtin(TEXT)
}

pub fn json() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["response.status"])
        .field(Field::Target, Unit::Millis, &["request.uri"])
        .field(Field::Method, Unit::Millis, &["request.method"])
        .field(Field::Time, Unit::Millis, &["start_time"])
        .field(Field::Latency, Unit::Millis, &["latency"])
        .field(Field::UpstreamLatency, Unit::Millis, &["upstream_latency"])
        .field(Field::UpstreamHost, Unit::Millis, &["upstream"])
        .field(Field::Bytes, Unit::Millis, &["response.size"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &["request.headers.x-request-id", "apisix_request_id"],
        )
        .field(Field::Client, Unit::Millis, &["client_ip"])
        .field(Field::Host, Unit::Millis, &["request.headers.host"])
        .field(Field::RouteName, Unit::Millis, &["route_name", "route_id"])
        .build(JsonRule::Apisix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;

    #[test]
    fn default_text_format() {
        let cases = [
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] api.test "GET /v1/orders/3 HTTP/1.1" 200 26 0.004 "-" "curl/8" 10.0.0.5:8080 200 0.004 "http://api.test/v1/orders/3" "a1b2""#,
                200,
                Responder::Upstream,
            ),
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] api.test "GET /v1/search HTTP/1.1" 503 194 0.000 "-" "curl/8" - - - "://" "a1b3""#,
                503,
                Responder::Gateway,
            ),
            (
                r#"127.0.0.1 - - [22/Nov/2026:10:59:50 +0000] api.test "GET /v1/x HTTP/1.1" 200 2 0.020 "-" "curl/8" 10.0.0.5:8080, 10.0.0.6:8080 502, 200 0.010, 0.010 "http://api.test/v1/x" "a1b4""#,
                200,
                Responder::Upstream,
            ),
        ];
        for (line, status, responder) in cases {
            let r = text().parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!((r.status, r.responder), (status, responder), "{line}");
            assert_eq!(r.host, Some("api.test"));
        }
        let r = text().parse(cases[2].0).unwrap();
        assert_eq!((r.upstream_status, r.request_id), (Some(200), Some("a1b4")));
        assert!((r.upstream_latency_ms.unwrap() - 20.0).abs() < 1e-9);
    }

    #[test]
    fn logger_json() {
        let line = r#"{"request":{"method":"GET","uri":"/v1/search?q=1","headers":{"host":"api.test"}},"response":{"status":503,"size":194},"upstream":"","route_id":"search","client_ip":"127.0.0.1","start_time":1795345190123,"latency":0.5,"apisix_latency":0.5,"upstream_latency":0}"#;
        let r = json().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.responder, r.route_name),
            (503, "/v1/search", Responder::Gateway, Some("search"))
        );
        let up = line.replace(r#""upstream":"""#, r#""upstream":"10.0.0.5:8080""#);
        assert_eq!(json().parse(&up).unwrap().responder, Responder::Upstream);
    }
}
