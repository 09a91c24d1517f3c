//! AWS API Gateway access logs: JSON built from `$context` variables (the console's JSON preset
//! and the usual extra keys), and the console's CLF preset. The route is the resource template
//! (`$context.resourcePath`, `/users/{id}`) or the HTTP API route key when logged.

use super::clf::compile_builtin;
use super::json::{Field, JsonRule, JsonSpec, Unit};
use super::nginx_format::Template;

/// `$context.identity.sourceIp $context.identity.caller $context.identity.user
/// [$context.requestTime]"$context.httpMethod $context.resourcePath $context.protocol"
/// $context.status $context.responseLength $context.requestId $context.extendedRequestId`
pub const CLF: &str = r#"$remote_addr $caller $remote_user [$time_local]"$request" $status $body_bytes_sent $request_id $extended_request_id"#;

pub fn text() -> Template {
    compile_builtin(CLF)
}

pub fn json() -> JsonSpec {
    JsonSpec::builder()
        .field(Field::Status, Unit::Millis, &["status", "statusCode"])
        .field(
            Field::Target,
            Unit::Millis,
            &["resourcePath", "routeKey", "path"],
        )
        .field(Field::Method, Unit::Millis, &["httpMethod"])
        .field(
            Field::Time,
            Unit::Millis,
            &["requestTimeEpoch", "requestTime"],
        )
        .field(
            Field::Latency,
            Unit::Millis,
            &["responseLatency", "latency"],
        )
        .field(
            Field::UpstreamLatency,
            Unit::Millis,
            &["integrationLatency", "integration.latency"],
        )
        .field(
            Field::UpstreamStatus,
            Unit::Millis,
            &["integrationStatus", "integration.status"],
        )
        .field(
            Field::IntegrationStatus,
            Unit::Millis,
            &["integrationStatus", "integration.status"],
        )
        .field(
            Field::ErrorType,
            Unit::Millis,
            &["errorResponseType", "responseType", "error.responseType"],
        )
        .field(Field::Bytes, Unit::Millis, &["responseLength"])
        .field(
            Field::RequestId,
            Unit::Millis,
            &["requestId", "extendedRequestId"],
        )
        .field(Field::Client, Unit::Millis, &["ip", "sourceIp"])
        .field(Field::Host, Unit::Millis, &["domainName"])
        .build(JsonRule::Aws)
}

/// An HTTP API route key (`GET /users/{id}`) as a path; `$default` stays as it is.
pub fn route_key_path(target: &str) -> &str {
    match target.split_once(' ') {
        Some((m, p)) if super::values::is_method(m) || m == "ANY" => p,
        _ => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::model::time::Timestamp;

    #[test]
    fn json_preset_with_error_type() {
        let line = r#"{"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","ip":"198.51.100.1","caller":"-","user":"-","requestTime":"22/Nov/2026:10:59:50 +0000","httpMethod":"GET","resourcePath":"/users/{id}","status":"429","protocol":"HTTP/1.1","responseLength":"44","errorResponseType":"THROTTLED","integrationStatus":"-"}"#;
        let r = json().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.responder),
            (429, "/users/{id}", Responder::Gateway)
        );
        assert_eq!(r.time, Some(Timestamp(1_795_345_190_000)));
        let ok = line
            .replace("THROTTLED", "-")
            .replace(r#""integrationStatus":"-""#, r#""integrationStatus":"200""#)
            .replace(r#""status":"429""#, r#""status":"200""#);
        let r = json().parse(&ok).unwrap();
        assert_eq!(
            (r.responder, r.upstream_status),
            (Responder::Upstream, Some(200))
        );
        let bare =
            r#"{"requestId":"x","httpMethod":"GET","routeKey":"GET /users/{id}","status":"200"}"#;
        let r = json().parse(bare).unwrap();
        assert_eq!(
            (r.responder, route_key_path(&r.path)),
            (Responder::Unknown, "/users/{id}")
        );
    }

    #[test]
    fn clf_preset() {
        let line = r#"198.51.100.1 - - [22/Nov/2026:10:59:50 +0000]"GET /users/{id} HTTP/1.1" 504 36 c6af9ac6-7b61-11e6-9a41-93e8deadbeef X1yZ2aBcDEFg="#;
        let r = text().parse(line).unwrap();
        assert_eq!(
            (r.status, r.path.as_ref(), r.request_id),
            (
                504,
                "/users/{id}",
                Some("c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
            )
        );
    }
}
