//! Counter semantics end to end (exposition text → MetricsMapper → per-route increases), on
//! constructed scrapes with exact expected numbers.

#[path = "gateways/support.rs"]
mod support;

use gatewatch::model::status::{Responder, Status, StatusClass};
use gatewatch::model::traffic::StatusDetail;
use gatewatch::parse::presets::{GenericMapping, MetricsMapper, PresetChoice, PresetOptions};
use support::*;

fn kong(lines: &[(&str, &str, &str, u64)]) -> String {
    let mut s = String::from("# TYPE kong_http_requests_total counter\n");
    for (route, code, source, v) in lines {
        s.push_str(&format!(
            "kong_http_requests_total{{service=\"svc\",route=\"{route}\",code=\"{code}\",source=\"{source}\",workspace=\"default\",consumer=\"\"}} {v}\n"
        ));
    }
    s
}

#[test]
fn increases_resets_and_late_series_sum_after_per_series_increases() {
    let mut m = mapper("kong", PresetOptions::default());
    let first = ingest(
        &mut m,
        &kong(&[
            ("orders", "200", "service", 100),
            ("orders", "500", "service", 7),
        ]),
        0,
    );
    assert!(first.batch.deltas.is_empty());
    assert_eq!(first.batch.covers, None);
    assert!(first.notes.iter().any(|n| n.contains("baseline")));

    // 200 grows by 40; the 500 series reset (7 → 2: 2 new); a 429 series is born with 5.
    let second = ingest(
        &mut m,
        &kong(&[
            ("orders", "200", "service", 140),
            ("orders", "500", "service", 2),
            ("orders", "429", "kong", 5),
        ]),
        10_000,
    );
    let d = delta(&second.batch, "orders");
    assert_eq!(by_status(d), counts(&[("200", 40), ("429", 5), ("500", 2)]));
    assert_eq!(count_of(d, Status::Code(429), Responder::Gateway), 5);
    assert_eq!(count_of(d, Status::Code(200), Responder::Upstream), 40);
    assert_eq!(
        second.batch.covers.map(|(a, b)| (a.0, b.0)),
        Some((0, 10_000))
    );
    let sat = d.saturation.as_ref().expect("429 share by gateway");
    assert!((sat.value - 5.0 / 47.0).abs() < 1e-12);
    assert_eq!(&*sat.signal, "429 share (gateway)");

    // Nothing moved: the route is still reported, with zero requests.
    let third = ingest(
        &mut m,
        &kong(&[
            ("orders", "200", "service", 140),
            ("orders", "500", "service", 2),
            ("orders", "429", "kong", 5),
        ]),
        20_000,
    );
    assert_eq!(delta(&third.batch, "orders").requests(), 0);
}

#[test]
fn a_failed_scrape_is_a_gap_not_a_zero() {
    let mut m = mapper("kong", PresetOptions::default());
    ingest(&mut m, &kong(&[("a", "200", "service", 10)]), 0);
    ingest(&mut m, &kong(&[("a", "200", "service", 15)]), 10_000);
    // The scrape at 20 s failed (never ingested). The next covers 10 s → 30 s.
    let out = ingest(&mut m, &kong(&[("a", "200", "service", 45)]), 30_000);
    assert_eq!(delta(&out.batch, "a").requests(), 30);
    assert_eq!(
        out.batch.covers.map(|(a, b)| (a.0, b.0)),
        Some((10_000, 30_000))
    );
    // An oversized body fails the scrape and changes no state either.
    let tiny = gatewatch::parse::exposition::ParseOptions {
        max_bytes: 10,
        ..Default::default()
    };
    let big = kong(&[("a", "200", "service", 1_000)]);
    assert!(m
        .ingest(
            big.as_bytes(),
            gatewatch::model::time::Timestamp(40_000),
            &tiny
        )
        .is_err());
    let out = ingest(&mut m, &kong(&[("a", "200", "service", 50)]), 50_000);
    assert_eq!(delta(&out.batch, "a").requests(), 5);
    assert_eq!(
        out.batch.covers.map(|(a, b)| (a.0, b.0)),
        Some((30_000, 50_000))
    );
}

