//! Envoy access logs: the default text format, and JSON (`json_format`) with the keys of
//! Istio's widely copied JSON layout. Response flags (`UH`, `UF`, `UT`, `NR`, `RL` …) mean
//! Envoy answered itself.

use super::clf::compile_builtin;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::nginx_format::{ResponderRule, Template};

/// `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
/// %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
/// %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
/// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`
pub const DEFAULT_TEXT: &str = r#"[$time_iso8601] "$request" $status $gw_flags $bytes_received $body_bytes_sent $gw_duration_ms $gw_upstream_ms "$http_x_forwarded_for" "$http_user_agent" "$request_id" "$host" "$gw_upstream_host""#;

pub fn text() -> Template {
    compile_builtin(DEFAULT_TEXT)
        .with_rule(ResponderRule::EnvoyFlags)
        .with_lenient_tail()
}

pub fn json() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["response_code", "status"])
        .field(
            Field::Target,
            Unit::Millis,
            &["path", "x_envoy_original_path"],
        )
        .field(Field::Method, Unit::Millis, &["method"])
        .field(Field::Time, Unit::Millis, &["start_time", "timestamp"])
        .field(Field::Latency, Unit::Millis, &["duration"])
        .field(
            Field::UpstreamLatency,
            Unit::Millis,
            &["upstream_service_time"],
        )
        .field(Field::Flags, Unit::Millis, &["response_flags"])
        .field(Field::UpstreamHost, Unit::Millis, &["upstream_host"])
        .field(Field::Bytes, Unit::Millis, &["bytes_sent"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &["request_id", "x_request_id"],
        )
        .field(
            Field::Client,
            Unit::Millis,
            &["downstream_remote_address", "x_forwarded_for"],
        )
        .field(Field::Host, Unit::Millis, &["authority", "host"])
        .field(
            Field::RouteName,
            Unit::Millis,
            &["route_name", "upstream_cluster"],
        )
        .build(JsonRule::Envoy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::model::time::Timestamp;

    #[test]
    fn default_text_format() {
        // (line, status, flags, responder)
        let cases = [
            (
                r#"[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80""#,
                204,
                None,
                Responder::Upstream,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /v1/inventory HTTP/1.1" 503 UH 0 19 0 - "-" "curl/8" "r-2" "api" "-""#,
                503,
                Some("UH"),
                Responder::Gateway,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /v1/search?q=1 HTTP/1.1" 429 RL 0 18 1 - "-" "curl/8" "r-3" "api" "-""#,
                429,
                Some("RL"),
                Responder::Gateway,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /nope HTTP/1.1" 404 NR 0 0 0 - "-" "curl/8" "r-4" "api" "-""#,
                404,
                Some("NR"),
                Responder::Gateway,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /slow HTTP/1.1" 504 UT 0 24 15001 - "-" "curl/8" "r-5" "api" "10.0.0.1:80""#,
                504,
                Some("UT"),
                Responder::Gateway,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /x HTTP/1.1" 503 UF,URX 0 91 3 - "-" "curl/8" "r-6" "api" "10.0.0.1:80""#,
                503,
                Some("UF,URX"),
                Responder::Gateway,
            ),
            (
                r#"[2024-01-01T00:00:00.000Z] "GET /direct HTTP/1.1" 200 - 0 2 0 - "-" "curl/8" "r-7" "api" "-""#,
                200,
                None,
                Responder::Gateway,
            ),
        ];
        let t = text();
        for (line, status, flags, responder) in cases {
            let r = t.parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(
                (r.status, r.flags, r.responder),
                (status, flags, responder),
                "{line}"
            );
        }
        let r = t.parse(cases[0].0).unwrap();
        assert_eq!(r.time, Some(Timestamp(1_460_751_420_310)));
        assert_eq!(
            (r.latency_ms, r.upstream_latency_ms),
            (Some(226.0), Some(100.0))
        );
        assert_eq!(
            (r.request_id, r.host),
            (
                Some("cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2"),
                Some("locations")
            )
        );
    }

    #[test]
    fn json_format() {
        let line = r#"{"start_time":"2024-01-01T00:00:00.000Z","method":"GET","path":"/v1/orders/9?x=1","protocol":"HTTP/1.1","response_code":503,"response_flags":"UO","bytes_received":0,"bytes_sent":81,"duration":2,"upstream_service_time":null,"upstream_host":null,"request_id":"r-9","authority":"api","route_name":"orders"}"#;
        let r = json().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.flags, r.responder),
            (503, "/v1/orders/9", Some("UO"), Responder::Gateway)
        );
        assert_eq!((r.route_name, r.latency_ms), (Some("orders"), Some(2.0)));
        let ok = line
            .replace(r#""response_flags":"UO""#, r#""response_flags":"-""#)
            .replace(
                r#""upstream_host":null"#,
                r#""upstream_host":"10.0.0.1:80""#,
            );
        assert_eq!(json().parse(&ok).unwrap().responder, Responder::Upstream);
    }
}
