//! What to read, resolved from flags and the config file (defaults < file < flags).

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::SourceArgs;
use crate::config::schema::{ConfigFile, ReadFrom, ScrapeConfig};
use crate::config::ConfigError;
use crate::model::source::{SourceId, SourceKind, SourceSpec};
use crate::parse::accesslog::config::LogParseConfig;
use crate::store::StoreConfig;

#[derive(Clone, Debug)]
pub struct ScrapePlan {
    pub spec: SourceSpec,
    /// The gateway this target is one instance of (`gateway = "edge"`, `--gateway edge`).
    pub gateway: Option<String>,
    pub url: String,
    pub preset: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub bearer_token: Option<String>,
    pub basic: Option<(String, Option<String>)>,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_verify: bool,
    pub max_body: usize,
    pub generic: Option<crate::parse::presets::generic::GenericMapping>,
    pub options: Option<crate::parse::presets::PresetOptions>,
}

#[derive(Clone, Debug)]
pub struct LogPlan {
    pub spec: SourceSpec,
    pub path: String,
    /// Format, route templates and limits.
    pub parse: LogParseConfig,
    pub from_start: bool,
}

#[derive(Clone, Debug)]
pub enum SourcePlan {
    Scrape(Box<ScrapePlan>),
    Log(Box<LogPlan>),
}

