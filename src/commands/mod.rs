//! Headless commands.

pub mod demo;
