//! The configuration file's schema. Every key is documented once, in `template.toml`
//! (`gatewatch config template` prints it); unknown keys are errors.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::parse::accesslog::config::{JsonFieldMap, LogParseConfig, RouteBy};
use crate::parse::accesslog::FormatName;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub dashboard: DashboardConfig,
    #[serde(default)]
    pub scrape: Vec<ScrapeConfig>,
    #[serde(default)]
    pub log: Vec<LogConfig>,
    #[serde(default)]
    pub routes: RoutesConfig,
    /// Base URL that probes of a route are sent to.
    pub base_url: Option<Spanned<String>>,
    /// A directory of team runbooks that add to or replace the shipped ones.
    pub runbooks_dir: Option<Spanned<PathBuf>>,
    /// Scheduled synthetic checks (docs/checks.md).
    #[serde(default)]
    pub checks: Vec<crate::model::check::config::CheckConfig>,
    /// Defaults for ad-hoc probes launched from the dashboard (docs/checks.md).
    pub probe: Option<crate::model::check::config::ProbeConfig>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardConfig {
    #[serde(
        default = "default_window",
        deserialize_with = "super::duration::deserialize"
    )]
    pub window: Duration,
    #[serde(
        default = "default_retention",
        deserialize_with = "super::duration::deserialize"
    )]
    pub retention: Duration,
    #[serde(
        default = "default_resolution",
        deserialize_with = "super::duration::deserialize"
    )]
    pub resolution: Duration,
    /// Redraws happen at most this often, and only when something changed.
    #[serde(
        default = "default_refresh",
        deserialize_with = "super::duration::deserialize"
    )]
    pub refresh: Duration,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub keymap: Option<PathBuf>,
    #[serde(default = "default_route_cap")]
    pub route_cap: usize,
}

fn default_window() -> Duration {
    Duration::from_secs(60)
}
fn default_retention() -> Duration {
    Duration::from_secs(15 * 60)
}
fn default_resolution() -> Duration {
    Duration::from_secs(1)
}
fn default_refresh() -> Duration {
    Duration::from_secs(1)
}
fn default_theme() -> String {
    "default".into()
}
fn default_route_cap() -> usize {
    500
}

impl Default for DashboardConfig {
    fn default() -> Self {
        DashboardConfig {
            window: default_window(),
            retention: default_retention(),
            resolution: default_resolution(),
            refresh: default_refresh(),
            theme: default_theme(),
            keymap: None,
            route_cap: default_route_cap(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScrapeConfig {
    /// Shown in the header and used as the source id; defaults to the URL's host:port.
    pub name: Option<String>,
    /// One target. Exactly one of `url` and `targets` is given.
    pub url: Option<Spanned<String>>,
    /// Several instances of one gateway sharing every other key: shorthand for one `[[scrape]]`
    /// per URL, all with the same `gateway`.
    pub targets: Option<Spanned<Vec<Spanned<String>>>>,
    /// The gateway this target is one instance of. Targets naming the same gateway are summed
    /// per route (one row each); every instance keeps its own health, backoff and counters.
    pub gateway: Option<Spanned<String>>,
    #[serde(default = "default_preset")]
    pub preset: Spanned<String>,
    #[serde(
        default = "default_interval",
        deserialize_with = "super::duration::deserialize"
    )]
    pub interval: Duration,
    #[serde(
        default = "default_timeout",
        deserialize_with = "super::duration::deserialize"
    )]
    pub timeout: Duration,
    /// `env:NAME`, `file:PATH` or a literal (discouraged). Sent as `Authorization: Bearer …`.
    pub bearer_token: Option<String>,
    pub basic_user: Option<String>,
    /// `env:NAME`, `file:PATH` or a literal.
    pub basic_password: Option<String>,
    /// PEM file of extra CA certificates to trust.
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate verification. Only for lab gateways.
    #[serde(default)]
    pub insecure_skip_verify: bool,
    #[serde(default, deserialize_with = "super::duration::deserialize_bytes_opt")]
    pub max_body: Option<usize>,
    /// With `preset = "generic"`: which families and labels mean what (docs/metrics.md).
    pub generic: Option<crate::parse::presets::generic::GenericMapping>,
    /// Per-gateway tuning: HAProxy deny status and stick tables, Caddy's route name, configured
    /// rate limits (docs/metrics.md).
    pub options: Option<crate::parse::presets::PresetOptions>,
}

