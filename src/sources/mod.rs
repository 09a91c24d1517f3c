//! I/O: the tasks that read the world and send [`crate::store::Event`]s. They never touch state.

pub mod check;
pub mod http;
