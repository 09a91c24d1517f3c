//! What `inspect` found, as a serialisable report (the JSON output; the text output renders it).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::time::Timestamp;
use crate::model::traffic::RouteDelta;
use crate::parse::exposition::{parse, Format, ParseOptions, ParseReport};
use crate::parse::presets::{MetricsMapper, ScrapeError};
use crate::redact;
use crate::sanitize::sanitize;

#[derive(Serialize)]
pub(super) struct FamilyOut {
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) series: u64,
    pub(super) labels: Vec<String>,
    /// The preset reads this family.
    pub(super) mapped: bool,
}

#[derive(Serialize)]
pub(super) struct BadLineOut {
    pub(super) line: usize,
    pub(super) reason: String,
    pub(super) excerpt: String,
}

#[derive(Serialize)]
pub(super) struct SaturationOut {
    pub(super) value: f64,
    pub(super) source: String,
}

#[derive(Serialize)]
pub(super) struct RouteOut {
    pub(super) route: String,
    pub(super) requests: u64,
    pub(super) statuses: BTreeMap<String, u64>,
    /// Responses the gateway made itself, where the preset can tell.
    pub(super) by_gateway: u64,
    pub(super) latency_p50_ms: Option<f64>,
    pub(super) latency_p99_ms: Option<f64>,
    pub(super) saturation: Option<SaturationOut>,
}

#[derive(Serialize)]
pub(super) struct MappingOut {
    pub(super) route: String,
    pub(super) status: String,
    pub(super) status_detail: &'static str,
    pub(super) latency: String,
    pub(super) rate_limit: String,
    pub(super) gateway_only: bool,
    pub(super) notes: Vec<String>,
    /// Lifetime totals: the counters' values as if the gateway started from zero.
    pub(super) routes: Vec<RouteOut>,
}

#[derive(Serialize)]
pub(super) struct InspectOut {
    pub(super) source: String,
    pub(super) format: &'static str,
    pub(super) bytes: usize,
    pub(super) preset: Option<String>,
    pub(super) preset_auto: bool,
    pub(super) series_total: u64,
    pub(super) families: Vec<FamilyOut>,
    pub(super) bad_line_count: u64,
    pub(super) bad_lines: Vec<BadLineOut>,
    pub(super) conforming: bool,
    pub(super) nonconforming_reason: Option<String>,
    pub(super) mapping: Option<MappingOut>,
    pub(super) problems: Vec<String>,
}

pub(super) fn inspect(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::presets::PresetChoice;

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
        let text = super::super::text::render(&o);
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
