//! `gatewatch runbook CODE|ID [--route R] [--format text|markdown|json]` and `--list`.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::model::status::Status;
use crate::runbook::document::{compose, to_markdown, to_plain_text, ViewOptions};
use crate::runbook::fill::{fill_markdown, unfilled, FillContext};
use crate::runbook::load::load;
use crate::runbook::model::Runbook;
use crate::runbook::{Catalog, Query, Severity};

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RunbookFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

/// Print the runbook for an error, or list them all.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RunbookArgs {
    /// A status code (`502`), a class (`5xx`), a failure reason (`connect_refused`) or a runbook
    /// id (`429-quota`). A code can match several runbooks (429: quota and throttle).
    pub selector: Option<String>,
    /// List the runbooks in use (shipped and team) instead of printing one.
    #[arg(long, conflicts_with = "selector")]
    pub list: bool,
    /// The route: selects route-restricted team runbooks and fills `{route}`.
    #[arg(long)]
    pub route: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RunbookFormat::Text)]
    pub format: RunbookFormat,
    /// Gateway preset (`haproxy`, `aws`, `nginx` …): its note first, and preset-restricted
    /// team runbooks.
    #[arg(long)]
    pub preset: Option<String>,
    /// A directory of team runbooks that replace (same id) or add to the shipped ones.
    #[arg(long, env = "GATEWATCH_RUNBOOKS_DIR")]
    pub runbooks_dir: Option<PathBuf>,
    /// Fills `{method}`.
    #[arg(long)]
    pub method: Option<String>,
    /// Fills `{base_url}`, e.g. `https://api.example.com`.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Fills `{host}`.
    #[arg(long)]
    pub host: Option<String>,
    /// Fills `{upstream}`, e.g. `10.0.3.7:8080`.
    #[arg(long)]
    pub upstream: Option<String>,
    /// Fills `{request_id}`.
    #[arg(long)]
    pub request_id: Option<String>,
}

impl RunbookArgs {
    fn fill_context(&self) -> FillContext {
        FillContext {
            route: self.route.clone(),
            method: self.method.clone(),
            base_url: self.base_url.clone(),
            host: self.host.clone(),
            upstream: self.upstream.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// Exit codes: 0 found (or listed), 1 nothing matches, 2 usage error.
pub async fn run(args: RunbookArgs) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    execute(&args, &mut stdout.lock(), &mut stderr.lock())
}

/// [`run`] with the output streams given, for tests.
pub fn execute(args: &RunbookArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let loaded = load(args.runbooks_dir.as_deref());
    // Notes (which shipped runbooks a team replaces) belong to `config check`, not here.
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
    {
        writeln!(err, "{d}")?;
    }
    if args.list {
        list(&loaded.catalog, args.format, out)?;
        return Ok(0);
    }
    let Some(selector) = args
        .selector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        writeln!(
            err,
            "usage: gatewatch runbook CODE|ID [--route R] [--format text|markdown|json], or --list"
        )?;
        return Ok(2);
    };
    let found = resolve(
        &loaded.catalog,
        selector,
        args.route.as_deref(),
        args.preset.as_deref(),
    );
    if found.is_empty() {
        writeln!(
            err,
            "no runbook matches {selector:?}; `gatewatch runbook --list` shows them all"
        )?;
        return Ok(1);
    }
    let ctx = args.fill_context();
    let opts = ViewOptions {
        preset: args.preset.as_deref(),
        all_gateway_notes: true,
    };
    match args.format {
        RunbookFormat::Text => {
            for (i, rb) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "\n{}\n", "─".repeat(40))?;
                }
                write!(out, "{}", to_plain_text(&compose(rb, &ctx, &[], &opts)))?;
            }
        }
        RunbookFormat::Markdown => {
            for (i, rb) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "\n---\n")?;
                }
                write!(out, "{}", to_markdown(rb, &ctx, &[], &opts))?;
            }
        }
        RunbookFormat::Json => {
            let runbooks: Vec<Value> = found.iter().map(|rb| runbook_json(rb, &ctx)).collect();
            let doc = json!({ "selector": selector, "runbooks": runbooks });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
    }
    let missing = missing_placeholders(&found, &ctx);
    if !missing.is_empty() && args.format != RunbookFormat::Json {
        let flags: Vec<String> = missing
            .iter()
            .map(|n| format!("--{}", n.replace('_', "-")))
            .collect();
        writeln!(err, "hint: {} fill the ‹…?› placeholders", flags.join(", "))?;
    }
    Ok(0)
}

