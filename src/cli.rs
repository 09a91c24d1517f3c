//! The command line. Every flag is documented here once; `--help` is generated from it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gatewatch",
    version,
    about = "Terminal dashboard for API-gateway incidents: status-code ratios, per-route error trends, rate-limit saturation, runbooks.",
    long_about = "Terminal dashboard for API-gateway incidents.\n\nWith no config and no source flags, gatewatch runs on its embedded demo gateway.\nSources come from --config FILE, else $GATEWATCH_CONFIG, else the XDG config file gatewatch/config.toml.\n\nExit codes: 0 ok, 1 the command ran and found a failure, 2 usage or config error."
)]
pub struct Cli {
    #[command(flatten)]
    pub sources: SourceArgs,

    /// Colour theme: default or mono (NO_COLOR forces mono).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// Diagnostics level for the log file under the XDG state directory (error, warn, info,
    /// debug, trace). Diagnostics never go to the screen.
    #[arg(long, value_name = "LEVEL", default_value = "info", global = true)]
    pub log_level: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run only the demo gateway and print its metrics URL, base URL and log path.
    Demo(crate::commands::demo::DemoArgs),
    /// Collect for a while, print the state (JSON, text or Markdown) and exit.
    Snapshot(SnapshotArgs),
    /// Print a commented example config, or check a config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Parse one /metrics exposition (a URL or a saved file) and show what gatewatch sees in it.
    Inspect(crate::commands::inspect::InspectArgs),
    /// Run every configured check once, in parallel; exit 0 if all pass, 1 if any fail.
    Check(crate::commands::check::CheckArgs),
    /// Send one request and show status, failure reason, phase timings and the headers that matter.
    Probe(crate::commands::probe::ProbeArgs),
    /// Print the runbook for an error code, failure reason or runbook id; --list lists them.
    Runbook(crate::commands::runbook::RunbookArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example config covering every key.
    Template,
    /// Check a config file; errors name the file, line, column and key (exit 2).
    Check {
        /// The config file to check.
        file: PathBuf,
    },
}

/// Where the data comes from. Repeatable flags work without a config file.
#[derive(Debug, Clone, Default, Args)]
pub struct SourceArgs {
    /// Config file (TOML). See `gatewatch config template`.
    #[arg(long, short = 'c', value_name = "FILE", env = "GATEWATCH_CONFIG")]
    pub config: Option<PathBuf>,

    /// Scrape a Prometheus /metrics URL (http://, https://, file://). Repeatable.
    #[arg(long = "scrape", value_name = "URL")]
    pub scrape: Vec<String>,

    /// The --scrape targets are instances of this gateway: one row per route, summed over
    /// them, each instance's numbers and health in the detail pane.
    #[arg(long, value_name = "NAME")]
    pub gateway: Option<String>,

    /// Metrics preset for --scrape targets: auto, caddy, haproxy, envoy, kong, traefik, apisix,
    /// nginx-vts, nginx, tyk, krakend.
    #[arg(long, value_name = "NAME", default_value = "auto")]
    pub preset: String,

    /// Scrape every this often.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub scrape_every: Option<Duration>,

    /// Tail an access log (a path, a glob, or - for standard input). Repeatable.
    #[arg(long = "log", value_name = "PATH")]
    pub log: Vec<String>,

    /// Access-log format for --log sources (auto detects it from the first lines).
    #[arg(long, value_name = "NAME", default_value = "auto")]
    pub log_format: String,

    /// Run a synthetic check of this URL (expects 2xx). Repeatable.
    #[arg(long = "check", value_name = "URL")]
    pub check: Vec<String>,

    /// Logs are read from their start (backfill, with progress on the header), then followed.
    /// `snapshot` reads them to their end before it starts its --wait.
    #[arg(long)]
    pub from_start: bool,

    /// Use the embedded demo gateway, whatever else is configured.
    #[arg(long)]
    pub demo: bool,

    /// The window rates and ratios are computed over.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub window: Option<Duration>,
}

impl SourceArgs {
    pub fn has_source_flags(&self) -> bool {
        !self.scrape.is_empty() || !self.log.is_empty() || !self.check.is_empty()
    }
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub sources: SourceArgs,

    /// How long to collect before printing.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub wait: Duration,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Text,
    Markdown,
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::config::duration::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn snapshot_flags_parse() {
        let cli = Cli::try_parse_from([
            "gatewatch",
            "snapshot",
            "--scrape",
            "http://127.0.0.1:1/metrics",
            "--log",
            "a.log",
            "--wait",
            "2s",
            "--format",
            "text",
            "--from-start",
        ])
        .unwrap();
        let Some(Command::Snapshot(s)) = cli.command else {
            panic!("not snapshot")
        };
        assert_eq!(s.wait, Duration::from_secs(2));
        assert_eq!(s.sources.scrape.len(), 1);
        assert!(s.sources.from_start);
        assert!(Cli::try_parse_from(["gatewatch", "snapshot", "--wait", "soon"]).is_err());
    }
}
