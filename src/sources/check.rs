//! I/O: scheduled synthetic checks. Each configured check becomes a [`CheckSpec`] (request,
//! assertions, client); each run is graded into a [`CheckResult`] and sent to the store as
//! [`Event::CheckResult`]. Checks run as independent tasks with their start times spread over
//! the interval, so 200 checks do not fire in the same millisecond.

pub mod probe;
mod spec;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::http::{wall_now, HttpExchange, HttpRequest};
use crate::model::check::response::RawResponse;
use crate::model::check::{
    evaluate, CheckResult, CheckState, Expectations, Observed, ResponseSummary,
};
use crate::model::cors::{self, PreflightRequest};
use crate::model::route::RouteKey;
use crate::model::time::Timestamp;
use crate::store::Event;

pub use spec::{CheckSpec, ClientCache, SpecError};

/// What grading needs to know about the request besides the exchange.
pub struct GradeInput<'a> {
    pub name: &'a Arc<str>,
    pub route: Option<&'a RouteKey>,
    pub request: &'a HttpRequest,
    pub expectations: &'a Expectations,
    pub preflight: Option<&'a PreflightRequest>,
    /// When the request started.
    pub at: Timestamp,
}

/// Turns an exchange into a graded result: transport failures as they are, otherwise the CORS
/// judgement (for preflights) and the assertions; the worse of the two wins.
pub fn grade(input: GradeInput<'_>, exchange: HttpExchange, now: Timestamp) -> CheckResult {
    let req = input.request;
    let mut result = CheckResult {
        name: input.name.clone(),
        route: input.route.cloned(),
        method: req.method.to_string(),
        url: req.display_url(),
        at: input.at,
        state: CheckState::Failed,
        reason: None,
        response: None,
        phases: exchange.phases,
        redirects: exchange.redirects,
        cors: None,
    };
    let resp = match exchange.outcome {
        Err(reason) => {
            result.reason = Some(reason);
            return result;
        }
        Ok(r) => r,
    };
    let secrets = req.secrets();
    result.response = Some(ResponseSummary::build(
        RawResponse {
            status: resp.status,
            version: &resp.version,
            headers: &resp.headers,
            body: &resp.body,
            body_truncated: resp.body_truncated,
            cert_not_after: resp.cert_not_after,
        },
        &secrets,
        now,
    ));
    let verdict = evaluate(
        input.expectations,
        &Observed {
            status: resp.status,
            headers: &resp.headers,
            body: &resp.body,
            latency: exchange.phases.total,
            cert_not_after: resp.cert_not_after,
        },
        now,
    );
    result.state = verdict.state;
    result.reason = verdict.reason;
    if let Some(pre) = input.preflight {
        let cors = cors::judge(pre, resp.status, &resp.headers);
        if cors.state() > result.state {
            result.state = cors.state();
            result.reason = cors.reason();
        }
        result.cors = Some(cors);
    }
    result
}

/// Runs one check once.
pub async fn run_check(spec: &CheckSpec) -> CheckResult {
    let at = wall_now();
    let exchange = spec.client.send(&spec.request).await;
    let result = grade(
        GradeInput {
            name: &spec.name,
            route: spec.route.as_ref(),
            request: &spec.request,
            expectations: &spec.expectations,
            preflight: spec.preflight.as_ref(),
            at,
        },
        exchange,
        wall_now(),
    );
    match &result.reason {
        Some(reason) => tracing::info!(
            check = %result.name,
            url = %result.url,
            state = result.state.label(),
            reason = reason.code(),
            "check did not pass: {reason}"
        ),
        None => tracing::debug!(check = %result.name, state = "ok", "check passed"),
    }
    result
}

/// Runs every check once, all at the same time, results in the specs' order.
pub async fn run_all(specs: &[CheckSpec]) -> Vec<CheckResult> {
    futures_util::future::join_all(specs.iter().map(run_check)).await
}

/// Where check `i` of `n` first runs within its interval, so starts are spread evenly.
pub fn start_offset(i: usize, n: usize, interval: Duration) -> Duration {
    if n == 0 {
        return Duration::ZERO;
    }
    interval.mul_f64(i as f64 / n as f64)
}

/// Starts one task per check; each ends when the store's receiver is gone. Abort the handles
/// to stop early.
pub fn spawn_checks(specs: Vec<CheckSpec>, tx: mpsc::Sender<Event>) -> Vec<JoinHandle<()>> {
    let n = specs.len();
    specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| {
            let tx = tx.clone();
            tokio::spawn(async move {
                let offset = start_offset(i, n, spec.interval);
                let mut ticks =
                    tokio::time::interval_at(tokio::time::Instant::now() + offset, spec.interval);
                ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    let result = run_check(&spec).await;
                    if tx.send(Event::CheckResult(result)).await.is_err() {
                        break;
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_spread_over_the_interval() {
        let i = Duration::from_secs(1);
        assert_eq!(start_offset(0, 4, i), Duration::ZERO);
        assert_eq!(start_offset(1, 4, i), Duration::from_millis(250));
        assert_eq!(start_offset(3, 4, i), Duration::from_millis(750));
        assert_eq!(start_offset(0, 0, i), Duration::ZERO);
    }
}
