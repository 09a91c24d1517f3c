//! Caddy's JSON access log (`log { format json }`): `ts` in Unix seconds, `duration` in
//! seconds, `request.uri` with its query string, headers as arrays.

use super::json::{Field, JsonRule, JsonSpec, Unit};

pub fn spec() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["status"])
        .field(Field::Target, Unit::Millis, &["request.uri"])
        .field(Field::Method, Unit::Millis, &["request.method"])
        .field(Field::Time, Unit::Seconds, &["ts"])
        .field(Field::Latency, Unit::Seconds, &["duration"])
        .field(Field::Bytes, Unit::Millis, &["size"])
        .field(
            Field::Client,
            Unit::Millis,
            &["request.client_ip", "request.remote_ip"],
        )
        .field(Field::Host, Unit::Millis, &["request.host"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &["request.headers.X-Request-Id", "resp_headers.X-Request-Id"],
        )
        .field(Field::RespHeaders, Unit::Millis, &["resp_headers"])
        .build(JsonRule::Caddy)
}

/// Caddy's access logger is named `http.log.access…`.
pub fn is_caddy_line(line: &str) -> bool {
    line.contains("\"logger\":\"http.log.access")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::model::time::Timestamp;

    #[test]
    fn reads_a_caddy_line() {
        let line = r#"{"level":"error","ts":1795345190.664094,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"39284","proto":"HTTP/1.1","method":"GET","host":"127.0.0.1:18100","uri":"/v1/users/7?api_key=K","headers":{"X-Request-Id":["rid-34"]}},"user_id":"","duration":0.00033057,"size":0,"status":502,"resp_headers":{"Server":["Caddy"]}}"#;
        let r = spec().parse(line).unwrap();
        assert!(is_caddy_line(line));
        assert_eq!(
            (r.status, r.method, r.path.as_ref()),
            (502, Some("GET"), "/v1/users/7")
        );
        assert_eq!(r.time, Some(Timestamp(1_795_345_190_664)));
        assert_eq!(r.request_id, Some("rid-34"));
        assert_eq!(
            (r.client, r.host, r.bytes),
            (Some("127.0.0.1"), Some("127.0.0.1:18100"), Some(0))
        );
        assert!((r.latency_ms.unwrap() - 0.33057).abs() < 1e-9);
        assert_eq!(r.responder, Responder::Gateway);
        let proxied = line.replace(
            r#"{"Server":["Caddy"]}"#,
            r#"{"Server":["Caddy","up"],"Date":["x"]}"#,
        );
        assert_eq!(
            spec().parse(&proxied).unwrap().responder,
            Responder::Upstream
        );
    }
}
