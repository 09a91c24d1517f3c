//! `gatewatch check`: run every configured check once, in parallel, print the results and exit
//! 0 when all pass, 1 when any fails (degraded passes with a warning unless `--strict`), 2 for
//! configuration errors. The CI smoke test.

mod render;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::model::check::{CheckConfig, CheckResult, ProbeConfig};
use crate::sources::check::{run_all, CheckSpec, ClientCache};
use crate::sources::http::wall_now;

pub use render::{render, summary_line, xml_escape};

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Junit,
}

#[derive(clap::Args, Debug, Clone)]
pub struct CheckArgs {
    /// Configuration file holding `[[checks]]` (TOML).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also check this URL (GET, expects 2xx). Repeatable.
    #[arg(long = "check", value_name = "URL")]
    pub checks: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Count degraded checks (slower than `degraded_after`, fragile CORS) as failures.
    #[arg(long)]
    pub strict: bool,
    /// Timeout for `--check` URLs.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "5s")]
    pub timeout: Duration,
}

/// The parts of a configuration file this command reads. Other top-level tables are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct ChecksFile {
    #[serde(default)]
    pub checks: Vec<CheckConfig>,
    #[serde(default)]
    pub probe: Option<ProbeConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChecksFileError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

/// Reads `[[checks]]` and `[probe]` from a TOML file. Stand-in until `crate::config` lands: the
/// lead swaps this for the real loader (which embeds the same `CheckConfig`/`ProbeConfig`).
pub fn load_checks_file(path: &Path) -> Result<ChecksFile, ChecksFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ChecksFileError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    parse_checks_toml(&text).map_err(|message| ChecksFileError::Parse {
        path: shown,
        message,
    })
}

/// Parses the checks part of a TOML document; errors carry toml's line:column report.
pub fn parse_checks_toml(text: &str) -> Result<ChecksFile, String> {
    toml::from_str(text).map_err(|e: toml::de::Error| e.to_string())
}

/// Builds every spec; the first configuration error stops it (exit 2).
pub fn build_specs(
    configs: &[CheckConfig],
    adhoc: &[String],
    timeout: Duration,
    clients: &mut ClientCache,
) -> anyhow::Result<Vec<CheckSpec>> {
    let mut specs = Vec::with_capacity(configs.len() + adhoc.len());
    let mut names = std::collections::HashSet::new();
    for c in configs {
        if !names.insert(c.name.clone()) {
            anyhow::bail!("check {:?} is configured twice", c.name);
        }
        specs.push(CheckSpec::from_config(c, clients)?);
    }
    for url in adhoc {
        specs.push(CheckSpec::adhoc(url, timeout, clients)?);
    }
    Ok(specs)
}

/// 0 when every result passes, 1 otherwise.
pub fn exit_code(results: &[CheckResult], strict: bool) -> u8 {
    u8::from(!results.iter().all(|r| r.passed(strict)))
}

pub async fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let configs = match &args.config {
        Some(path) => match crate::config::load(path) {
            Ok(f) => f.checks,
            Err(e) => {
                crate::diagnostics::print_error(&format!("gatewatch check: config error: {e}"));
                return Ok(2);
            }
        },
        None => Vec::new(),
    };
    if configs.is_empty() && args.checks.is_empty() {
        crate::diagnostics::print_error(
            "gatewatch check: no checks: give --config FILE with [[checks]], or --check URL",
        );
        return Ok(2);
    }
    let specs = match build_specs(
        &configs,
        &args.checks,
        args.timeout,
        &mut ClientCache::default(),
    ) {
        Ok(s) => s,
        Err(e) => {
            crate::diagnostics::print_error(&format!("gatewatch check: {e}"));
            return Ok(2);
        }
    };
    let results = run_all(&specs).await;
    print!("{}", render(&results, args.format, args.strict, wall_now()));
    Ok(exit_code(&results, args.strict))
}
