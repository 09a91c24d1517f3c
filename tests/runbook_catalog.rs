//! The shipped runbooks: all parse cleanly, each is matched by every code, class and reason it
//! claims, and the matching rules pick the right one when several could apply.

use gatewatch::model::status::{Status, StatusClass};
use gatewatch::runbook::document::{compose, to_plain_text, ViewOptions};
use gatewatch::runbook::fill::{FillContext, PLACEHOLDERS};
use gatewatch::runbook::load::{shipped, SHIPPED};
use gatewatch::runbook::{Catalog, Query};

fn catalog() -> Catalog {
    let loaded = shipped();
    assert!(
        loaded.diagnostics.is_empty(),
        "shipped runbooks must parse without any diagnostic: {:#?}",
        loaded.diagnostics
    );
    loaded.catalog
}

fn top_ids(catalog: &Catalog, query: &Query) -> Vec<String> {
    catalog
        .top(query)
        .iter()
        .map(|m| m.runbook.id.clone())
        .collect()
}

fn best_id(catalog: &Catalog, query: &Query) -> Option<String> {
    catalog.best(query).map(|m| m.runbook.id.clone())
}

#[test]
fn embedded_list_matches_the_asset_directory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/runbooks");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/runbooks exists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = SHIPPED.iter().map(|(f, _)| f.to_string()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
}

#[test]
fn the_required_families_are_shipped() {
    let catalog = catalog();
    let required = [
        "400",
        "401",
        "403",
        "404",
        "405",
        "409",
        "413",
        "415",
        "422",
        "429-quota",
        "429-throttle",
        "499",
        "500",
        "502",
        "503",
        "504",
        "cors",
        "tls",
        "dns",
        "connect",
        "timeout",
    ];
    for id in required {
        assert!(catalog.get(id).is_some(), "missing runbook {id}");
    }
    assert_eq!(catalog.len(), SHIPPED.len());
}

/// Every code, class and reason a runbook claims leads to it.
#[test]
fn every_claim_matches_its_runbook() {
    let catalog = catalog();
    let mut checked = 0;
    for rb in catalog.iter() {
        for code in &rb.codes {
            let ids = top_ids(&catalog, &Query::code(*code));
            assert!(
                ids.contains(&rb.id),
                "code {code} → {ids:?}, expected {}",
                rb.id
            );
            checked += 1;
        }
        for reason in &rb.reasons {
            let ids = top_ids(&catalog, &Query::reason(reason));
            assert!(
                ids.contains(&rb.id),
                "reason {reason} → {ids:?}, expected {}",
                rb.id
            );
            checked += 1;
        }
        for class in &rb.classes {
            let query = Query {
                status: Some(Status::Class(*class)),
                ..Query::default()
            };
            assert_eq!(best_id(&catalog, &query).as_deref(), Some(rb.id.as_str()));
            checked += 1;
        }
    }
    assert!(checked >= 24, "only {checked} claims checked");
}

#[test]
fn matching_table() {
    let catalog = catalog();
    let q = |status: Option<Status>, reason: Option<&str>| Query {
        status,
        reason: reason.map(str::to_string),
        ..Query::default()
    };
    let code = |c| Some(Status::Code(c));
    let cases: Vec<(Query, Vec<&str>)> = vec![
        // Both 429 variants tie on the code; throttle (the common case) first.
        (q(code(429), None), vec!["429-throttle", "429-quota"]),
        (q(code(429), Some("quota_exceeded")), vec!["429-quota"]),
        (q(code(429), Some("throttled")), vec!["429-throttle"]),
        // Tyk answers a spent quota with 403: the reason wins over the code.
        (q(code(403), Some("quota_exceeded")), vec!["429-quota"]),
        (q(code(502), None), vec!["502"]),
        (q(code(502), Some("connect_refused")), vec!["connect"]),
        (q(code(507), None), vec!["5xx"]),
        (q(code(418), None), vec!["4xx"]),
        (
            q(Some(Status::Class(StatusClass::ServerError)), None),
            vec!["5xx"],
        ),
        (q(None, Some("connect_timeout")), vec!["connect"]),
        (q(None, Some("tls_expired")), vec!["tls"]),
        (q(None, Some("tls_name_mismatch")), vec!["tls"]),
        (q(None, Some("timeout_headers")), vec!["timeout"]),
        (q(None, Some("timeout_body")), vec!["timeout"]),
        (q(None, Some("cors_origin")), vec!["cors"]),
        (q(None, Some("dns")), vec!["dns"]),
        (q(None, Some("redirect_loop")), vec!["redirect-loop"]),
        (q(code(200), None), vec![]),
        (q(None, Some("cosmic_rays")), vec![]),
    ];
    for (query, want) in cases {
        assert_eq!(top_ids(&catalog, &query), want, "{query:?}");
    }
    // The full ranking keeps the code runbook behind the reason runbook.
    let all: Vec<String> = catalog
        .matches(&q(code(502), Some("connect_refused")))
        .iter()
        .map(|m| m.runbook.id.clone())
        .collect();
    assert_eq!(all, vec!["connect", "502"]);
}

