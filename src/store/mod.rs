//! PURE state: the single writer. `apply(event, now)` changes state and returns effects.

pub mod action;
pub mod event;
pub mod feed;
pub mod ranking;
pub mod ring;
pub mod route_stats;
pub mod source_state;
pub mod state;
pub mod ui_state;
pub mod window;

pub use action::Action;
pub use event::{Effect, Event};
pub use feed::{Feed, Gateway};
pub use state::{Store, StoreConfig};

#[cfg(test)]
mod feed_tests;
#[cfg(test)]
mod tests;

pub mod checks;
#[cfg(test)]
pub(crate) mod fixture;
pub mod probe_state;
