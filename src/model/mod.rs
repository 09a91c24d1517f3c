//! PURE domain model: time, statuses, routes, histograms, per-source traffic. No I/O, no clock.

pub mod check;
pub mod cors;
pub mod counter;
pub mod histogram;
pub mod latency_tally;
pub mod ratelimit;
pub mod route;
pub mod route_template;
pub mod source;
pub mod status;
pub mod time;
pub mod traffic;
