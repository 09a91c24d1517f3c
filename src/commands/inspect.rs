//! `gatewatch inspect URL|FILE`: parse one exposition (from a target, or a saved `/metrics`
//! dump) and show what gatewatch makes of it: format, preset, families, bad lines, and what
//! the preset maps to route, status, latency and rate limit, with lifetime totals per route.
//!
//! Exit codes: 0 = clean (no bad line, conforming, a preset recognised the gateway);
//! 1 = parsed but with problems (bad lines, not conforming, or no preset recognised), or the
//! source could not be read (an error); 2 = usage (unknown preset, unreadable generic mapping).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Serialize;

use crate::model::time::Timestamp;
use crate::model::traffic::RouteDelta;
use crate::parse::exposition::{parse, Format, ParseOptions, ParseReport, DEFAULT_MAX_BYTES};
use crate::parse::presets::{GenericMapping, MetricsMapper, PresetChoice, ScrapeError};
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

#[derive(Serialize)]
struct FamilyOut {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    series: u64,
    labels: Vec<String>,
    /// The preset reads this family.
    mapped: bool,
}

#[derive(Serialize)]
struct BadLineOut {
    line: usize,
    reason: String,
    excerpt: String,
}

#[derive(Serialize)]
struct SaturationOut {
    value: f64,
    source: String,
}

#[derive(Serialize)]
struct RouteOut {
    route: String,
    requests: u64,
    statuses: BTreeMap<String, u64>,
    /// Responses the gateway made itself, where the preset can tell.
    by_gateway: u64,
    latency_p50_ms: Option<f64>,
    latency_p99_ms: Option<f64>,
    saturation: Option<SaturationOut>,
}

#[derive(Serialize)]
struct MappingOut {
    route: String,
    status: String,
    status_detail: &'static str,
    latency: String,
    rate_limit: String,
    gateway_only: bool,
    notes: Vec<String>,
    /// Lifetime totals: the counters' values as if the gateway started from zero.
    routes: Vec<RouteOut>,
}

#[derive(Serialize)]
struct InspectOut {
    source: String,
    format: &'static str,
    bytes: usize,
    preset: Option<String>,
    preset_auto: bool,
    series_total: u64,
    families: Vec<FamilyOut>,
    bad_line_count: u64,
    bad_lines: Vec<BadLineOut>,
    conforming: bool,
    nonconforming_reason: Option<String>,
    mapping: Option<MappingOut>,
    problems: Vec<String>,
}

