//! `gatewatch probe`: send one request (or a CORS preflight) and show what came back: status,
//! reason, phase timings, the headers that matter, a body preview and the runbook summary for
//! the status. Exit 0 for a 2xx/3xx (an accepted preflight), 1 otherwise, 2 for usage errors.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::check::load_checks_file;
use crate::model::check::{
    duration_ms, CheckResult, CheckState, FailureReason, PhasesMs, ProbeConfig,
};
use crate::model::cors::CorsVerdict;
use crate::model::ratelimit::RateLimit;
use crate::sources::check::probe::{parse_header_arg, Probe, ProbeRequest};

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProbeFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ProbeArgs {
    /// The URL, or a path (`/v1/orders`) joined to `[probe] base_url` from the config.
    pub url: String,
    /// Request method.
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        default_value = "GET"
    )]
    pub method: String,
    /// A request header `'Name: value'`; the value may be `env:NAME` or `file:PATH`. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Request body.
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    pub data: Option<String>,
    /// Send a CORS preflight from ORIGIN (with the method and header names above) and judge it.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// With --cors: the real request carries credentials (cookies, HTTP auth).
    #[arg(long, requires = "cors")]
    pub cors_credentials: bool,
    /// Give up after this long (whole exchange). Defaults to `[probe] timeout`, then 5s.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub timeout: Option<Duration>,
    /// Follow redirects (credentials are never sent to another origin).
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProbeFormat::Text)]
    pub format: ProbeFormat,
    /// Configuration file (for `[probe] base_url`, default headers, timeout, CA).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Connect to ADDR for HOST, like curl's --resolve: `api.example.com=10.0.0.7`. Repeatable.
    #[arg(long, value_name = "HOST=ADDR")]
    pub resolve: Vec<String>,
}

/// The summary of the runbook matching what a probe got: its failure reason, else its error
/// status. `None` for a success.
pub fn runbook_summary(status: Option<u16>, reason: Option<&FailureReason>) -> Option<String> {
    runbook_summary_in(&crate::runbook::load::shipped().catalog, status, reason)
}

/// [`runbook_summary`] from a given catalog (the dashboard's, with the team's runbooks).
pub fn runbook_summary_in(
    catalog: &crate::runbook::Catalog,
    status: Option<u16>,
    reason: Option<&FailureReason>,
) -> Option<String> {
    use crate::runbook::Query;
    let query = match (reason.map(FailureReason::code), status) {
        // A transport failure names the cause better than any status.
        (Some(code), _) if !matches!(code, "http_status" | "assertion") => Query::reason(code),
        (_, Some(s)) if s >= 400 => Query::code(s),
        _ => return None,
    };
    let m = catalog.best(&query)?;
    let rb = m.runbook;
    Some(format!(
        "runbook {}: {} (retry: {})\n  {}\n  gatewatch runbook {} for the checks and fixes",
        rb.id,
        rb.title,
        rb.retry.label(),
        rb.summary,
        rb.id
    ))
}

/// The probe request the arguments describe; `Err` is a usage error (exit 2).
pub fn request_from_args(args: &ProbeArgs) -> Result<ProbeRequest, String> {
    let mut headers = Vec::with_capacity(args.headers.len());
    for h in &args.headers {
        match parse_header_arg(h) {
            Some(kv) => headers.push(kv),
            None => return Err("a header must look like 'Name: value'".to_string()),
        }
    }
    let mut resolve = Vec::new();
    for r in &args.resolve {
        let (host, addr) = r
            .split_once('=')
            .ok_or_else(|| format!("--resolve {r:?}: expected HOST=ADDR"))?;
        let ip: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("--resolve {r:?}: {addr:?} is not an IP address"))?;
        resolve.push((host.trim().to_string(), ip));
    }
    Ok(ProbeRequest {
        method: args.method.clone(),
        url: args.url.clone(),
        headers,
        body: args.data.clone(),
        cors_origin: args.cors.clone(),
        cors_credentials: args.cors_credentials,
        timeout: args.timeout,
        follow_redirects: args.follow,
        ca_file: args.cacert.clone(),
        resolve,
    })
}

#[derive(Serialize)]
pub struct ProbeReport<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub state: CheckState,
    pub reason: Option<&'static str>,
    pub detail: Option<String>,
    pub status: Option<u16>,
    pub version: Option<&'a str>,
    pub latency_ms: f64,
    pub phases_ms: PhasesMs,
    pub redirects: u32,
    pub request_id: Option<&'a str>,
    pub retry_after_secs: Option<u64>,
    pub rate_limit: Option<&'a RateLimit>,
    pub headers: serde_json::Map<String, serde_json::Value>,
    pub body_preview: Option<&'a str>,
    pub cert_days_left: Option<i64>,
    pub cors: Option<&'a CorsVerdict>,
    pub runbook: Option<String>,
}

