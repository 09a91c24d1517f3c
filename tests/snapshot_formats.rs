//! `gatewatch snapshot` of a finished nginx log: exact counts in JSON, the same numbers in the
//! text and Markdown forms, and no secret from the log's query strings in any of them.

mod cli_support;

fn shared() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("GATEWATCH_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared").into());
    if dir.join("fixtures").is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: shared fixtures not found at {}", dir.display());
        None
    }
}

fn snapshot(log: &std::path::Path, format: &str) -> String {
    let args = [
        "snapshot",
        "--from-start",
        "--wait",
        "0s",
        "--format",
        format,
        "--log",
    ];
    let mut args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    args.push(log.into());
    String::from_utf8(cli_support::run_ok(args)).unwrap()
}

#[test]
fn nginx_log_snapshot_counts_exactly_in_every_format() {
    let Some(shared) = shared() else { return };
    let log = shared.join("fixtures/nginx-1.22/access-combined.log");
    let doc: serde_json::Value = serde_json::from_str(&snapshot(&log, "json")).unwrap();
    // The fixture README's exact status counts, summed over routes.
    let want = [
        (200, 115),
        (201, 20),
        (401, 15),
        (403, 5),
        (404, 15),
        (413, 5),
        (429, 25),
        (500, 5),
        (502, 10),
        (504, 5),
    ];
    let mut got = std::collections::BTreeMap::new();
    for r in doc["routes"].as_array().unwrap() {
        for (code, n) in r["by_status"].as_object().unwrap() {
            *got.entry(code.parse::<u16>().unwrap()).or_insert(0u64) += n.as_u64().unwrap();
        }
    }
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        want.map(|(c, n)| (c, n as u64)).to_vec()
    );
    assert_eq!(doc["totals"]["requests"], 220);
    assert_eq!(doc["totals"]["by_class"]["5xx"], 20);
    let inventory = doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == "/v1/inventory" && r["method"] == "GET")
        .expect("GET /v1/inventory");
    assert_eq!(inventory["ratio_5xx"], 1.0);

    let text = snapshot(&log, "text");
    assert!(text.contains("total 220 requests"), "{text}");
    assert!(
        text.contains("2xx 135") && text.contains("5xx 20"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("GET /v1/inventory") && l.contains("10/10")),
        "{text}"
    );
    let md = snapshot(&log, "markdown");
    assert!(md.contains("**220 requests**"), "{md}");
    assert!(md.contains("| `GET /v1/inventory` |"), "{md}");
    for out in [&text, &md] {
        assert!(
            !out.contains("api_key="),
            "query strings never reach an output"
        );
    }
}
