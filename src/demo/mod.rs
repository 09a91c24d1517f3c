//! The embedded demo gateway.