impl ScrapeConfig {
    /// The target URLs: `url`, or every entry of `targets`.
    pub fn urls(&self) -> Vec<&Spanned<String>> {
        match (&self.url, &self.targets) {
            (Some(u), _) => vec![u],
            (None, Some(t)) => t.get_ref().iter().collect(),
            (None, None) => Vec::new(),
        }
    }
}

fn default_preset() -> Spanned<String> {
    Spanned::new(0..0, "auto".into())
}
fn default_interval() -> Duration {
    Duration::from_secs(5)
}
fn default_timeout() -> Duration {
    Duration::from_secs(3)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub name: Option<String>,
    /// A file, a glob (`/var/log/nginx/*.access.log`) or `-` for standard input.
    pub path: Spanned<String>,
    #[serde(default = "default_format")]
    pub format: Spanned<String>,
    #[serde(default)]
    pub read_from: ReadFrom,
    /// An nginx `log_format` body; implies `format = "nginx"`.
    pub log_format: Option<Spanned<String>>,
    /// The field mapping of `format = "json"`.
    pub json: Option<Spanned<JsonFieldMap>>,
    /// Route patterns of this log, tried before the global `[routes]` ones.
    pub routes: Option<Spanned<Vec<String>>>,
    /// Collapse id-like path segments into `{id}` when no pattern matches (default true).
    pub collapse_ids: Option<bool>,
    /// Routes kept for this log before new ones fold into "(other)" (default 500).
    pub route_cap: Option<Spanned<usize>>,
    /// Recent error lines kept per route (default 5).
    pub error_samples: Option<usize>,
    /// `path` (method + template, the default) or `name` (the gateway's route name).
    pub route_by: Option<RouteBy>,
}

impl LogConfig {
    /// How to parse this log; `global_routes` are the `[routes]` patterns, tried after the
    /// log's own. The format name is checked by [`LogConfig::format_name`].
    pub fn parse_config(&self, global_routes: &[String]) -> LogParseConfig {
        let mut routes = self
            .routes
            .as_ref()
            .map(|r| r.get_ref().clone())
            .unwrap_or_default();
        routes.extend(global_routes.iter().cloned());
        LogParseConfig {
            format: self.format_name().ok().flatten(),
            log_format: self.log_format.as_ref().map(|f| f.get_ref().clone()),
            json: self.json.as_ref().map(|j| j.get_ref().clone()),
            routes,
            collapse_ids: self.collapse_ids,
            route_cap: self.route_cap.as_ref().map(|c| *c.get_ref()),
            error_samples: self.error_samples,
            route_by: self.route_by.unwrap_or_default(),
        }
    }

    /// The named format; `None` for `auto`.
    pub fn format_name(&self) -> Result<Option<FormatName>, String> {
        format_name(self.format.get_ref())
    }
}

/// A format name as written in the config or on the command line; `None` for `auto`.
pub fn format_name(name: &str) -> Result<Option<FormatName>, String> {
    match FormatName::parse(name) {
        Some(FormatName::Auto) => Ok(None),
        Some(f) => Ok(Some(f)),
        None => {
            let names: Vec<&str> = FormatName::ALL.iter().map(|f| f.label()).collect();
            Err(format!(
                "unknown log format {name:?} (known: {})",
                names.join(", ")
            ))
        }
    }
}

fn default_format() -> Spanned<String> {
    Spanned::new(0..0, "auto".into())
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadFrom {
    #[default]
    End,
    Start,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutesConfig {
    /// Route templates matched before automatic id collapsing, e.g. `/v1/orders/{id}`.
    pub patterns: Option<Spanned<Vec<String>>>,
}

impl RoutesConfig {
    pub fn patterns(&self) -> &[String] {
        self.patterns.as_ref().map_or(&[], |p| p.get_ref())
    }
}