fn om_counter(value: u64, created: f64) -> String {
    format!(
        "# TYPE app_requests counter\napp_requests_total{{route=\"r\",code=\"200\"}} {value}\napp_requests_created{{route=\"r\",code=\"200\"}} {created}\n# EOF\n"
    )
}

fn generic() -> MetricsMapper {
    let mapping: GenericMapping = toml::from_str(
        "requests = \"app_requests_total\"\nroute_labels = [\"route\"]\nstatus_label = \"code\"",
    )
    .unwrap();
    MetricsMapper::new(PresetChoice::Named("generic"), Some(mapping)).unwrap()
}

#[test]
fn openmetrics_created_marks_resets_and_births() {
    let mut m = generic();
    ingest(&mut m, &om_counter(50, 100.0), 200_000);
    // The value grew (50 → 60) but _created moved: the counter restarted; 60 is all new.
    let out = ingest(&mut m, &om_counter(60, 250.0), 300_000);
    assert_eq!(delta(&out.batch, "r").requests(), 60);
    // Same _created: plain increase.
    let out = ingest(&mut m, &om_counter(64, 250.0), 310_000);
    assert_eq!(delta(&out.batch, "r").requests(), 4);
}

#[test]
fn a_new_series_created_before_the_previous_scrape_counts_nothing_yet() {
    let mut m = generic();
    let body = |extra: &str| {
        format!("# TYPE app_requests counter\napp_requests_total{{route=\"r\",code=\"200\"}} 1\napp_requests_created{{route=\"r\",code=\"200\"}} 1\n{extra}# EOF\n")
    };
    ingest(&mut m, &body(""), 10_000);
    // A 500 series shows up, created at t=5 s (before our scrape at 10 s): its 9 requests
    // were partly before the interval; it counts from the next scrape on.
    let late = "app_requests_total{route=\"r\",code=\"500\"} 9\napp_requests_created{route=\"r\",code=\"500\"} 5\n";
    let out = ingest(&mut m, &body(late), 20_000);
    assert_eq!(delta(&out.batch, "r").requests(), 0);
    let born = "app_requests_total{route=\"r\",code=\"500\"} 9\napp_requests_created{route=\"r\",code=\"500\"} 5\napp_requests_total{route=\"r\",code=\"502\"} 3\napp_requests_created{route=\"r\",code=\"502\"} 25\n";
    let out = ingest(&mut m, &body(born), 30_000);
    assert_eq!(by_status(delta(&out.batch, "r")), counts(&[("502", 3)]));
}

#[test]
fn class_only_statuses_stay_classes() {
    let body = |ok: u64, err: u64| {
        format!(
            "haproxy_backend_http_responses_total{{proxy=\"be_a\",code=\"2xx\"}} {ok}\nhaproxy_backend_http_responses_total{{proxy=\"be_a\",code=\"5xx\"}} {err}\nhaproxy_backend_http_responses_total{{proxy=\"be_a\",code=\"other\"}} 0\nhaproxy_backend_active_servers{{proxy=\"be_a\"}} 1\n"
        )
    };
    let mut m = mapper("haproxy", PresetOptions::default());
    ingest(&mut m, &body(10, 1), 0);
    let out = ingest(&mut m, &body(25, 4), 5_000);
    assert_eq!(out.batch.status_detail, StatusDetail::ClassOnly);
    let d = delta(&out.batch, "be_a");
    assert_eq!(
        count_of(d, Status::Class(StatusClass::Success), Responder::Unknown),
        15
    );
    assert_eq!(
        count_of(
            d,
            Status::Class(StatusClass::ServerError),
            Responder::Unknown
        ),
        3
    );
    assert!(
        d.statuses.iter().all(|s| s.status.code().is_none()),
        "no invented codes"
    );
    assert_eq!(d.saturation, None, "no 429 share from classes");
}

