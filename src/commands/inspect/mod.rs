//! `gatewatch inspect URL|FILE`: parse one exposition (from a target, or a saved `/metrics`
//! dump) and show what gatewatch makes of it: format, preset, families, bad lines, and what
//! the preset maps to route, status, latency and rate limit, with lifetime totals per route.
//!
//! Exit codes: 0 = clean (no bad line, conforming, a preset recognised the gateway);
//! 1 = parsed but with problems (bad lines, not conforming, or no preset recognised), or the
//! source could not be read (an error); 2 = usage (unknown preset, unreadable generic mapping).

mod report;
mod text;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::parse::exposition::{ParseOptions, DEFAULT_MAX_BYTES};
use crate::parse::presets::{GenericMapping, MetricsMapper, PresetChoice};
use crate::redact;
use crate::sanitize::sanitize;

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

/// Parse one metrics exposition and show how gatewatch maps it.
#[derive(Clone, Debug, clap::Args)]
pub struct InspectArgs {
    /// An http(s):// metrics URL, a file:// URL, or the path of a saved exposition.
    pub source: String,
    /// Preset to map with: `auto` (recognise from family names) or a preset name
    /// (caddy, haproxy, envoy, kong, traefik, apisix, nginx-vts, nginx, tyk, krakend, generic).
    #[arg(long, default_value = "auto")]
    pub preset: String,
    /// TOML file holding a generic mapping (for `--preset generic`).
    #[arg(long, value_name = "FILE")]
    pub generic: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// Timeout for fetching a URL.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
}

pub async fn run(args: InspectArgs) -> anyhow::Result<u8> {
    let generic = match &args.generic {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(anyhow::Error::from)
            .and_then(|t| toml::from_str::<GenericMapping>(&t).map_err(anyhow::Error::from))
        {
            Ok(g) => Some(g),
            Err(e) => {
                crate::diagnostics::print_error(&format!(
                    "gatewatch inspect: generic mapping {}: {e}",
                    path.display()
                ));
                return Ok(2);
            }
        },
        None => None,
    };
    let mapper = match MetricsMapper::new(PresetChoice::parse(&args.preset), generic) {
        Ok(m) => m.counting_from_zero(),
        Err(e) => {
            crate::diagnostics::print_error(&format!("gatewatch inspect: {e}"));
            return Ok(2);
        }
    };
    let (body, openmetrics) = fetch(&args.source, args.timeout).await?;
    let opts = ParseOptions {
        max_bytes: args.max_bytes,
        openmetrics,
    };
    let out = report::inspect(&args.source, &body, &opts, mapper)?;
    match args.format {
        InspectFormat::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        InspectFormat::Text => print!("{}", text::render(&out)),
    }
    let clean = out.problems.is_empty();
    Ok(if clean { 0 } else { 1 })
}

/// Reads the body, and for HTTP whether the server said it is OpenMetrics.
async fn fetch(source: &str, timeout: Duration) -> anyhow::Result<(Vec<u8>, Option<bool>)> {
    let shown = redact::url(source).into_owned();
    if source.starts_with("http://") || source.starts_with("https://") {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .context("building the HTTP client")?;
        let resp = client
            .get(source)
            .header(
                reqwest::header::ACCEPT,
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            )
            .send()
            .await
            .with_context(|| format!("fetching {shown}"))?;
        if !resp.status().is_success() {
            bail!("fetching {shown}: HTTP {}", resp.status());
        }
        let om = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::parse::exposition::format_from_content_type);
        let body = resp
            .bytes()
            .await
            .with_context(|| format!("reading {shown}"))?;
        return Ok((body.to_vec(), om));
    }
    let path = source.strip_prefix("file://").unwrap_or(source);
    let body = std::fs::read(path).with_context(|| format!("reading {}", sanitize(path)))?;
    Ok((body, None))
}
