//! Team runbooks in a `runbooks_dir`: replacing a shipped runbook by id, adding route- and
//! preset-restricted ones, and reporting bad files with file and line while the shipped ones
//! still load.

use std::path::Path;

use gatewatch::runbook::document::{compose, to_plain_text, ViewOptions};
use gatewatch::runbook::fill::FillContext;
use gatewatch::runbook::load::{check_runbooks_dir, load, SHIPPED};
use gatewatch::runbook::{Query, Severity};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write a team runbook");
}

const TEAM_502: &str = r#"+++
id = "502"
title = "502 at Example Corp"
summary = "Our 502 playbook."
codes = [502]
retry = "usually_helps"
retry_note = "the orders service restarts in under a minute"
runbook_url = "https://wiki.example.com/runbooks/502"
+++

## First checks
1. Page the orders team.

## Commands
```sh
curl -sS http://{upstream}/healthz
```
"#;

const PAYMENTS_502: &str = r#"+++
id = "payments-502"
title = "502 on payments"
codes = [502, 503]
retry = "never"
retry_note = "payments are not idempotent here"
routes = ["/v1/payments/**", "be_payments"]
+++

Call the payments on-call before anything else.
"#;

const HAPROXY_504: &str = r#"+++
id = "haproxy-504"
title = "504 behind our HAProxy"
codes = [504]
retry = "with_backoff"
presets = ["haproxy"]
+++

Our `timeout server` is 30 s.
"#;

fn best(dir: &Path, query: &Query) -> String {
    let loaded = load(Some(dir));
    let m = loaded.catalog.best(query).expect("a match");
    m.runbook.id.clone()
}

#[test]
fn same_id_replaces_and_restricted_ones_add() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "502.md", TEAM_502);
    write(dir.path(), "payments.md", PAYMENTS_502);
    write(dir.path(), "haproxy-504.md", HAPROXY_504);
    write(dir.path(), "README.txt", "not a runbook");
    let loaded = load(Some(dir.path()));
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(loaded.catalog.len(), SHIPPED.len() + 2);
    let replaced = loaded.catalog.get("502").expect("502");
    assert_eq!(replaced.title, "502 at Example Corp");
    assert!(replaced.origin.is_team());
    let note = loaded
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Note)
        .expect("a note says what was replaced");
    assert!(note.file.ends_with("502.md") && note.line == 2, "{note}");
    assert!(note.message.contains("replaces the shipped runbook"));

    let code = |c: u16, route: Option<&str>, preset: Option<&str>| {
        Query::code(c).with_route(route).with_preset(preset)
    };
    let cases = [
        (code(502, Some("/v1/payments/charge"), None), "payments-502"),
        (code(503, Some("be_payments"), None), "payments-502"),
        (code(502, Some("/v1/orders"), None), "502"),
        (code(502, None, None), "502"),
        (code(504, None, Some("haproxy")), "haproxy-504"),
        (code(504, None, Some("nginx")), "504"),
        (code(504, None, None), "504"),
    ];
    for (query, want) in cases {
        assert_eq!(best(dir.path(), &query), want, "{query:?}");
    }

    let shown = to_plain_text(&compose(
        replaced,
        &FillContext {
            upstream: Some("10.0.3.7:8080".into()),
            ..FillContext::default()
        },
        &[],
        &ViewOptions::default(),
    ));
    assert!(
        shown.contains("curl -sS http://10.0.3.7:8080/healthz"),
        "{shown}"
    );
    assert!(
        shown.contains("More: https://wiki.example.com/runbooks/502"),
        "{shown}"
    );
    assert!(shown.contains("Team runbook: "), "{shown}");
    let payments = loaded.catalog.get("payments-502").expect("added");
    let shown = to_plain_text(&compose(
        payments,
        &FillContext::default(),
        &[],
        &ViewOptions::default(),
    ));
    assert!(
        shown.contains("Only for routes: /v1/payments/**, be_payments"),
        "{shown}"
    );
}

#[test]
fn bad_files_are_reported_with_file_and_line_and_shipped_ones_stay() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "504.md",
        "+++\nid = \"504\"\ntitle = \"Broken override\"\nretry = \"sometimes\"\ncodes = [504]\n+++\nbody\n",
    );
    write(
        dir.path(),
        "a.md",
        "+++\nid = \"dup\"\ntitle = \"A\"\nretry = \"never\"\ncodes = [418]\n+++\n",
    );
    write(
        dir.path(),
        "b.md",
        "+++\nid = \"dup\"\ntitle = \"B\"\nretry = \"never\"\ncodes = [418]\n+++\n",
    );
    std::fs::write(
        dir.path().join("latin1.md"),
        b"+++\nid = \"caf\xe9\"\n+++\n",
    )
    .expect("write");
    write(dir.path(), "typo.md", "+++\nid = \"typo\"\ntitle = \"T\"\nretry = \"never\"\ncodes = [418]\n+++\n\nRun `curl {base-url}`\n");

    let diagnostics = check_runbooks_dir(dir.path());
    let shown: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let name = d
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{name}:{}:{} {}", d.line, d.column, d.severity.label())
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            "504.md:4:9 error",
            "b.md:2:0 error",
            "latin1.md:0:0 error",
            "typo.md:8:11 warning"
        ],
        "{diagnostics:#?}"
    );
    let unknown_variant = &diagnostics[0];
    assert!(
        unknown_variant.message.contains("sometimes"),
        "{unknown_variant}"
    );
    assert!(unknown_variant.to_string().contains("504.md:4:9: error:"));
    assert!(diagnostics[1].message.contains("already used"));

    let loaded = load(Some(dir.path()));
    let shipped_504 = loaded.catalog.get("504").expect("shipped 504 still there");
    assert!(!shipped_504.origin.is_team());
    assert_eq!(
        loaded.catalog.get("dup").map(|r| r.title.as_str()),
        Some("A")
    );
    assert!(
        loaded.catalog.get("typo").is_some(),
        "a warning does not drop the file"
    );
    assert_eq!(loaded.catalog.len(), SHIPPED.len() + 2);
}

#[test]
fn a_missing_directory_is_an_error_but_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let diagnostics = check_runbooks_dir(&missing);
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].is_error() && diagnostics[0].message.contains("cannot read runbooks_dir")
    );
    assert_eq!(load(Some(&missing)).catalog.len(), SHIPPED.len());
}

/// The example in docs/runbooks.md is a valid team runbook.
#[test]
fn the_documented_example_parses() {
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/runbooks.md");
    let text = std::fs::read_to_string(docs).expect("docs/runbooks.md");
    let start = text.find("~~~markdown\n").expect("example start") + "~~~markdown\n".len();
    let len = text[start..].find("\n~~~").expect("example end") + 1;
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "payments-502.md", &text[start..start + len]);
    assert!(check_runbooks_dir(dir.path()).is_empty());
    let loaded = load(Some(dir.path()));
    let rb = loaded.catalog.get("payments-502").expect("loaded");
    assert_eq!(rb.routes.len(), 1);
    assert!(rb.gateway_note("haproxy").is_some());
}
