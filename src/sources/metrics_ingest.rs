//! Adapter from the scrape task to the metrics mapper (exposition parser + preset + counters).

use crate::model::source::SourceStats;
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;
use crate::parse::exposition::{format_from_content_type, ParseOptions};
use crate::parse::presets::{MetricsMapper, PresetChoice};

use super::plan::ScrapePlan;
use super::scrape::Ingest;

struct MapperIngest {
    mapper: MetricsMapper,
    opts: ParseOptions,
}

impl Ingest for MapperIngest {
    fn ingest(
        &mut self,
        body: &[u8],
        content_type: Option<&str>,
        at: Timestamp,
    ) -> Result<(TrafficBatch, SourceStats), String> {
        // A format set in the options wins; else the Content-Type says; else the body does.
        let opts = ParseOptions {
            openmetrics: self
                .opts
                .openmetrics
                .or_else(|| content_type.and_then(format_from_content_type)),
            ..self.opts.clone()
        };
        let outcome = self
            .mapper
            .ingest(body, at, &opts)
            .map_err(|e| e.to_string())?;
        Ok((outcome.batch, outcome.stats))
    }
}

pub fn for_plan(plan: &ScrapePlan) -> Result<Box<dyn Ingest>, String> {
    let choice = match plan.preset.as_str() {
        "auto" => PresetChoice::Auto,
        name => PresetChoice::Named(name),
    };
    let mut mapper = MetricsMapper::new(choice, plan.generic.clone()).map_err(|e| e.to_string())?;
    if let Some(options) = &plan.options {
        mapper = mapper
            .with_options(options.clone())
            .map_err(|e| e.to_string())?;
    }
    Ok(Box::new(MapperIngest {
        mapper,
        opts: ParseOptions {
            max_bytes: plan.max_body,
            ..ParseOptions::default()
        },
    }))
}
