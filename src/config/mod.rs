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
    if let Some(p) = &file.routes.patterns {
        if let Err(e) = crate::model::route_template::RouteTemplates::new(p.get_ref()) {
            return err(p.span(), e.to_string());
        }
    }
    for l in &file.log {
        if l.path.get_ref().is_empty() {
            return err(
                l.path.span(),
                "path is empty (use \"-\" for standard input)".into(),
            );
        }
        if let Some((span, msg)) = log_problem(l) {
            return err(span, msg);
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

/// The first problem of a `[[log]]` table's parsing keys, with the span of the key at fault.
fn log_problem(l: &schema::LogConfig) -> Option<(std::ops::Range<usize>, String)> {
    use crate::parse::accesslog::config::ConfigError as E;
    if let Err(msg) = l.format_name() {
        return Some((l.format.span(), msg));
    }
    let span_of = |s: Option<std::ops::Range<usize>>| s.unwrap_or_else(|| l.format.span());
    let parse = l.parse_config(&[]);
    let problem = parse
        .format_choice()
        .err()
        .or_else(|| parse.route_templates().err())
        .or_else(|| {
            parse
                .aggregate_options(std::time::Duration::from_secs(1))
                .err()
        })?;
    let log_format = l.log_format.as_ref().map(|f| f.span());
    let json = l.json.as_ref().map(|j| j.span());
    let span = match &problem {
        E::NginxWithoutLogFormat | E::JsonWithoutMapping => l.format.span(),
        E::LogFormatWithOtherFormat | E::LogFormat(_) => span_of(log_format),
        E::MappingWithOtherFormat | E::MappingWithoutPath => span_of(json),
        E::Route(_) => span_of(l.routes.as_ref().map(|r| r.span())),
        E::ZeroRouteCap => span_of(l.route_cap.as_ref().map(|c| c.span())),
    };
    Some((span, problem.to_string()))
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

    #[test]
    fn log_parsing_keys_are_read_and_their_errors_name_the_key() {
        let text = r#"
[routes]
patterns = ["/v1/orders/{id}"]

[[log]]
path = "/var/log/nginx/access.log"
log_format = '$remote_addr [$time_local] "$request" $status $request_time'
routes = ["/v1/users/{id}/cart"]
route_cap = 50

[[log]]
path = "gw.json"
[log.json]
status = "res.code"
path = "req.uri"
latency = "took"
latency_unit = "us"
"#;
        let file = parse(Path::new("gw.toml"), text).expect("valid");
        let nginx = file.log[0].parse_config(file.routes.patterns());
        assert_eq!(nginx.routes, ["/v1/users/{id}/cart", "/v1/orders/{id}"]);
        assert_eq!(nginx.route_cap, Some(50));
        assert!(nginx.format_choice().is_ok());
        let json = file.log[1].parse_config(file.routes.patterns());
        let crate::parse::accesslog::FormatChoice::Fixed(f) = json.format_choice().unwrap() else {
            panic!("fixed")
        };
        let rec = f
            .parse(r#"{"res":{"code":429},"req":{"uri":"/v1/a/7?k=1"},"took":1500}"#)
            .unwrap();
        assert_eq!(
            (rec.status, rec.path.as_ref(), rec.latency_ms),
            (429, "/v1/a/7", Some(1.5))
        );

        let cases = [
            (
                "path = \"a\"\nformat = \"apache\"",
                3,
                "log[0].format",
                "unknown log format",
            ),
            (
                "path = \"a\"\nformat = \"nginx\"",
                3,
                "log[0].format",
                "needs a log_format",
            ),
            (
                "path = \"a\"\nlog_format = \"$request\"",
                3,
                "log[0].log_format",
                "$status",
            ),
            (
                "path = \"a\"\nformat = \"caddy\"\nlog_format = \"$status\"",
                4,
                "log[0].log_format",
                "only read with",
            ),
            (
                "path = \"a\"\nroutes = [\"v1\"]",
                3,
                "log[0].routes",
                "routes:",
            ),
            (
                "path = \"a\"\nroute_cap = 0",
                3,
                "log[0].route_cap",
                "at least 1",
            ),
            (
                "path = \"a\"\njson = { status = \"s\" }",
                3,
                "log[0].json",
                "needs `path`",
            ),
        ];
        for (body, line, key, says) in cases {
            let text = format!("[[log]]\n{body}\n");
            let e = parse(Path::new("gw.toml"), &text).unwrap_err();
            assert_eq!((e.line, e.key.as_deref()), (line, Some(key)), "{body}: {e}");
            assert!(e.to_string().contains(says), "{body}: {e}");
        }
        let e = parse(Path::new("gw.toml"), "[routes]\npatterns = [\"nope\"]\n").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (2, Some("routes.patterns")),
            "{e}"
        );
    }
}