fn caddy(ok: u64, not_found: u64, total: u64, errors: u64) -> String {
    format!(
        "# TYPE caddy_http_request_duration_seconds histogram\n\
caddy_http_request_duration_seconds_bucket{{code=\"200\",handler=\"subroute\",method=\"GET\",server=\"srv0\",le=\"0.05\"}} {ok}\n\
caddy_http_request_duration_seconds_bucket{{code=\"200\",handler=\"subroute\",method=\"GET\",server=\"srv0\",le=\"+Inf\"}} {ok}\n\
caddy_http_request_duration_seconds_sum{{code=\"200\",handler=\"subroute\",method=\"GET\",server=\"srv0\"}} 1\n\
caddy_http_request_duration_seconds_count{{code=\"200\",handler=\"subroute\",method=\"GET\",server=\"srv0\"}} {ok}\n\
caddy_http_request_duration_seconds_bucket{{code=\"404\",handler=\"subroute\",method=\"GET\",server=\"srv0\",le=\"0.05\"}} {not_found}\n\
caddy_http_request_duration_seconds_bucket{{code=\"404\",handler=\"subroute\",method=\"GET\",server=\"srv0\",le=\"+Inf\"}} {not_found}\n\
caddy_http_request_duration_seconds_count{{code=\"404\",handler=\"subroute\",method=\"GET\",server=\"srv0\"}} {not_found}\n\
# TYPE caddy_http_requests_total counter\n\
caddy_http_requests_total{{handler=\"subroute\",server=\"srv0\"}} {total}\n\
# TYPE caddy_http_request_errors_total counter\n\
caddy_http_request_errors_total{{handler=\"subroute\",server=\"srv0\"}} {errors}\n"
    )
}

#[test]
fn caddy_handler_errors_become_unknown_5xx_bounded_by_the_error_counter() {
    let mut m = mapper("caddy", PresetOptions::default());
    ingest(&mut m, &caddy(10, 1, 12, 1), 0);
    // +20 200s, +2 404s, +25 requests, +3 handler errors: 25 − 22 = 3 unknown 5xx.
    let out = ingest(&mut m, &caddy(30, 3, 37, 4), 15_000);
    let gw = &out.batch.deltas[0];
    assert_eq!(
        by_status(gw),
        counts(&[("200", 20), ("404", 2), ("5xx", 3)])
    );
    assert_eq!(
        count_of(
            gw,
            Status::Class(StatusClass::ServerError),
            Responder::Gateway
        ),
        3
    );
    assert_eq!(gw.latency.as_ref().map(|h| h.total()), Some(22));
    // A request counted in requests_total whose histogram observation is not in yet (a racing
    // scrape) is not an error: errors did not move, so nothing is invented.
    let out = ingest(&mut m, &caddy(30, 3, 38, 4), 30_000);
    assert_eq!(by_status(&out.batch.deltas[0]), counts(&[]));
}