/// A status or class selects by matching (all best matches); otherwise an id, then a reason.
pub fn resolve<'c>(
    catalog: &'c Catalog,
    selector: &str,
    route: Option<&str>,
    preset: Option<&str>,
) -> Vec<&'c Runbook> {
    let by_query = |query: Query| -> Vec<&'c Runbook> {
        let query = query.with_route(route).with_preset(preset);
        catalog.top(&query).into_iter().map(|m| m.runbook).collect()
    };
    if let Some(status) = Status::parse(selector) {
        return by_query(Query {
            status: Some(status),
            ..Query::default()
        });
    }
    let lower = selector.to_ascii_lowercase();
    if let Some(rb) = catalog.get(&lower) {
        return vec![rb];
    }
    by_query(Query::reason(&lower))
}

fn missing_placeholders(found: &[&Runbook], ctx: &FillContext) -> Vec<&'static str> {
    let mut names = Vec::new();
    for rb in found {
        for name in unfilled(&rb.body, ctx) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn runbook_json(rb: &Runbook, ctx: &FillContext) -> Value {
    let notes: serde_json::Map<String, Value> = rb
        .gateway_notes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(fill_markdown(v, ctx))))
        .collect();
    json!({
        "id": rb.id,
        "title": rb.title,
        "summary": rb.summary,
        "codes": rb.codes,
        "classes": rb.classes.iter().map(|c| c.label()).collect::<Vec<_>>(),
        "reasons": rb.reasons,
        "retry": rb.retry.as_str(),
        "retry_label": rb.retry.label(),
        "retry_note": rb.retry_note,
        "routes": rb.routes.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "presets": rb.presets,
        "priority": rb.priority,
        "runbook_url": rb.runbook_url,
        "origin": if rb.origin.is_team() { "team" } else { "shipped" },
        "file": rb.origin.display(),
        "gateway_notes": notes,
        "body_markdown": fill_markdown(&rb.body, ctx),
        "unfilled": unfilled(&rb.body, ctx),
    })
}

/// `codes 502 · reasons connect` style summary of what a runbook matches.
fn matches_label(rb: &Runbook) -> String {
    let mut parts: Vec<String> = rb.codes.iter().map(u16::to_string).collect();
    parts.extend(rb.classes.iter().map(|c| c.label().to_string()));
    parts.extend(rb.reasons.iter().cloned());
    parts.join(",")
}

fn list(catalog: &Catalog, format: RunbookFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    match format {
        RunbookFormat::Json => {
            let items: Vec<Value> = catalog
                .iter()
                .map(|rb| {
                    json!({
                        "id": rb.id,
                        "title": rb.title,
                        "matches": matches_label(rb),
                        "retry": rb.retry.as_str(),
                        "origin": if rb.origin.is_team() { "team" } else { "shipped" },
                        "restricted": rb.is_restricted(),
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        }
        RunbookFormat::Markdown => {
            writeln!(out, "| id | matches | retry | title |\n|---|---|---|---|")?;
            for rb in catalog.iter() {
                let team = if rb.origin.is_team() { " (team)" } else { "" };
                writeln!(
                    out,
                    "| `{}`{team} | {} | {} | {} |",
                    rb.id,
                    matches_label(rb),
                    rb.retry.as_str(),
                    rb.title
                )?;
            }
        }
        RunbookFormat::Text => {
            let id_w = catalog.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
            let m_w = catalog
                .iter()
                .map(|r| matches_label(r).len())
                .max()
                .unwrap_or(7)
                .clamp(7, 32);
            writeln!(
                out,
                "{:id_w$}  {:m_w$}  {:13}  TITLE",
                "ID", "MATCHES", "RETRY"
            )?;
            for rb in catalog.iter() {
                let team = if rb.origin.is_team() { "  [team]" } else { "" };
                writeln!(
                    out,
                    "{:id_w$}  {:m_w$}  {:13}  {}{team}",
                    rb.id,
                    matches_label(rb),
                    rb.retry.as_str(),
                    rb.title
                )?;
            }
        }
    }
    Ok(())
}
