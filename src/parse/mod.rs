//! PURE parsers: Prometheus/OpenMetrics exposition, gateway metric presets, access-log formats.

pub mod accesslog;
pub mod exposition;
pub mod presets;