#[test]
fn latency_histogram_increases_per_le_in_milliseconds() {
    let body = |fast: u64, slow: u64| {
        format!(
            "# TYPE traefik_service_request_duration_seconds histogram\n\
traefik_service_request_duration_seconds_bucket{{service=\"api@file\",code=\"200\",method=\"GET\",protocol=\"http\",le=\"0.1\"}} {fast}\n\
traefik_service_request_duration_seconds_bucket{{service=\"api@file\",code=\"200\",method=\"GET\",protocol=\"http\",le=\"0.3\"}} {fast}\n\
traefik_service_request_duration_seconds_bucket{{service=\"api@file\",code=\"200\",method=\"GET\",protocol=\"http\",le=\"+Inf\"}} {}\n\
# TYPE traefik_service_requests_total counter\n\
traefik_service_requests_total{{service=\"api@file\",code=\"200\",method=\"GET\",protocol=\"http\"}} {}\n",
            fast + slow,
            fast + slow
        )
    };
    let mut m = mapper("traefik", PresetOptions::default());
    ingest(&mut m, &body(5, 0), 0);
    let out = ingest(&mut m, &body(95, 10), 10_000);
    let d = delta(&out.batch, "api@file");
    assert_eq!(d.requests(), 100);
    let h = d.latency.as_ref().unwrap();
    assert_eq!(h.layout().upper_ms, vec![100.0, 300.0, f64::INFINITY]);
    assert_eq!(h.total(), 100);
    // p50 inside the first bucket: rank 50 of 90 → 100 ms × 50/90.
    assert!((h.quantile(0.5).unwrap() - 100.0 * 50.0 / 90.0).abs() < 1e-9);
    // p95 lands in +Inf → the last finite bound, as histogram_quantile answers.
    assert_eq!(h.quantile(0.95), Some(300.0));
    // A second scrape shares the same layout Arc, so the store's merges are cheap.
    let out2 = ingest(&mut m, &body(100, 10), 20_000);
    let h2 = delta(&out2.batch, "api@file").latency.clone().unwrap();
    assert!(std::sync::Arc::ptr_eq(h.layout(), h2.layout()));
}

#[test]
fn several_instances_of_one_gateway_aggregate_per_route() {
    let body = |a: u64, b: u64| {
        format!(
            "apisix_http_status{{code=\"200\",route=\"orders\",matched_uri=\"/v1/orders\",matched_host=\"\",service=\"\",consumer=\"\",node=\"10.0.0.1\"}} {a}\n\
apisix_http_status{{code=\"200\",route=\"orders\",matched_uri=\"/v1/orders\",matched_host=\"\",service=\"\",consumer=\"\",node=\"10.0.0.2\"}} {b}\n"
        )
    };
    let mut m = mapper("apisix", PresetOptions::default());
    ingest(&mut m, &body(100, 100), 0);
    // Node 2's counter reset (restart): 100 → 4. Sum of increases: 10 + 4, never 10 − 96.
    let out = ingest(&mut m, &body(110, 4), 10_000);
    assert_eq!(delta(&out.batch, "orders").requests(), 14);
}

#[test]
fn configured_limit_gives_saturation_from_the_observed_rate() {
    let mut options = PresetOptions::default();
    options.rate_limits_rps.insert("be_a".into(), 4.0);
    let body = |n: u64| {
        format!("haproxy_backend_http_responses_total{{proxy=\"be_a\",code=\"2xx\"}} {n}\n")
    };
    let mut m = mapper("haproxy", options);
    ingest(&mut m, &body(0), 0);
    let out = ingest(&mut m, &body(30), 10_000);
    let s = delta(&out.batch, "be_a").saturation.clone().unwrap();
    assert!((s.value - 0.75).abs() < 1e-12, "3 rps of 4");
    assert!(s.signal.contains("configured limit"));
}

#[test]
fn label_order_changes_do_not_make_a_new_series() {
    let mut m = mapper("kong", PresetOptions::default());
    let a = |v: u64| {
        format!("kong_http_requests_total{{route=\"r\",code=\"200\",source=\"service\"}} {v}\n")
    };
    let b = |v: u64| {
        format!("kong_http_requests_total{{source=\"service\",code=\"200\",route=\"r\"}} {v}\n")
    };
    ingest(&mut m, &a(10), 0);
    assert_eq!(
        delta(&ingest(&mut m, &b(15), 1_000).batch, "r").requests(),
        5
    );
    assert_eq!(
        delta(&ingest(&mut m, &b(17), 2_000).batch, "r").requests(),
        2
    );
    assert_eq!(
        delta(&ingest(&mut m, &a(20), 3_000).batch, "r").requests(),
        3
    );
    assert_eq!(m.tracked_series(), 1);
}
