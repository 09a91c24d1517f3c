//! nginx `escape=json` lines whose keys are the nginx variable names (with or without the
//! `request_`/`http_` prefixes), for when the `log_format` itself is not given. Given the
//! `log_format`, [`super::LogFormat::nginx`] reads such lines exactly.

use super::json::{Field, JsonRule, JsonSpec, Unit};

pub fn spec() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["status"])
        .field(Field::Target, Unit::Millis, &["request_uri", "uri", "path"])
        .field(Field::Request, Unit::Millis, &["request"])
        .field(Field::Method, Unit::Millis, &["request_method", "method"])
        .field(
            Field::Time,
            Unit::Seconds,
            &["time_iso8601", "time", "time_local", "msec", "timestamp"],
        )
        .field(Field::Latency, Unit::Seconds, &["request_time"])
        .field(
            Field::UpstreamLatency,
            Unit::Seconds,
            &["upstream_response_time"],
        )
        .field(Field::UpstreamStatus, Unit::Millis, &["upstream_status"])
        .field(Field::HeaderTime, Unit::Seconds, &["upstream_header_time"])
        .field(Field::UpstreamHost, Unit::Millis, &["upstream_addr"])
        .field(
            Field::Bytes,
            Unit::Millis,
            &["body_bytes_sent", "bytes_sent"],
        )
        .field(
            Field::RequestId,
            Unit::Millis,
            &["request_id", "http_x_request_id"],
        )
        .field(Field::Client, Unit::Millis, &["remote_addr", "client"])
        .field(
            Field::Host,
            Unit::Millis,
            &["host", "http_host", "server_name"],
        )
        .build(JsonRule::Nginx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;

    #[test]
    fn reads_the_fixture_shape() {
        let line = r#"{"time":"2026-11-22T10:59:51+00:00","remote_addr":"127.0.0.1","request_id":"r-1","method":"GET","uri":"/v1/search","protocol":"HTTP/1.1","status":429,"body_bytes_sent":36,"request_length":195,"request_time":0.000,"upstream_addr":"","upstream_status":"","upstream_response_time":"","http_user_agent":"x","http_referer":""}"#;
        let r = spec().parse(line).unwrap();
        assert_eq!(
            (r.status, r.method, r.path.as_ref(), r.request_id),
            (429, Some("GET"), "/v1/search", Some("r-1"))
        );
        assert_eq!(r.responder, Responder::Gateway);
        let up = line.replace(r#""upstream_status":"""#, r#""upstream_status":"429""#);
        assert_eq!(spec().parse(&up).unwrap().responder, Responder::Upstream);
        let retried = line
            .replace(r#""upstream_status":"""#, r#""upstream_status":"502, 429""#)
            .replace(
                r#""upstream_response_time":"""#,
                r#""upstream_response_time":"0.003, 0.012""#,
            );
        let r = spec().parse(&retried).unwrap();
        assert_eq!(
            (r.upstream_status, r.responder),
            (Some(429), Responder::Upstream)
        );
        assert!((r.upstream_latency_ms.unwrap() - 15.0).abs() < 1e-9);
        let req = r#"{"request":"POST /v1/login?x=1 HTTP/1.1","status":"401"}"#;
        let r = spec().parse(req).unwrap();
        assert_eq!(
            (r.method, r.path.as_ref(), r.query, r.status),
            (Some("POST"), "/v1/login", Some("x=1"), 401)
        );
    }
}
