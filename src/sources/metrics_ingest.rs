//! Adapter from the scrape task to the metrics mapper (exposition parser + preset + counters).

use crate::model::source::SourceStats;
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;
use crate::parse::exposition::ParseOptions;
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
        at: Timestamp,
    ) -> Result<(TrafficBatch, SourceStats), String> {
        let outcome = self
            .mapper
            .ingest(body, at, &self.opts)
            .map_err(|e| e.to_string())?;
        Ok((outcome.batch, outcome.stats))
    }
}

pub fn for_plan(plan: &ScrapePlan) -> Result<Box<dyn Ingest>, String> {
    let choice = match plan.preset.as_str() {
        "auto" => PresetChoice::Auto,
        name => PresetChoice::Named(name),
    };
    let mapper = MetricsMapper::new(choice, plan.generic.clone()).map_err(|e| e.to_string())?;
    Ok(Box::new(MapperIngest {
        mapper,
        opts: ParseOptions {
            max_bytes: plan.max_body,
            ..ParseOptions::default()
        },
    }))
}
