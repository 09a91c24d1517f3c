//! PURE state: the single writer. `apply(event, now)` changes state and returns effects.

pub mod action;
pub mod event;

pub use action::Action;
pub use event::{Effect, Event};
pub mod checks;