pub async fn run(args: InspectArgs) -> anyhow::Result<u8> {
    let generic = match &args.generic {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(anyhow::Error::from)
            .and_then(|t| toml::from_str::<GenericMapping>(&t).map_err(anyhow::Error::from))
        {
            Ok(g) => Some(g),
            Err(e) => {
                eprintln!("gatewatch inspect: generic mapping {}: {e}", path.display());
                return Ok(2);
            }
        },
        None => None,
    };
    let mapper = match MetricsMapper::new(PresetChoice::parse(&args.preset), generic) {
        Ok(m) => m.counting_from_zero(),
        Err(e) => {
            eprintln!("gatewatch inspect: {e}");
            return Ok(2);
        }
    };
    let (body, openmetrics) = fetch(&args.source, args.timeout).await?;
    let opts = ParseOptions {
        max_bytes: args.max_bytes,
        openmetrics,
    };
    let out = inspect(&args.source, &body, &opts, mapper)?;
    match args.format {
        InspectFormat::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        InspectFormat::Text => print!("{}", render_text(&out)),
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
            .map(|ct| ct.contains("openmetrics"))
            .and_then(|om| om.then_some(true));
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

fn inspect(
    source: &str,
    body: &[u8],
    opts: &ParseOptions,
    mut mapper: MetricsMapper,
) -> anyhow::Result<InspectOut> {
    let report = parse(body, opts, &|_| false, &mut |_, _| {})?;
    let mut problems = Vec::new();
    if report.bad_line_count > 0 {
        problems.push(format!("{} bad line(s)", report.bad_line_count));
    }
    if let Some(reason) = &report.nonconforming_reason {
        problems.push(format!("not conforming: {}", sanitize(reason)));
    }
    let mapping = match mapper.ingest(body, Timestamp(0), opts) {
        Ok(outcome) => {
            let doc = mapper.mapping_doc().cloned().unwrap_or_default();
            let mut notes = doc.notes;
            notes.extend(outcome.notes.iter().map(|n| sanitize(n).into_owned()));
            if outcome.batch.deltas.is_empty() {
                problems.push("the preset found none of its families".into());
            }
            Some(MappingOut {
                route: doc.route,
                status: doc.status,
                status_detail: outcome.batch.status_detail.label(),
                latency: doc.latency,
                rate_limit: doc.rate_limit,
                gateway_only: outcome.batch.gateway_only,
                notes,
                routes: outcome.batch.deltas.iter().map(route_out).collect(),
            })
        }
        Err(e @ ScrapeError::NotRecognised { .. }) => {
            problems.push(e.to_string());
            None
        }
        Err(e) => return Err(e.into()),
    };
    Ok(InspectOut {
        source: sanitize(&redact::url(source)).into_owned(),
        format: match report.format {
            Format::Prometheus004 => "prometheus-0.0.4",
            Format::OpenMetrics1 => "openmetrics-1.0",
        },
        bytes: body.len(),
        preset: mapper.preset_name().map(str::to_string),
        preset_auto: mapper.is_auto(),
        series_total: report.series,
        families: families_out(&report, &mapper),
        bad_line_count: report.bad_line_count,
        bad_lines: report
            .bad_lines
            .iter()
            .map(|b| BadLineOut {
                line: b.line,
                reason: sanitize(&b.reason).into_owned(),
                excerpt: sanitize(&b.excerpt).into_owned(),
            })
            .collect(),
        conforming: report.conforming,
        nonconforming_reason: report
            .nonconforming_reason
            .as_deref()
            .map(|r| sanitize(r).into_owned()),
        mapping,
        problems,
    })
}

fn families_out(report: &ParseReport, mapper: &MetricsMapper) -> Vec<FamilyOut> {
    report
        .families
        .iter()
        .map(|f| FamilyOut {
            name: sanitize(&f.name).into_owned(),
            kind: f.kind.as_str(),
            series: f.series,
            labels: f
                .label_names
                .iter()
                .map(|l| sanitize(l).into_owned())
                .collect(),
            mapped: mapper.reads_family(&f.name),
        })
        .collect()
}

fn route_out(d: &RouteDelta) -> RouteOut {
    let mut statuses = BTreeMap::new();
    for s in &d.statuses {
        *statuses.entry(s.status.to_string()).or_insert(0) += s.count;
    }
    RouteOut {
        route: d.route.to_string(),
        requests: d.requests(),
        statuses,
        by_gateway: d
            .statuses
            .iter()
            .filter(|s| s.responder == crate::model::status::Responder::Gateway)
            .map(|s| s.count)
            .sum(),
        latency_p50_ms: d.latency.as_ref().and_then(|h| h.quantile(0.5)),
        latency_p99_ms: d.latency.as_ref().and_then(|h| h.quantile(0.99)),
        saturation: d.saturation.as_ref().map(|s| SaturationOut {
            value: s.value,
            source: s.signal.to_string(),
        }),
    }
}

fn render_text(o: &InspectOut) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let preset = match (&o.preset, o.preset_auto) {
        (Some(p), true) => format!("{p} (picked automatically)"),
        (Some(p), false) => p.clone(),
        (None, _) => "none recognised".into(),
    };
    let _ = writeln!(s, "source   {} ({}, {} bytes)", o.source, o.format, o.bytes);
    let _ = writeln!(s, "preset   {preset}");
    let _ = writeln!(
        s,
        "series   {} in {} families; {} bad line(s){}",
        o.series_total,
        o.families.len(),
        o.bad_line_count,
        if o.conforming { "" } else { "; not conforming" }
    );
    let _ = writeln!(s, "\nFAMILIES (* = read by the preset)");
    for f in &o.families {
        let _ = writeln!(
            s,
            " {} {:<14} {:>7}  {}  [{}]",
            if f.mapped { "*" } else { " " },
            f.kind,
            f.series,
            f.name,
            f.labels.join(", ")
        );
    }
    if !o.bad_lines.is_empty() {
        let _ = writeln!(s, "\nBAD LINES");
        for b in &o.bad_lines {
            let _ = writeln!(s, "  line {}: {}  | {}", b.line, b.reason, b.excerpt);
        }
    }
    if let Some(m) = &o.mapping {
        let _ = writeln!(s, "\nMAPPING");
        let _ = writeln!(s, "  route       {}", m.route);
        let _ = writeln!(s, "  status      {} [{}]", m.status, m.status_detail);
        let _ = writeln!(s, "  latency     {}", m.latency);
        let _ = writeln!(s, "  rate limit  {}", m.rate_limit);
        for n in &m.notes {
            let _ = writeln!(s, "  note        {n}");
        }
        let _ = writeln!(
            s,
            "\nROUTES (lifetime totals{})",
            if m.gateway_only {
                "; no route identity: the gateway as a whole"
            } else {
                ""
            }
        );
        for r in &m.routes {
            let statuses: Vec<String> =
                r.statuses.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            let p = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
            let sat = r.saturation.as_ref().map_or(String::new(), |s| {
                format!("  saturation {:.0}% ({})", s.value * 100.0, s.source)
            });
            let _ = writeln!(
                s,
                "  {:<28} {:>8} req  {}  p50 {} ms  p99 {} ms{}",
                r.route,
                r.requests,
                statuses.join(" "),
                p(r.latency_p50_ms),
                p(r.latency_p99_ms),
                sat
            );
        }
    }
    for p in &o.problems {
        let _ = writeln!(s, "\nproblem: {p}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(body: &str, preset: &str) -> InspectOut {
        let m = MetricsMapper::new(PresetChoice::parse(preset), None)
            .unwrap()
            .counting_from_zero();
        inspect(
            "file:///tmp/x.prom",
            body.as_bytes(),
            &ParseOptions::default(),
            m,
        )
        .unwrap()
    }

    #[test]
    fn reports_families_mapping_and_bad_lines() {
        let body = "# TYPE haproxy_backend_http_responses_total counter\n\
haproxy_backend_http_responses_total{proxy=\"be_a\",code=\"2xx\"} 7\n\
haproxy_backend_http_responses_total{proxy=\"be_a\",code=\"5xx\"} 1\n\
this is { not a sample\n\
go_goroutines 3\n";
        let o = run_on(body, "auto");
        assert_eq!(o.preset.as_deref(), Some("haproxy"));
        assert_eq!(o.series_total, 3);
        assert_eq!(o.bad_line_count, 1);
        assert_eq!(o.bad_lines[0].line, 4);
        let m = o.mapping.as_ref().unwrap();
        assert_eq!(m.status_detail, "class_only");
        assert_eq!(m.routes[0].route, "be_a");
        assert_eq!(m.routes[0].requests, 8);
        let fam = o
            .families
            .iter()
            .find(|f| f.name == "haproxy_backend_http_responses_total")
            .unwrap();
        assert!(fam.mapped);
        assert_eq!(fam.labels, vec!["proxy", "code"]);
        assert!(
            !o.families
                .iter()
                .find(|f| f.name == "go_goroutines")
                .unwrap()
                .mapped
        );
        assert_eq!(o.problems, vec!["1 bad line(s)".to_string()]);
        let json = serde_json::to_value(&o).unwrap();
        for key in ["preset", "series_total", "families", "bad_lines", "mapping"] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["families"][0]["type"], "counter");
        let text = render_text(&o);
        assert!(
            text.contains("class_only") && text.contains("line 4"),
            "{text}"
        );
    }

    #[test]
    fn unrecognised_gateway_is_a_problem_not_a_crash() {
        let o = run_on("go_goroutines 3\n", "auto");
        assert_eq!(o.preset, None);
        assert!(o.mapping.is_none());
        assert!(o.problems[0].contains("no preset recognises"));
    }

    #[test]
    fn source_secrets_are_redacted() {
        let o = run_on("nginx_http_requests_total 5\n", "nginx");
        assert_eq!(o.mapping.unwrap().routes[0].requests, 5);
        let m = MetricsMapper::new(PresetChoice::Auto, None).unwrap();
        let o = inspect(
            "https://u:hunter2@gw/metrics?token=abc123456789",
            b"",
            &ParseOptions::default(),
            m,
        )
        .unwrap();
        assert!(
            !o.source.contains("hunter2") && !o.source.contains("abc123456789"),
            "{}",
            o.source
        );
    }
}
