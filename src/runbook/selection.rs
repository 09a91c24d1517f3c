//! From what is selected on screen to a runbook [`Query`]: a route's error codes (the pane
//! shows the dominant one and cycles through the rest), or a check's or probe's result.

use std::collections::BTreeMap;

use super::catalog::Query;
use super::evidence::{rate_limit_reason, EvidenceInput, StatusCount};
use crate::model::status::{Status, StatusClass};

/// The route's error statuses (4xx and 5xx, exact codes or classes) with their counts, most
/// frequent first, ties by status. The first is the pane's default; left/right cycle.
pub fn error_statuses(by_status: &[StatusCount]) -> Vec<(Status, u64)> {
    let mut totals: BTreeMap<Status, u64> = BTreeMap::new();
    for sc in by_status {
        let class = sc.status.class();
        if sc.count > 0 && matches!(class, StatusClass::ClientError | StatusClass::ServerError) {
            *totals.entry(sc.status).or_default() += sc.count;
        }
    }
    let mut out: Vec<(Status, u64)> = totals.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The query for one of a route's error statuses. For a 429 the evidence decides between the
/// quota and the throttle runbook when it can.
pub fn route_query(status: Status, input: &EvidenceInput) -> Query {
    let reason = if status == Status::Code(429) {
        rate_limit_reason(input).map(str::to_string)
    } else {
        None
    };
    Query {
        status: Some(status),
        reason,
        route: input.route.clone(),
        preset: input.preset.clone(),
    }
}

/// The query for a check or probe result. `http_status` and `assertion` only say that the
/// answer was wrong, so the status speaks for them.
pub fn result_query(
    status: Option<u16>,
    reason: Option<&str>,
    route: Option<&str>,
    preset: Option<&str>,
) -> Query {
    let reason = reason
        .map(str::to_ascii_lowercase)
        .filter(|r| !matches!(r.as_str(), "http_status" | "assertion" | ""));
    Query {
        status: status.map(Status::Code),
        reason,
        route: route.map(str::to_string),
        preset: preset.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Responder;
    use crate::runbook::evidence::RateLimitSeen;
    use std::time::Duration;

    fn sc(status: Status, responder: Responder, count: u64) -> StatusCount {
        StatusCount {
            status,
            responder,
            count,
        }
    }

    #[test]
    fn errors_by_frequency_across_responders() {
        let counts = [
            sc(Status::Code(200), Responder::Upstream, 9_000),
            sc(Status::Code(404), Responder::Upstream, 40),
            sc(Status::Code(502), Responder::Gateway, 30),
            sc(Status::Code(502), Responder::Upstream, 20),
            sc(
                Status::Class(StatusClass::ServerError),
                Responder::Unknown,
                40,
            ),
            sc(Status::Code(301), Responder::Upstream, 70),
            sc(Status::Code(503), Responder::Gateway, 0),
        ];
        assert_eq!(
            error_statuses(&counts),
            vec![
                (Status::Code(502), 50),
                (Status::Code(404), 40),
                (Status::Class(StatusClass::ServerError), 40),
            ]
        );
    }

    #[test]
    fn queries() {
        let input = EvidenceInput {
            route: Some("/v1/orders".into()),
            preset: Some("kong".into()),
            last_rate_limit: Some(RateLimitSeen {
                retry_after: Some(Duration::from_secs(86_400)),
                ..RateLimitSeen::default()
            }),
            ..EvidenceInput::default()
        };
        let q = route_query(Status::Code(429), &input);
        assert_eq!(q.reason.as_deref(), Some("quota_exceeded"));
        assert_eq!(q.route.as_deref(), Some("/v1/orders"));
        assert_eq!(route_query(Status::Code(502), &input).reason, None);
        let r = result_query(Some(502), Some("http_status"), None, None);
        assert_eq!((r.status, r.reason), (Some(Status::Code(502)), None));
        let r = result_query(None, Some("TLS_expired"), Some("/x"), None);
        assert_eq!(r.reason.as_deref(), Some("tls_expired"));
    }
}
