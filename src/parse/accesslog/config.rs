//! Configuration of access-log parsing, as it appears in the TOML config.
