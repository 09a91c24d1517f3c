//! A gateway of three instances in the detail pane, the header and the snapshot: exact
//! numbers from `gateway_store` (each instance 20/s on `orders`; the second answers 502s from
//! 45 s on, the third stopped answering after 30 s).

use crate::store::fixture::{gateway_store, EDGE};
use crate::store::ranking::ranked_rows;
use crate::store::source_state::Health;

#[test]
fn the_detail_pane_breaks_the_sum_down_per_instance() {
    let (s, now) = gateway_store();
    let rows = ranked_rows(&s, now);
    let d = super::detail::build(&s, &rows[0], now);
    assert_eq!(d.title, "orders");
    assert_eq!(d.sources.len(), 1);
    let g = &d.sources[0];
    assert_eq!(g.source, "gateway:edge · 2/3 up");
    assert_eq!(g.tag, "G");
    assert_eq!((g.rate.as_str(), g.window_requests), ("60/s", 3000));
    let got: Vec<(&str, Health, &str, u64, &str)> = g
        .instances
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.health,
                i.rate.as_str(),
                i.window_requests,
                i.r5xx.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("10.0.0.1:8405", Health::Healthy, "20/s", 1200, "0"),
            ("10.0.0.2:8405", Health::Healthy, "20/s", 1200, "25.0%"),
            ("10.0.0.3:8405", Health::Failing, "20/s", 600, "0"),
        ]
    );
    assert_eq!(
        g.instances[2].note.as_deref(),
        Some("failing: connect failed: Connection refused (os error 111)")
    );
    assert_eq!(g.instances[0].note, None);
    assert_eq!(
        g.instance_disagreement.as_deref(),
        Some("instances disagree: 5xx 10.0.0.2:8405 25.0% vs 10.0.0.1:8405 0.0%")
    );
    // The slow instance's p99 stands out: its requests took 800 ms, the others' 12 ms.
    let p99 = |i: usize| g.instances[i].p99.clone().unwrap();
    assert_ne!(p99(1), p99(0));
    let feed = s
        .feed(&crate::model::source::SourceId::new("gateway:edge"))
        .unwrap();
    let slow = feed.instances(&s, &rows[0].key, now)[1]
        .stats
        .as_ref()
        .and_then(|w| w.latency.as_ref()?.quantile(0.99))
        .unwrap();
    assert!((slow - 800.0).abs() / 800.0 < 0.05, "{slow}");
    // 300 of 3000 summed: 10% 5xx for the gateway.
    assert!(g
        .statuses
        .iter()
        .any(|c| c.label == "502" && c.count == 300));
}

#[test]
fn the_header_headlines_the_gateway_and_says_how_many_are_up() {
    let (s, now) = gateway_store();
    let h = super::header::build(&s, now);
    assert_eq!(h.headline_source.as_deref(), Some("gateway:edge"));
    assert_eq!(h.requests, 4500);
    assert_eq!(h.rate, "90/s");
    assert_eq!(h.sources.len(), 1);
    let b = &h.sources[0];
    assert_eq!(b.instances.map(|i| (i.up, i.total)), Some((2, 3)));
    assert_eq!(b.health, Health::Healthy);
    assert_eq!(
        b.detail.as_deref(),
        Some("scrape:10.0.0.3:8405: connect failed: Connection refused (os error 111)")
    );
}

#[test]
fn the_snapshot_sums_routes_and_keeps_each_instance() {
    let (s, now) = gateway_store();
    let snap = super::snapshot::build(&s, now);
    let v = serde_json::to_value(&snap).unwrap();
    assert_eq!(v["totals"]["source"], "gateway:edge");
    assert_eq!(v["totals"]["requests"], 4500);
    assert_eq!(v["totals"]["rate_per_s"], 90.0);
    assert_eq!(v["gateways"][0]["id"], "gateway:edge");
    assert_eq!(
        (
            v["gateways"][0]["up"].as_u64(),
            v["gateways"][0]["total"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(v["sources"][1]["gateway"], "gateway:edge");
    let routes = v["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 2, "one entry per route, not per instance");
    let o = &routes[0];
    assert_eq!(
        (o["route"].as_str(), o["source"].as_str()),
        (Some("orders"), Some("gateway:edge"))
    );
    assert_eq!(o["requests"], 3000);
    assert_eq!(o["rate_per_s"], 60.0);
    assert_eq!(o["ratio_5xx"], 0.1);
    assert_eq!(o["by_status"]["502"], 300);
    let inst = o["instances"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, f64, f64)> = inst
        .iter()
        .map(|i| {
            (
                i["source"].as_str().unwrap(),
                i["state"].as_str().unwrap(),
                i["requests"].as_u64().unwrap(),
                i["rate_per_s"].as_f64().unwrap(),
                i["ratio_5xx"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (EDGE[0], "ok", 1200, 20.0, 0.0),
            (EDGE[1], "ok", 1200, 20.0, 0.25),
            (EDGE[2], "failing", 600, 20.0, 0.0),
        ]
    );
    let text = super::snapshot_text::text(&snap);
    assert!(text.contains("gateway:edge"), "{text}");
    assert!(text.contains("  └ scrape:10.0.0.2:8405"), "{text}");
}

#[test]
fn lone_sources_have_no_instances_in_the_snapshot() {
    let (s, now) = crate::store::fixture::incident_store();
    let v = serde_json::to_value(super::snapshot::build(&s, now)).unwrap();
    assert!(v.get("gateways").is_none());
    assert!(v["sources"][0].get("gateway").is_none());
    assert!(v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("instances").is_none()));
}

#[test]
fn the_runbook_evidence_is_the_gateways_sum() {
    let (s, now) = gateway_store();
    let rows = ranked_rows(&s, now);
    let status = crate::model::status::Status::Code(502);
    let input = super::runbook::evidence_input(&s, &rows[0], status, now);
    assert_eq!(input.requests, Some(3000));
    let n502: u64 = input
        .by_status
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.count)
        .sum();
    assert_eq!(n502, 300);
    assert_eq!(input.preset.as_deref(), Some("haproxy"));
    // The slow 502s of the second instance dominate the summed p99.
    assert!(input.latency_p99_ms.is_some_and(|p| p > 700.0), "{input:?}");
}
