//! The scrape task: one per target. Fetches `/metrics` on its interval (gzip, OpenMetrics
//! negotiation, auth, custom CA), hands the body to the metrics mapper on a blocking thread,
//! and sends the result as events. A failure is reported and retried with backoff; it never
//! takes other sources down, and it is a gap in the data, never a zero.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::sync::mpsc;

use crate::model::source::{SourceId, SourceStats};
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;
use crate::store::Event;

use super::clock::now;
use super::plan::ScrapePlan;

/// Turns one exposition body into traffic; owns the per-series counter state between scrapes.
pub trait Ingest: Send + 'static {
    /// `content_type` is the response's `Content-Type` (none for a file): it says whether the
    /// body is OpenMetrics or Prometheus text.
    fn ingest(
        &mut self,
        body: &[u8],
        content_type: Option<&str>,
        at: Timestamp,
    ) -> Result<(TrafficBatch, SourceStats), String>;
}

/// A fetched body and the `Content-Type` it came with.
#[derive(Debug)]
pub struct Fetched {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

pub fn client(plan: &ScrapePlan) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .timeout(plan.timeout)
        .connect_timeout(plan.timeout)
        .gzip(true)
        .user_agent(concat!("gatewatch/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(3));
    if let Some(ca) = &plan.ca_file {
        let pem =
            std::fs::read(ca).with_context(|| format!("cannot read ca_file {}", ca.display()))?;
        for cert in reqwest::Certificate::from_pem_bundle(&pem).context("ca_file is not PEM")? {
            b = b.add_root_certificate(cert);
        }
    }
    if plan.insecure_skip_verify {
        b = b.danger_accept_invalid_certs(true);
    }
    Ok(b.build()?)
}

/// Fetches one body, enforcing the size limit while streaming.
pub async fn fetch(client: &reqwest::Client, plan: &ScrapePlan) -> Result<Fetched> {
    if let Some(path) = plan.url.strip_prefix("file://") {
        let meta = tokio::fs::metadata(path)
            .await
            .with_context(|| format!("cannot read {path}"))?;
        if meta.len() as usize > plan.max_body {
            bail!(
                "body of {} bytes is over the {} byte limit (max_body)",
                meta.len(),
                plan.max_body
            );
        }
        let body = tokio::fs::read(path)
            .await
            .with_context(|| format!("cannot read {path}"))?;
        return Ok(Fetched {
            body,
            content_type: None,
        });
    }
    let mut req = client
        .get(&plan.url)
        .header(reqwest::header::ACCEPT, ACCEPT);
    if let Some(tok) = &plan.bearer_token {
        req = req.bearer_auth(super::secret::resolve(tok)?);
    }
    if let Some((user, pw)) = &plan.basic {
        let pw = pw.as_deref().map(super::secret::resolve).transpose()?;
        req = req.basic_auth(user, pw);
    }
    let mut resp = req.send().await.map_err(describe)?;
    let status = resp.status();
    if !status.is_success() {
        bail!("HTTP {status} from target");
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = Vec::with_capacity(
        resp.content_length()
            .unwrap_or(64 * 1024)
            .min(plan.max_body as u64) as usize,
    );
    while let Some(chunk) = resp.chunk().await.map_err(describe)? {
        if body.len() + chunk.len() > plan.max_body {
            bail!("body is over the {} byte limit (max_body)", plan.max_body);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched { body, content_type })
}

/// reqwest's errors nest the cause; show the innermost, which says what happened.
fn describe(e: reqwest::Error) -> anyhow::Error {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect failed"
    } else {
        "request failed"
    };
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    anyhow::anyhow!("{kind}: {cause}")
}

/// Backoff after `failures` failures in a row: the interval, doubling, at most 60 s.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(6);
    (interval * factor)
        .min(Duration::from_secs(60))
        .max(interval)
}

pub async fn run(plan: ScrapePlan, mut ingest: Box<dyn Ingest>, tx: mpsc::Sender<Event>) {
    let id: SourceId = plan.spec.id.clone();
    let client = match client(&plan) {
        Ok(c) => c,
        Err(e) => {
            let _ = tx
                .send(Event::SourceFailed {
                    source: id,
                    error: format!("{e:#}"),
                })
                .await;
            return;
        }
    };
    let plan = Arc::new(plan);
    let mut failures = 0u32;
    loop {
        let started = Instant::now();
        let result = fetch(&client, &plan).await;
        let at = now();
        let outcome = match result {
            Ok(fetched) => {
                let handed = tokio::task::spawn_blocking(move || {
                    let r = ingest.ingest(&fetched.body, fetched.content_type.as_deref(), at);
                    (ingest, r)
                })
                .await;
                match handed {
                    Ok((back, r)) => {
                        ingest = back;
                        r.map_err(|e| anyhow::anyhow!(e))
                    }
                    Err(e) => {
                        tracing::error!(source = %id, "metrics mapper panicked: {e}");
                        let _ = tx
                            .send(Event::SourceFailed {
                                source: id,
                                error: "internal error in the metrics mapper".into(),
                            })
                            .await;
                        return;
                    }
                }
            }
            Err(e) => Err(e),
        };
        let sent = match outcome {
            Ok((batch, mut stats)) => {
                failures = 0;
                stats.duration = Some(started.elapsed());
                let ok = tx
                    .send(Event::SourceOk {
                        source: id.clone(),
                        stats,
                    })
                    .await
                    .is_ok();
                ok && tx
                    .send(Event::Traffic {
                        source: id.clone(),
                        batch,
                    })
                    .await
                    .is_ok()
            }
            Err(e) => {
                failures += 1;
                let error = crate::redact::url(&format!("{e:#}")).into_owned();
                tracing::warn!(source = %id, "scrape failed: {error}");
                tx.send(Event::SourceFailed {
                    source: id.clone(),
                    error,
                })
                .await
                .is_ok()
            }
        };
        if !sent {
            return;
        }
        let wait = if failures == 0 {
            plan.interval
        } else {
            backoff(plan.interval, failures)
        };
        tokio::time::sleep(wait.saturating_sub(started.elapsed())).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let i = Duration::from_secs(5);
        assert_eq!(backoff(i, 1), Duration::from_secs(10));
        assert_eq!(backoff(i, 3), Duration::from_secs(40));
        assert_eq!(backoff(i, 9), Duration::from_secs(60));
        assert_eq!(
            backoff(Duration::from_secs(120), 2),
            Duration::from_secs(120)
        );
    }
}
