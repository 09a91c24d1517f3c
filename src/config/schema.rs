//! The configuration file's schema. Every key is documented once, in `template.toml`
//! (`gatewatch config template` prints it); unknown keys are errors.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

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
    #[serde(default)]
    pub patterns: Vec<String>,
}