pub fn report(r: &CheckResult) -> ProbeReport<'_> {
    let resp = r.response.as_ref();
    ProbeReport {
        method: &r.method,
        url: &r.url,
        state: r.state,
        reason: r.reason.as_ref().map(FailureReason::code),
        detail: r.reason.as_ref().map(|x| x.to_string()),
        status: r.status(),
        version: resp.map(|x| x.version.as_str()),
        latency_ms: duration_ms(r.phases.total),
        phases_ms: r.phases.ms(),
        redirects: r.redirects,
        request_id: resp.and_then(|x| x.request_id()),
        retry_after_secs: resp
            .and_then(|x| x.rate_limit.as_ref())
            .and_then(|x| x.retry_after_secs),
        rate_limit: resp.and_then(|x| x.rate_limit.as_ref()),
        headers: resp
            .map(|x| {
                x.headers
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect()
            })
            .unwrap_or_default(),
        body_preview: resp.map(|x| x.body_preview.as_str()),
        cert_days_left: resp.and_then(|x| x.cert_days_left(r.at)),
        cors: r.cors.as_ref(),
        runbook: runbook_summary(r.status(), r.reason.as_ref()),
    }
}

pub fn render(r: &CheckResult, format: ProbeFormat) -> String {
    let rep = report(r);
    match format {
        ProbeFormat::Json => {
            let mut s = serde_json::to_string_pretty(&rep)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            s.push('\n');
            s
        }
        ProbeFormat::Text => text(&rep),
    }
}

fn text(rep: &ProbeReport<'_>) -> String {
    let mut out = String::new();
    let status = rep
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "no response".into());
    let _ = writeln!(
        out,
        "{} {} → {status}  {} {}",
        rep.method,
        rep.url,
        rep.state.symbol(),
        rep.state.label()
    );
    if let Some(d) = &rep.detail {
        let _ = writeln!(out, "reason:     {d}");
    }
    let p = rep.phases_ms;
    let ms = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into());
    let _ = writeln!(
        out,
        "phases ms:  dns {}  connect {}  tls {}  ttfb {}  total {:.1}",
        ms(p.dns),
        ms(p.connect),
        ms(p.tls),
        ms(p.ttfb),
        p.total
    );
    if rep.redirects > 0 {
        let _ = writeln!(out, "redirects:  {}", rep.redirects);
    }
    if let Some(id) = rep.request_id {
        let _ = writeln!(out, "request id: {id}");
    }
    if let Some(s) = rep.retry_after_secs {
        let _ = writeln!(out, "retry after: {s}s");
    }
    if let Some(rl) = rep.rate_limit {
        let _ = writeln!(out, "rate limit: {}", rl.describe());
    }
    if let Some(days) = rep.cert_days_left {
        let _ = writeln!(out, "cert:       expires in {days} days");
    }
    if let Some(cors) = rep.cors {
        let verdict = if cors.allowed() {
            "a browser would allow it"
        } else {
            "a browser would block it"
        };
        let _ = writeln!(out, "cors:       {verdict}");
        for f in cors.failures.iter().chain(&cors.warnings) {
            let _ = writeln!(out, "  {}: {}", f.rule.code(), f.detail);
        }
    }
    if !rep.headers.is_empty() {
        let _ = writeln!(out, "headers:");
        for (k, v) in &rep.headers {
            let _ = writeln!(out, "  {k}: {}", v.as_str().unwrap_or_default());
        }
    }
    if let Some(b) = rep.body_preview.filter(|b| !b.is_empty()) {
        let _ = writeln!(out, "body:       {b}");
    }
    if let Some(rb) = &rep.runbook {
        let _ = writeln!(out, "runbook:    {rb}");
    }
    out
}

/// Exit code for a probe: 0 when it works (2xx/3xx, or an accepted preflight), 1 otherwise.
pub fn exit_code(r: &CheckResult) -> u8 {
    u8::from(r.state == CheckState::Failed)
}

pub async fn run(args: ProbeArgs) -> anyhow::Result<u8> {
    let cfg = match &args.config {
        Some(path) => match load_checks_file(path) {
            Ok(f) => f.probe.unwrap_or_default(),
            Err(e) => {
                crate::diagnostics::print_error(&format!("gatewatch probe: {e}"));
                return Ok(2);
            }
        },
        None => ProbeConfig::default(),
    };
    let probe = match request_from_args(&args)
        .map_err(|e| e.to_string())
        .and_then(|req| Probe::build(&req, &cfg).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            crate::diagnostics::print_error(&format!("gatewatch probe: {e}"));
            return Ok(2);
        }
    };
    let result = probe.send().await;
    print!("{}", render(&result, args.format));
    Ok(exit_code(&result))
}
