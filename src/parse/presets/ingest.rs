//! [`MetricsMapper::ingest`]: one scrape body in, one [`ScrapeOutcome`] out.

use std::borrow::Cow;

use crate::model::source::SourceStats;
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;
use crate::parse::exposition::{parse, ExpositionError, Labels, ParseOptions, ParseReport};
use crate::sanitize::sanitize;

use super::compile::LabelView;
use super::mapper::MetricsMapper;

impl LabelView for Labels<'_> {
    fn label(&self, name: &str) -> Option<Cow<'_, str>> {
        self.get(name)
    }
    fn each(&self, f: &mut dyn FnMut(&str, &str)) {
        for (n, v) in self.iter() {
            f(n, &v);
        }
    }
}

/// What one successful scrape gave.
#[derive(Clone, Debug, PartialEq)]
pub struct ScrapeOutcome {
    /// Per-route increases since the previous successful scrape (none on the baseline).
    pub batch: TrafficBatch,
    /// Detected preset, series count, bad lines. `duration` is left for the caller, who owns
    /// the clock.
    pub stats: SourceStats,
    /// The parser's report (families, bad lines), for `inspect` and diagnostics.
    pub report: ParseReport,
    /// Sentences about how this scrape's numbers were made (baseline, Caddy reconciliation,
    /// nginx self-requests subtracted).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScrapeError {
    #[error(transparent)]
    Exposition(#[from] ExpositionError),
    #[error("no preset recognises this target ({families} families, e.g. {examples}); name one with `preset = \"…\"` or use `generic`")]
    NotRecognised { families: usize, examples: String },
}

impl MetricsMapper {
    /// Parses one scrape body taken at `at` and returns its per-route increases. A failed
    /// scrape must simply not be ingested: the next success then covers the gap. An error
    /// here changes no counter state (the scrape counts as failed).
    pub fn ingest(
        &mut self,
        body: &[u8],
        at: Timestamp,
        opts: &ParseOptions,
    ) -> Result<ScrapeOutcome, ScrapeError> {
        let mut notes = Vec::new();
        if !self.is_detected() {
            let probe = parse(body, opts, &|_| false, &mut |_, _| {})?;
            if !self.detect(probe.families.iter().map(|f| f.name.as_str())) {
                let examples: Vec<String> = probe
                    .families
                    .iter()
                    .take(3)
                    .map(|f| sanitize(&f.name).into_owned())
                    .collect();
                return Err(ScrapeError::NotRecognised {
                    families: probe.families.len(),
                    examples: if examples.is_empty() {
                        "none".into()
                    } else {
                        examples.join(", ")
                    },
                });
            }
            if let Some(name) = self.preset_name() {
                notes.push(format!(
                    "preset {name} picked automatically from the family names"
                ));
            }
        }
        self.begin_scrape();
        let compiled = self.compiled_arc();
        let wanted = |family: &str| compiled.as_ref().is_some_and(|c| c.wants(family));
        let report = parse(body, opts, &wanted, &mut |family, sample| {
            self.on_sample(family.name, sample.name, &sample.labels, sample.value);
        })?;
        let (batch, more) = self.finish_scrape(at);
        notes.extend(more);
        let detected = self.preset_name().map(|n| {
            if self.is_auto() {
                format!("{n} (auto)")
            } else {
                n.to_string()
            }
        });
        let stats = SourceStats {
            detected,
            duration: None,
            series: Some(report.series),
            bad_lines: report.bad_line_count,
            last_bad_line: report
                .bad_lines
                .last()
                .map(|b| sanitize(&format!("line {}: {}", b.line, b.reason)).into_owned()),
            progress: None,
        };
        Ok(ScrapeOutcome {
            batch,
            stats,
            report,
            notes,
        })
    }
}
