//! Configuration: TOML, validated on load; layered defaults < file < flags < environment.
//! Errors name the file, line, column and key.

pub mod duration;
pub mod error;
pub mod schema;
mod scrape;

use std::path::{Path, PathBuf};

pub use error::ConfigError;
pub use schema::ConfigFile;

/// The commented example config covering every key.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        key: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        error::at_span(path, text, span, e.message().trim().to_string())
    })?;
    validate(path, text, &file)?;
    Ok(file)
}

fn validate(path: &Path, text: &str, file: &ConfigFile) -> Result<(), ConfigError> {
    let err =
        |span: std::ops::Range<usize>, msg: String| Err(error::at_span(path, text, span, msg));
    scrape::validate(path, text, &file.scrape)?;
    for l in &file.log {
        if l.path.get_ref().is_empty() {
            return err(
                l.path.span(),
                "path is empty (use \"-\" for standard input)".into(),
            );
        }
    }
    let d = &file.dashboard;
    if d.window.is_zero() || d.resolution.is_zero() || d.retention < d.window {
        return Err(ConfigError {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            key: Some("dashboard".into()),
            message: "window and resolution must be above 0s, and retention at least the window"
                .into(),
        });
    }
    Ok(())
}

/// Where the config comes from when `--config` is not given: `$GATEWATCH_CONFIG` (handled by
/// the flag's env binding), then the XDG config file, when it exists.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "gatewatch")?;
    let p = dirs.config_dir().join("config.toml");
    p.exists().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_a_valid_config() {
        let file = parse(Path::new("template.toml"), TEMPLATE).expect("template parses");
        assert!(!file.scrape.is_empty());
    }

    #[test]
    fn errors_name_file_line_column_and_key() {
        let text = "[dashboard]\nwindow = \"1m\"\n\n[[scrape]]\nurl = \"http://127.0.0.1:9/metrics\"\ninterval = \"5 parsecs\"\n";
        let e = parse(Path::new("gw.toml"), text).unwrap_err();
        assert_eq!((e.line, e.column), (6, 12), "{e}");
        assert_eq!(e.key.as_deref(), Some("scrape[0].interval"));
        assert!(
            e.to_string()
                .starts_with("gw.toml:6:12: key `scrape[0].interval`: invalid duration"),
            "{e}"
        );

        let e = parse(Path::new("gw.toml"), "[dashboard]\nwindwo = \"1m\"\n").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (2, Some("dashboard.windwo")),
            "{e}"
        );
        assert!(e.message.contains("unknown field"), "{e}");

        let e = parse(Path::new("gw.toml"), "[[scrape]]\nurl = \"ftp://x\"\n").unwrap_err();
        assert_eq!(
            (e.line, e.column, e.key.as_deref()),
            (2, 7, Some("scrape[0].url")),
            "{e}"
        );
    }
}
