//! Response bodies the demo sends, shared by the server and the traffic generator so that the
//! logged `$body_bytes_sent` matches what a real request receives.

use super::outcome::Cause;

/// The JSON body for a response of this cause (Kong's own messages for gateway-made answers).
pub fn body_for(cause: Cause) -> &'static str {
    match cause {
        Cause::Ok => r#"{"ok":true}"#,
        Cause::NotModified | Cause::Preflight => "",
        Cause::UpstreamClientError => r#"{"error":"invalid request"}"#,
        Cause::UpstreamServerError => r#"{"error":"internal error"}"#,
        Cause::RateLimited => r#"{"message":"API rate limit exceeded"}"#,
        Cause::TokenExpired => r#"{"exp":"token expired"}"#,
        Cause::PayloadTooLarge => r#"{"message":"Request size limit exceeded"}"#,
        Cause::UpstreamConnectFailed => {
            r#"{"message":"An invalid response was received from the upstream server"}"#
        }
        Cause::NoHealthyTarget => r#"{"message":"failure to get a peer from the ring-balancer"}"#,
        Cause::UpstreamTimeout => r#"{"message":"The upstream server is timing out"}"#,
        Cause::PathNotFoundUpstream => r#"{"error":"not found"}"#,
        Cause::NoRouteMatched => r#"{"message":"no Route matched with those values"}"#,
    }
}
