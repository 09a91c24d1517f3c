//! Headless commands.

pub mod inspect;
