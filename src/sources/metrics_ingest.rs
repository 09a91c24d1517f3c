//! Adapter from the scrape task to the metrics mapper (parser + preset + counters).

use crate::model::source::SourceStats;
use crate::model::time::Timestamp;
use crate::model::traffic::TrafficBatch;

use super::plan::ScrapePlan;
use super::scrape::Ingest;

struct Unavailable;

impl Ingest for Unavailable {
    fn ingest(
        &mut self,
        _body: &[u8],
        _at: Timestamp,
    ) -> Result<(TrafficBatch, SourceStats), String> {
        Err("metrics mapping is not available in this build".into())
    }
}

pub fn for_plan(_plan: &ScrapePlan) -> Result<Box<dyn Ingest>, String> {
    Ok(Box::new(Unavailable))
}