impl SourcePlan {
    pub fn spec(&self) -> &SourceSpec {
        match self {
            SourcePlan::Scrape(p) => &p.spec,
            SourcePlan::Log(p) => &p.spec,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub sources: Vec<SourcePlan>,
    pub store: StoreConfig,
    /// Run the embedded demo gateway and watch it.
    pub demo: bool,
    pub refresh: Duration,
    pub theme: String,
    pub keymap: Option<PathBuf>,
    pub base_url: Option<String>,
    /// `[probe]` defaults for the probe dialog (its `base_url` is resolved into `base_url`).
    pub probe: crate::model::check::ProbeConfig,
    pub runbooks_dir: Option<PathBuf>,
    pub config_file: Option<PathBuf>,
    /// Scheduled checks from the config file, and `--check URL`s.
    pub checks: Vec<crate::model::check::config::CheckConfig>,
    pub adhoc_checks: Vec<String>,
}

impl Plan {
    /// The gateways with several instances, each with its instances in plan order.
    pub fn gateways(&self) -> Vec<crate::store::Gateway> {
        let mut out: Vec<crate::store::Gateway> = Vec::new();
        for p in &self.sources {
            let SourcePlan::Scrape(p) = p else { continue };
            let Some(name) = &p.gateway else { continue };
            let name = crate::sanitize::sanitize(name);
            match out.iter_mut().find(|g| g.name == name) {
                Some(g) => g.instances.push(p.spec.id.clone()),
                None => out.push(crate::store::Gateway::new(&name, vec![p.spec.id.clone()])),
            }
        }
        out
    }
}

pub const DEFAULT_MAX_BODY: usize = 50 * 1000 * 1000;

/// `host:port` of a URL, for a default source name.
fn host_port(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// A source's id: kind, name and, when taken, `#2`, `#3` …; sanitised once here, since the id
/// is shown on every screen and in every output.
fn unique_id(taken: &[SourcePlan], kind: SourceKind, name: &str) -> SourceId {
    let base = format!("{}:{}", kind.label(), crate::sanitize::sanitize(name));
    let mut id = base.clone();
    let mut n = 2;
    while taken.iter().any(|p| p.spec().id.as_str() == id) {
        id = format!("{base}#{n}");
        n += 1;
    }
    SourceId::new(&id)
}

/// One plan per target: `url`, or each of `targets` (instances of one gateway).
fn scrape_plans(taken: &mut Vec<SourcePlan>, c: &ScrapeConfig) {
    for url in c.urls() {
        let url = url.get_ref().clone();
        let name = c.name.clone().unwrap_or_else(|| {
            if let Some(path) = url.strip_prefix("file://") {
                path.rsplit('/').next().unwrap_or(path).to_string()
            } else {
                host_port(&url).to_string()
            }
        });
        let plan = ScrapePlan {
            spec: SourceSpec {
                id: unique_id(taken, SourceKind::Scrape, &name),
                kind: SourceKind::Scrape,
                target: crate::redact::url(&url).into_owned(),
            },
            gateway: c.gateway.as_ref().map(|g| g.get_ref().trim().to_string()),
            url,
            preset: c.preset.get_ref().clone(),
            interval: c.interval,
            timeout: c.timeout,
            bearer_token: c.bearer_token.clone(),
            basic: c.basic_user.clone().map(|u| (u, c.basic_password.clone())),
            ca_file: c.ca_file.clone(),
            insecure_skip_verify: c.insecure_skip_verify,
            max_body: c.max_body.unwrap_or(DEFAULT_MAX_BODY),
            generic: c.generic.clone(),
            options: c.options.clone(),
        };
        taken.push(SourcePlan::Scrape(Box::new(plan)));
    }
}

fn log_plan(
    taken: &[SourcePlan],
    name: Option<&str>,
    path: &str,
    parse: LogParseConfig,
    from_start: bool,
) -> LogPlan {
    let default_name = if path == "-" {
        "stdin"
    } else {
        path.rsplit('/').next().unwrap_or(path)
    };
    LogPlan {
        spec: SourceSpec {
            id: unique_id(taken, SourceKind::Log, name.unwrap_or(default_name)),
            kind: SourceKind::Log,
            target: path.to_string(),
        },
        path: path.to_string(),
        parse,
        from_start,
    }
}

/// How `--log` sources are parsed: `--log-format` is a format name, or, when it holds a `$`,
/// an nginx `log_format` string.
fn flag_log_parse(format: &str, routes: &[String]) -> Result<LogParseConfig, ConfigError> {
    let flag_error = |message: String| ConfigError {
        file: "command line".into(),
        line: 0,
        column: 0,
        key: Some("--log-format".into()),
        message,
    };
    let mut parse = LogParseConfig {
        routes: routes.to_vec(),
        ..LogParseConfig::default()
    };
    if format.contains('$') {
        parse.log_format = Some(format.to_string());
    } else {
        let name = if format.is_empty() { "auto" } else { format };
        parse.format = crate::config::schema::format_name(name).map_err(flag_error)?;
    }
    parse.format_choice().map_err(|e| {
        flag_error(format!(
            "{e} (give it in a [[log]] table of the config, or as the flag's value)"
        ))
    })?;
    Ok(parse)
}

/// Resolves the plan. `from_start` (snapshot's flag) makes every log source read from the start.
pub fn resolve(args: &SourceArgs, from_start: bool) -> Result<Plan, ConfigError> {
    let config_file = args.config.clone().or_else(crate::config::default_path);
    let file = match &config_file {
        Some(p) => crate::config::load(p)?,
        None => ConfigFile::default(),
    };
    let d = &file.dashboard;
    let mut store = StoreConfig {
        resolution: d.resolution,
        retention: d.retention,
        window: d.window,
        route_cap: d.route_cap,
    };
    if let Some(w) = args.window {
        store.window = w;
        store.retention = store.retention.max(w);
    }
    let mut sources: Vec<SourcePlan> = Vec::new();
    if !args.demo {
        for c in &file.scrape {
            scrape_plans(&mut sources, c);
        }
        for l in &file.log {
            let p = log_plan(
                &sources,
                l.name.as_deref(),
                l.path.get_ref(),
                l.parse_config(file.routes.patterns()),
                from_start || l.read_from == ReadFrom::Start,
            );
            sources.push(SourcePlan::Log(Box::new(p)));
        }
        for url in &args.scrape {
            let c = ScrapeConfig {
                name: None,
                url: Some(toml::Spanned::new(0..0, url.clone())),
                targets: None,
                gateway: args
                    .gateway
                    .as_ref()
                    .map(|g| toml::Spanned::new(0..0, g.clone())),
                preset: toml::Spanned::new(0..0, args.preset.clone()),
                interval: args.scrape_every.unwrap_or(Duration::from_secs(5)),
                timeout: Duration::from_secs(3),
                bearer_token: None,
                basic_user: None,
                basic_password: None,
                ca_file: None,
                insecure_skip_verify: false,
                max_body: None,
                generic: None,
                options: None,
            };
            scrape_plans(&mut sources, &c);
        }
        let flag_parse = if args.log.is_empty() {
            None
        } else {
            Some(flag_log_parse(&args.log_format, file.routes.patterns())?)
        };
        for path in &args.log {
            let parse = flag_parse.clone().unwrap_or_default();
            let p = log_plan(&sources, None, path, parse, from_start);
            sources.push(SourcePlan::Log(Box::new(p)));
        }
    }
    let demo = args.demo || (config_file.is_none() && !args.has_source_flags());
    Ok(Plan {
        sources,
        store,
        demo,
        refresh: d.refresh,
        theme: d.theme.clone(),
        keymap: d.keymap.clone(),
        base_url: file
            .probe
            .as_ref()
            .and_then(|p| p.base_url.clone())
            .or_else(|| file.base_url.as_ref().map(|s| s.get_ref().clone())),
        probe: file.probe.clone().unwrap_or_default(),
        checks: if args.demo {
            Vec::new()
        } else {
            file.checks.clone()
        },
        adhoc_checks: args.check.clone(),
        runbooks_dir: file.runbooks_dir.as_ref().map(|s| s.get_ref().clone()),
        config_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_make_sources_with_unique_redacted_ids() {
        let args = SourceArgs {
            scrape: vec![
                "http://u:pw@127.0.0.1:8405/metrics".into(),
                "http://127.0.0.1:8405/metrics".into(),
            ],
            log: vec!["/var/log/nginx/access.log".into(), "-".into()],
            ..SourceArgs::default()
        };
        let plan = resolve(&args, false).unwrap();
        assert!(!plan.demo);
        let ids: Vec<&str> = plan.sources.iter().map(|s| s.spec().id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "scrape:127.0.0.1:8405",
                "scrape:127.0.0.1:8405#2",
                "log:access.log",
                "log:stdin"
            ]
        );
        assert!(!plan.sources[0].spec().target.contains("pw"));
    }

    fn log_args(format: &str) -> SourceArgs {
        SourceArgs {
            log: vec!["a.log".into()],
            log_format: format.into(),
            ..SourceArgs::default()
        }
    }

    fn only_log(plan: &Plan) -> &LogPlan {
        match &plan.sources[..] {
            [SourcePlan::Log(l)] => l,
            other => panic!("one log source expected, got {}", other.len()),
        }
    }

    #[test]
    fn log_format_flag_takes_a_name_or_an_nginx_log_format_string() {
        use crate::parse::accesslog::{FormatChoice, FormatName};
        let plan = resolve(&log_args("caddy"), false).unwrap();
        assert_eq!(only_log(&plan).parse.format, Some(FormatName::Caddy));
        let plan = resolve(&log_args("auto"), false).unwrap();
        assert_eq!(
            only_log(&plan).parse.format_choice(),
            Ok(FormatChoice::Auto)
        );
        let plan = resolve(
            &log_args(r#"$remote_addr "$request" $status $request_time"#),
            false,
        )
        .unwrap();
        let FormatChoice::Fixed(f) = only_log(&plan).parse.format_choice().unwrap() else {
            panic!("a fixed format")
        };
        let rec = f
            .parse(r#"10.0.0.1 "GET /v1/a?x=1 HTTP/1.1" 503 0.250"#)
            .unwrap();
        assert_eq!(
            (rec.status, rec.path.as_ref(), rec.latency_ms),
            (503, "/v1/a", Some(250.0))
        );
        for (bad, says) in [
            ("apache", "unknown log format \"apache\""),
            ("nginx", "needs a log_format string"),
            ("$remote_addr", "log_format:"),
        ] {
            let e = resolve(&log_args(bad), false).unwrap_err();
            assert_eq!(e.key.as_deref(), Some("--log-format"), "{bad}");
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn gateway_flag_and_targets_make_instances_of_one_gateway() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("gw.toml");
        std::fs::write(
            &cfg,
            "[[scrape]]\ngateway = \"edge\"\npreset = \"haproxy\"\ninterval = \"2s\"\n\
             targets = [\"http://10.0.0.1:8405/metrics\", \"http://10.0.0.2:8405/metrics\"]\n\n\
             [[scrape]]\nurl = \"http://127.0.0.1:2019/metrics\"\n",
        )
        .unwrap();
        let args = SourceArgs {
            config: Some(cfg),
            scrape: vec!["http://10.0.0.3:8405/metrics".into()],
            gateway: Some("edge".into()),
            preset: "auto".into(),
            ..SourceArgs::default()
        };
        let plan = resolve(&args, false).unwrap();
        let scrapes: Vec<(&str, Option<&str>, &str, Duration)> = plan
            .sources
            .iter()
            .map(|s| match s {
                SourcePlan::Scrape(p) => (
                    p.spec.id.as_str(),
                    p.gateway.as_deref(),
                    p.preset.as_str(),
                    p.interval,
                ),
                SourcePlan::Log(_) => panic!("no logs configured"),
            })
            .collect();
        let two = Duration::from_secs(2);
        assert_eq!(
            scrapes,
            [
                ("scrape:10.0.0.1:8405", Some("edge"), "haproxy", two),
                ("scrape:10.0.0.2:8405", Some("edge"), "haproxy", two),
                (
                    "scrape:127.0.0.1:2019",
                    None,
                    "auto",
                    Duration::from_secs(5)
                ),
                (
                    "scrape:10.0.0.3:8405",
                    Some("edge"),
                    "auto",
                    Duration::from_secs(5)
                ),
            ]
        );
        let gateways = plan.gateways();
        assert_eq!(gateways.len(), 1);
        assert_eq!(gateways[0].id.as_str(), "gateway:edge");
        let members: Vec<&str> = gateways[0].instances.iter().map(|i| i.as_str()).collect();
        assert_eq!(
            members,
            [
                "scrape:10.0.0.1:8405",
                "scrape:10.0.0.2:8405",
                "scrape:10.0.0.3:8405"
            ]
        );
    }

    #[test]
    fn source_ids_are_sanitised_once_where_they_are_made() {
        let args = SourceArgs {
            log: vec!["/tmp/evil\u{1b}[2Jname.log".into()],
            ..SourceArgs::default()
        };
        let plan = resolve(&args, false).unwrap();
        let id = plan.sources[0].spec().id.as_str().to_string();
        assert!(!id.contains('\u{1b}'), "{id:?}");
        assert!(id.starts_with("log:") && id.ends_with("name.log"), "{id:?}");
    }

    #[test]
    fn no_sources_means_demo() {
        let plan = resolve(&SourceArgs::default(), false).unwrap();
        assert!(plan.demo || plan.config_file.is_some());
    }
}
