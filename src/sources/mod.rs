//! I/O: the tasks that read the world and send [`crate::store::Event`]s. They never touch state.

pub mod check;
pub mod clock;
pub mod http;
pub mod log;
pub mod metrics_ingest;
pub mod plan;
pub mod scrape;
pub mod secret;
pub mod spawn;
pub mod tail;