/// Each runbook is usable under stress: causes, ordered checks, commands, fixes; only known
/// placeholders, each filled or visibly marked.
#[test]
fn every_runbook_has_its_sections_and_placeholders_resolve() {
    let catalog = catalog();
    let full = FillContext {
        route: Some("/v1/orders".into()),
        method: Some("GET".into()),
        base_url: Some("https://api.example.com".into()),
        host: Some("api.example.com".into()),
        upstream: Some("10.0.3.7:8080".into()),
        request_id: Some("req-42".into()),
    };
    for rb in catalog.iter() {
        for section in ["## First checks", "## Commands"] {
            assert!(rb.body.contains(section), "{} lacks {section}", rb.id);
        }
        if !matches!(rb.id.as_str(), "4xx" | "5xx") {
            for section in ["## Likely causes", "## Typical fixes"] {
                assert!(rb.body.contains(section), "{} lacks {section}", rb.id);
            }
        }
        assert!(rb.body.contains("```sh"), "{} has no commands block", rb.id);
        assert!(
            !rb.summary.is_empty() && rb.retry_note.is_some(),
            "{}",
            rb.id
        );
        let opts = ViewOptions {
            preset: None,
            all_gateway_notes: true,
        };
        let filled = to_plain_text(&compose(rb, &full, &[], &opts));
        let empty = to_plain_text(&compose(rb, &FillContext::default(), &[], &opts));
        for name in PLACEHOLDERS {
            let placeholder = format!("{{{name}}}");
            assert!(
                !filled.contains(&placeholder),
                "{}: {placeholder} left",
                rb.id
            );
            assert!(
                !empty.contains(&placeholder),
                "{}: {placeholder} left",
                rb.id
            );
            assert!(
                !filled.contains('‹'),
                "{}: a marker with a full context",
                rb.id
            );
            if rb.body.contains(&placeholder) {
                assert!(
                    empty.contains(&format!("‹{name}?›")),
                    "{}: {name} not marked",
                    rb.id
                );
            }
        }
    }
}

#[test]
fn gateway_notes_follow_the_preset() {
    let catalog = catalog();
    let rb = catalog.get("504").expect("504 shipped");
    let text = |preset: Option<&str>, all: bool| {
        to_plain_text(&compose(
            rb,
            &FillContext::default(),
            &[],
            &ViewOptions {
                preset,
                all_gateway_notes: all,
            },
        ))
    };
    let haproxy = text(Some("haproxy"), false);
    assert!(haproxy.contains("On HAProxy") && haproxy.contains("timeout server"));
    assert!(
        !haproxy.contains("proxy_read_timeout"),
        "only the preset's note"
    );
    let vts = text(Some("nginx-vts"), false);
    assert!(vts.contains("On nginx") && vts.contains("proxy_read_timeout"));
    let aws = text(Some("aws"), false);
    assert!(aws.contains("29 s") && aws.contains("INTEGRATION_TIMEOUT"));
    let unknown = text(None, false);
    assert!(unknown.contains("Gateway notes") && unknown.contains("HAProxy:"));
    let both = text(Some("kong"), true);
    assert!(both.contains("On Kong") && both.contains("Other gateways"));
}
