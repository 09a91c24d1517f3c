//! The demo end to end through the headless snapshot: the schema, and live numbers.

mod cli_support;

use serde_json::Value;

fn snapshot_demo(wait: &str) -> Value {
    let out = cli_support::run_ok(["snapshot", "--demo", "--wait", wait, "--format", "json"]);
    serde_json::from_slice(&out).expect("snapshot is JSON")
}

fn assert_schema(doc: &Value) {
    assert!(doc["generated_at"]
        .as_str()
        .is_some_and(|s| s.ends_with('Z') && s.contains('T')));
    assert!(doc["window_seconds"].as_f64().is_some());
    for s in doc["sources"].as_array().expect("sources") {
        for key in ["id", "kind", "target", "state"] {
            assert!(s[key].is_string(), "source.{key}: {s}");
        }
        assert!(["scrape", "promql", "log", "check"].contains(&s["kind"].as_str().unwrap()));
        assert!(s["healthy"].is_boolean());
        assert!(s["last_error"].is_null() || s["last_error"].is_string());
    }
    let t = &doc["totals"];
    assert!(t["requests"].is_u64() && t["by_class"].is_object());
    assert!(t["rate_per_s"].is_null() || t["rate_per_s"].is_f64());
    for r in doc["routes"].as_array().expect("routes") {
        assert!(r["route"].is_string() && r["source"].is_string(), "{r}");
        assert!(r["method"].is_null() || r["method"].is_string());
        assert!(r["requests"].is_u64());
        let by_status = r["by_status"].as_object().expect("by_status");
        let sum: u64 = by_status.values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(
            sum,
            r["requests"].as_u64().unwrap(),
            "by_status adds up: {r}"
        );
        for k in ["ratio_4xx", "ratio_5xx", "ratio_429"] {
            assert!(
                r[k].is_null() || (0.0..=1.0).contains(&r[k].as_f64().unwrap()),
                "{k}: {r}"
            );
        }
        for p in ["p50", "p95", "p99"] {
            let v = &r["latency_ms"][p];
            assert!(v.is_null() || v.as_f64().unwrap() >= 0.0);
        }
        assert!(
            ["exact", "class_only", "totals_only"].contains(&r["status_detail"].as_str().unwrap())
        );
    }
}

#[test]
fn demo_snapshot_has_live_routes_and_an_incident() {
    // The demo's first incident starts 8 s in; 12 s of collection sees it.
    let doc = snapshot_demo("12s");
    assert_schema(&doc);
    assert!(doc["demo"].is_string());
    let sources = doc["sources"].as_array().unwrap();
    assert!(sources.iter().all(|s| s["healthy"] == true), "{sources:?}");
    let routes = doc["routes"].as_array().unwrap();
    let log_routes: Vec<&Value> = routes
        .iter()
        .filter(|r| r["source"] == "log:demo")
        .collect();
    let metric_routes: Vec<&Value> = routes
        .iter()
        .filter(|r| r["source"] == "scrape:demo")
        .collect();
    assert!(log_routes.len() >= 8, "{} log routes", log_routes.len());
    assert!(
        metric_routes.len() >= 8,
        "{} metric routes",
        metric_routes.len()
    );
    assert!(routes
        .iter()
        .filter(|r| r["requests"].as_u64().unwrap() > 0)
        .all(|r| r["rate_per_s"].as_f64().unwrap() > 0.0));
    assert!(
        doc["totals"]["rate_per_s"].as_f64().unwrap() > 50.0,
        "{}",
        doc["totals"]
    );
    // The loop opens with a 502 storm: its route stands out from the noise in both sources.
    for rs in [&log_routes, &metric_routes] {
        let worst = rs
            .iter()
            .filter(|r| r["requests"].as_u64().unwrap() >= 20)
            .map(|r| r["ratio_5xx"].as_f64().unwrap_or(0.0))
            .fold(0.0f64, f64::max);
        assert!(worst > 0.05, "an incident route has 5xx: {worst}");
    }
    // The demo's log tells who answered: the storm's 502s are the gateway's own, the healthy
    // routes' answers the upstream's, and every log line is attributed.
    let log_source = sources.iter().find(|s| s["id"] == "log:demo").unwrap();
    assert_eq!(log_source["detected"], "nginx", "{log_source}");
    let responder = |r: &Value, who: &str| r["by_responder"][who].as_u64().unwrap_or(0);
    let storm = log_routes
        .iter()
        .max_by_key(|r| r["by_status"]["502"].as_u64().unwrap_or(0))
        .unwrap();
    let storm_502 = storm["by_status"]["502"].as_u64().unwrap_or(0);
    assert!(
        storm_502 > 0 && responder(storm, "gateway") >= storm_502,
        "{storm}"
    );
    assert!(log_routes.iter().all(|r| responder(r, "unknown") == 0));
    assert!(log_routes.iter().any(|r| responder(r, "upstream") > 0));
}
