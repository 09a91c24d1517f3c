//! `gatewatch runbook`: printing one or several runbooks, listing, formats and exit codes.

use std::path::PathBuf;

use gatewatch::commands::runbook::{execute, RunbookArgs, RunbookFormat};

fn run(args: RunbookArgs) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = execute(&args, &mut out, &mut err).expect("writing to memory does not fail");
    (
        code,
        String::from_utf8(out).expect("utf-8 stdout"),
        String::from_utf8(err).expect("utf-8 stderr"),
    )
}

fn select(selector: &str) -> RunbookArgs {
    RunbookArgs {
        selector: Some(selector.into()),
        ..RunbookArgs::default()
    }
}

#[test]
fn code_429_prints_both_variants_with_retry_guidance() {
    let (code, out, _) = run(select("429"));
    assert_eq!(code, 0);
    let throttle = out.find("429 Throttled").expect("throttle variant");
    let quota = out.find("429 Quota exhausted").expect("quota variant");
    assert!(throttle < quota, "throttle first");
    assert!(out.contains("Retry: retry with backoff"));
    assert!(out.contains("Retry: retry only after the limit resets"));
}

#[test]
fn fills_placeholders_from_flags_and_hints_at_the_rest() {
    let args = RunbookArgs {
        route: Some("/v1/orders".into()),
        base_url: Some("https://api.example.com".into()),
        ..select("502")
    };
    let (code, out, err) = run(args);
    assert_eq!(code, 0);
    assert!(out.starts_with("502 Bad Gateway\n"), "{out}");
    assert!(out.contains("http://‹upstream?›/v1/orders"), "{out}");
    assert!(
        err.contains("--upstream") && err.contains("--request-id"),
        "{err}"
    );
}

#[test]
fn ids_reasons_and_classes_select() {
    for (selector, title) in [
        ("429-quota", "429 Quota exhausted"),
        ("connect_refused", "Connection refused or timed out"),
        ("TLS", "TLS or certificate failure"),
        ("5xx", "5xx Server error"),
        ("507", "5xx Server error"),
    ] {
        let (code, out, _) = run(select(selector));
        assert_eq!(code, 0, "{selector}");
        assert!(out.starts_with(title), "{selector}: {out}");
    }
}

#[test]
fn exit_codes() {
    assert_eq!(run(select("nonsense")).0, 1);
    assert_eq!(run(select("200")).0, 1);
    let (code, _, err) = run(RunbookArgs::default());
    assert_eq!(code, 2);
    assert!(err.contains("usage"));
}

#[test]
fn formats() {
    let (_, md, _) = run(RunbookArgs {
        format: RunbookFormat::Markdown,
        route: Some("/v1/a b".into()),
        ..select("504")
    });
    assert!(
        md.starts_with("# 504 Gateway Timeout\n\n**Retry:**"),
        "{md}"
    );
    assert!(md.contains("'/v1/a b'"), "route shell-quoted in code: {md}");
    let (_, json, _) = run(RunbookArgs {
        format: RunbookFormat::Json,
        ..select("429")
    });
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let runbooks = v["runbooks"].as_array().expect("runbooks array");
    assert_eq!(runbooks.len(), 2);
    assert_eq!(runbooks[0]["id"], "429-throttle");
    assert_eq!(runbooks[0]["retry"], "with_backoff");
    assert_eq!(runbooks[1]["retry"], "after_reset");
    assert!(runbooks[0]["unfilled"]
        .as_array()
        .is_some_and(|u| !u.is_empty()));
}

#[test]
fn list_shows_every_runbook() {
    let (code, out, _) = run(RunbookArgs {
        list: true,
        ..RunbookArgs::default()
    });
    assert_eq!(code, 0);
    for id in [
        "400",
        "429-quota",
        "429-throttle",
        "504",
        "cors",
        "tls",
        "dns",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} not listed:\n{out}"
        );
    }
    let (_, json, _) = run(RunbookArgs {
        list: true,
        format: RunbookFormat::Json,
        ..RunbookArgs::default()
    });
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(gatewatch::runbook::load::SHIPPED.len())
    );
}

#[test]
fn team_directory_problems_go_to_stderr_and_shipped_still_print() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.md"), "+++\nid = \"504\"\n").expect("write");
    let args = RunbookArgs {
        runbooks_dir: Some(PathBuf::from(dir.path())),
        ..select("504")
    };
    let (code, out, err) = run(args);
    assert_eq!(code, 0);
    assert!(out.starts_with("504 Gateway Timeout"));
    assert!(!out.contains("Team runbook"));
    assert!(err.contains("broken.md:1:1: error"), "{err}");
}
