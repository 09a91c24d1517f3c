//! Each preset on constructed expositions that follow what the gateway exports
//! (shared/reference/gateways.md): two scrapes, exact per-route, per-status increases.

#[path = "gateways/support.rs"]
mod support;

use gatewatch::model::status::{Responder, Status};
use gatewatch::model::traffic::StatusDetail;
use gatewatch::parse::exposition::ParseOptions;
use gatewatch::parse::presets::{MetricsMapper, PresetChoice, PresetOptions, ScrapeError};
use support::*;

/// Two scrapes of `preset`: the body template with `{n}` replaced by `before`, then `after`.
fn two_scrapes(
    preset: &str,
    template: &str,
    before: u64,
    after: u64,
) -> gatewatch::parse::presets::ScrapeOutcome {
    let mut m = mapper(preset, PresetOptions::default());
    ingest(&mut m, &template.replace("{n}", &before.to_string()), 0);
    ingest(&mut m, &template.replace("{n}", &after.to_string()), 10_000)
}

#[test]
fn envoy_clusters_exact_codes_and_rate_limit_counters() {
    let t = "# TYPE envoy_cluster_upstream_rq counter\n\
envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"orders\"} {n}\n\
envoy_cluster_upstream_rq{envoy_response_code=\"503\",envoy_cluster_name=\"orders\"} 3\n\
# TYPE envoy_cluster_upstream_rq_xx counter\n\
envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"2\",envoy_cluster_name=\"orders\"} {n}\n\
# TYPE envoy_cluster_ratelimit_over_limit counter\n\
envoy_cluster_ratelimit_over_limit{envoy_cluster_name=\"orders\"} {n}\n\
# TYPE envoy_cluster_upstream_rq_time histogram\n\
envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"orders\",le=\"5\"} {n}\n\
envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"orders\",le=\"+Inf\"} {n}\n\
envoy_cluster_upstream_rq_time_sum{envoy_cluster_name=\"orders\"} 1\n\
envoy_cluster_upstream_rq_time_count{envoy_cluster_name=\"orders\"} {n}\n\
# TYPE envoy_http_local_rate_limit_rate_limited counter\n\
envoy_http_local_rate_limit_rate_limited{envoy_local_http_ratelimit_prefix=\"edge_rl\"} {n}\n\
# TYPE envoy_http_local_rate_limit_ok counter\n\
envoy_http_local_rate_limit_ok{envoy_local_http_ratelimit_prefix=\"edge_rl\"} 30\n\
# TYPE envoy_legacy_rl_http_local_rate_limit_rate_limited counter\n\
envoy_legacy_rl_http_local_rate_limit_rate_limited {n}\n";
    let out = two_scrapes("envoy", t, 10, 20);
    let orders = delta(&out.batch, "orders");
    // 10 upstream 200s (the _xx family is not counted again) and 10 gateway 429s.
    assert_eq!(by_status(orders), counts(&[("200", 10), ("429", 10)]));
    assert_eq!(count_of(orders, Status::Code(429), Responder::Gateway), 10);
    let sat = orders.saturation.as_ref().unwrap();
    assert!((sat.value - 0.5).abs() < 1e-12);
    assert_eq!(
        orders.latency.as_ref().unwrap().layout().upper_ms,
        vec![5.0, f64::INFINITY]
    );
    // Local rate limit: 10 limited, ok unchanged → 10 ÷ (10 + 0).
    let rl = delta(&out.batch, "edge_rl");
    assert_eq!(by_status(rl), counts(&[("429", 10)]));
    assert_eq!(rl.saturation.as_ref().unwrap().value, 1.0);
    // Older Envoy folds the stat prefix into the name.
    assert_eq!(
        by_status(delta(&out.batch, "legacy_rl")),
        counts(&[("429", 10)])
    );
}

#[test]
fn kong_2x_names_without_source() {
    let t = "# TYPE kong_http_status counter\n\
kong_http_status{service=\"users\",route=\"users-get\",code=\"200\"} {n}\n\
kong_http_status{service=\"users\",route=\"\",code=\"404\"} {n}\n\
# TYPE kong_latency histogram\n\
kong_latency_bucket{type=\"request\",service=\"users\",route=\"users-get\",le=\"25\"} {n}\n\
kong_latency_bucket{type=\"request\",service=\"users\",route=\"users-get\",le=\"+Inf\"} {n}\n\
kong_latency_bucket{type=\"upstream\",service=\"users\",route=\"users-get\",le=\"25\"} 999\n\
kong_latency_bucket{type=\"upstream\",service=\"users\",route=\"users-get\",le=\"+Inf\"} 999\n";
    let out = two_scrapes("kong", t, 1, 6);
    let get = delta(&out.batch, "users-get");
    assert_eq!(by_status(get), counts(&[("200", 5)]));
    assert_eq!(get.statuses[0].responder, Responder::Unknown);
    assert_eq!(
        get.latency.as_ref().unwrap().total(),
        5,
        "type=request only"
    );
    // No route name: the service.
    assert_eq!(by_status(delta(&out.batch, "users")), counts(&[("404", 5)]));
}

#[test]
fn traefik_reads_only_the_most_detailed_level() {
    let t = "traefik_router_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",router=\"orders@file\",service=\"orders@file\"} {n}\n\
traefik_router_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",router=\"orders@file\",service=\"orders@file\"} 4\n\
traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"orders@file\"} {n}\n\
traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} {n}\n";
    let out = two_scrapes("traefik", t, 10, 25);
    assert_eq!(routes(&out.batch), vec!["orders@file".to_string()]);
    assert_eq!(
        by_status(delta(&out.batch, "orders@file")),
        counts(&[("200", 15)])
    );
    // Without router labels: the service level.
    let svc_only: String = t
        .lines()
        .filter(|l| !l.starts_with("traefik_router"))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = two_scrapes("traefik", &svc_only, 10, 25);
    assert_eq!(routes(&out.batch), vec!["orders@file".to_string()]);
    assert_eq!(delta(&out.batch, "orders@file").requests(), 15);
}

#[test]
fn apisix_response_source_and_latency_type() {
    let t = "apisix_http_status{code=\"200\",route=\"1\",matched_uri=\"/v1/*\",matched_host=\"\",service=\"\",consumer=\"\",node=\"10.0.0.5\",response_source=\"upstream\"} {n}\n\
apisix_http_status{code=\"503\",route=\"1\",matched_uri=\"/v1/*\",matched_host=\"\",service=\"\",consumer=\"\",node=\"\",response_source=\"apisix\"} {n}\n\
apisix_http_status{code=\"404\",route=\"\",matched_uri=\"\",matched_host=\"\",service=\"\",consumer=\"\",node=\"\"} {n}\n\
apisix_http_latency_bucket{type=\"request\",route=\"1\",service=\"\",consumer=\"\",node=\"10.0.0.5\",le=\"100\"} {n}\n\
apisix_http_latency_bucket{type=\"request\",route=\"1\",service=\"\",consumer=\"\",node=\"10.0.0.5\",le=\"+Inf\"} {n}\n\
apisix_http_latency_bucket{type=\"upstream\",route=\"1\",service=\"\",consumer=\"\",node=\"10.0.0.5\",le=\"100\"} {n}\n";
    let out = two_scrapes("apisix", t, 2, 4);
    let r = delta(&out.batch, "1");
    assert_eq!(count_of(r, Status::Code(200), Responder::Upstream), 2);
    assert_eq!(count_of(r, Status::Code(503), Responder::Gateway), 2);
    assert_eq!(r.latency.as_ref().unwrap().total(), 2);
    assert!((r.saturation.as_ref().unwrap().value - 0.5).abs() < 1e-12);
    assert_eq!(
        by_status(delta(&out.batch, "(no route)")),
        counts(&[("404", 2)])
    );
}

#[test]
fn nginx_vts_prefers_exact_codes_and_skips_the_total_zone() {
    let classes = "nginx_vts_server_requests_total{host=\"api.example\",code=\"2xx\"} {n}\n\
nginx_vts_server_requests_total{host=\"api.example\",code=\"total\"} {n}\n\
nginx_vts_server_requests_total{host=\"*\",code=\"2xx\"} {n}\n\
nginx_vts_server_request_duration_seconds_bucket{host=\"api.example\",le=\"0.5\"} {n}\n\
nginx_vts_server_request_duration_seconds_bucket{host=\"api.example\",le=\"+Inf\"} {n}\n";
    let out = two_scrapes("nginx-vts", classes, 3, 10);
    assert_eq!(out.batch.status_detail, StatusDetail::ClassOnly);
    assert_eq!(routes(&out.batch), vec!["api.example".to_string()]);
    let d = delta(&out.batch, "api.example");
    assert_eq!(by_status(d), counts(&[("2xx", 7)]));
    assert_eq!(
        d.latency.as_ref().unwrap().layout().upper_ms,
        vec![500.0, f64::INFINITY]
    );
    let exact = format!("{classes}nginx_vts_status_code_requests_total{{host=\"api.example\",code=\"200\"}} {{n}}\n");
    let out = two_scrapes("nginx-vts", &exact, 3, 10);
    assert_eq!(out.batch.status_detail, StatusDetail::Exact);
    assert_eq!(
        by_status(delta(&out.batch, "api.example")),
        counts(&[("200", 7)])
    );
}

#[test]
fn tyk_per_path_routes_with_method() {
    let t = "tyk_http_status_per_path{code=\"200\",api=\"orders\",path=\"/v1/orders\",method=\"GET\"} {n}\n\
tyk_http_status_per_path{code=\"429\",api=\"orders\",path=\"/v1/orders\",method=\"GET\"} {n}\n\
tyk_http_status{code=\"200\",api=\"orders\"} {n}\n\
tyk_http_status{code=\"429\",api=\"orders\"} {n}\n";
    let out = two_scrapes("tyk", t, 0, 3);
    assert_eq!(out.batch.deltas.len(), 1);
    let d = &out.batch.deltas[0];
    assert_eq!(d.route.to_string(), "GET orders /v1/orders");
    assert_eq!(by_status(d), counts(&[("200", 3), ("429", 3)]));
    assert_eq!(d.saturation.as_ref().unwrap().value, 0.5);
}

#[test]
fn krakend_otel_histogram_counts_and_latency() {
    let t = "# TYPE http_server_duration_seconds histogram\n\
http_server_duration_seconds_bucket{http_request_method=\"GET\",http_route=\"/v1/users/{id}\",http_response_status_code=\"200\",url_scheme=\"http\",le=\"0.01\"} {n}\n\
http_server_duration_seconds_bucket{http_request_method=\"GET\",http_route=\"/v1/users/{id}\",http_response_status_code=\"200\",url_scheme=\"http\",le=\"+Inf\"} {n}\n\
http_server_duration_seconds_sum{http_request_method=\"GET\",http_route=\"/v1/users/{id}\",http_response_status_code=\"200\",url_scheme=\"http\"} 0.1\n\
http_server_duration_seconds_count{http_request_method=\"GET\",http_route=\"/v1/users/{id}\",http_response_status_code=\"200\",url_scheme=\"http\"} {n}\n\
# TYPE krakend_proxy_duration_seconds histogram\n";
    let mut m = MetricsMapper::new(PresetChoice::Auto, None).unwrap();
    ingest(&mut m, &t.replace("{n}", "4"), 0);
    assert_eq!(m.preset_name(), Some("krakend"));
    let out = ingest(&mut m, &t.replace("{n}", "9"), 10_000);
    let d = delta(&out.batch, "/v1/users/{id}");
    assert_eq!(by_status(d), counts(&[("200", 5)]));
    assert_eq!(
        d.latency.as_ref().unwrap().layout().upper_ms,
        vec![10.0, f64::INFINITY]
    );
}

#[test]
fn nginx_stub_status_subtracts_its_own_scrape() {
    let t = "# TYPE nginx_http_requests_total counter\nnginx_http_requests_total {n}\nnginx_up 1\n";
    let out = two_scrapes("nginx", t, 245, 266);
    assert_eq!(out.batch.status_detail, StatusDetail::TotalsOnly);
    assert_eq!(
        out.batch.deltas[0].requests(),
        20,
        "21 counted, one was the exporter's own fetch"
    );
    assert!(out.notes.iter().any(|n| n.contains("subtracted 1")));
    let mut options = PresetOptions::default();
    options.nginx.self_requests_per_scrape = 2;
    let mut m = mapper("nginx", options);
    ingest(&mut m, &t.replace("{n}", "10"), 0);
    let out = ingest(&mut m, &t.replace("{n}", "11"), 10_000);
    assert_eq!(out.batch.deltas[0].requests(), 0, "never below zero");
}

#[test]
fn generic_class_labels_and_gateway_only() {
    let mapping = toml::from_str(
        "requests = \"lb_responses_total\"\nstatus_label = \"class\"\nstatus = \"class\"",
    )
    .unwrap();
    let mut m = MetricsMapper::new(PresetChoice::Named("generic"), Some(mapping)).unwrap();
    let t = "lb_responses_total{class=\"5xx\",pod=\"a\"} {n}\nlb_responses_total{class=\"5xx\",pod=\"b\"} {n}\n";
    ingest(&mut m, &t.replace("{n}", "1"), 0);
    let out = ingest(&mut m, &t.replace("{n}", "3"), 1_000);
    assert!(out.batch.gateway_only);
    assert_eq!(out.batch.status_detail, StatusDetail::ClassOnly);
    assert_eq!(by_status(&out.batch.deltas[0]), counts(&[("5xx", 4)]));
}

#[test]
fn auto_says_when_nothing_matches_and_retries_next_scrape() {
    let mut m = MetricsMapper::new(PresetChoice::Auto, None).unwrap();
    let err = m
        .ingest(
            b"go_goroutines 5\n",
            gatewatch::model::time::Timestamp(0),
            &ParseOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(err, ScrapeError::NotRecognised { families: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("go_goroutines"));
    assert_eq!(m.preset_name(), None);
    let out = ingest(
        &mut m,
        "haproxy_backend_http_responses_total{proxy=\"b\",code=\"2xx\"} 1\n",
        1_000,
    );
    assert_eq!(m.preset_name(), Some("haproxy"));
    assert!(out.notes.iter().any(|n| n.contains("picked automatically")));
    assert!(MetricsMapper::new(PresetChoice::Named("nope"), None).is_err());
}

mod properties {
    use super::*;
    use gatewatch::parse::presets::PRESET_NAMES;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn no_preset_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            for name in PRESET_NAMES.iter().filter(|n| **n != "generic") {
                let mut m = mapper(name, PresetOptions::default());
                let _ = m.ingest(&body, gatewatch::model::time::Timestamp(0), &ParseOptions::default());
                let _ = m.ingest(&body, gatewatch::model::time::Timestamp(1), &ParseOptions::default());
            }
        }

        #[test]
        fn monotone_counters_sum_to_last_minus_first(
            steps in proptest::collection::vec((0u64..1000, 0usize..3), 2..12),
            route in "[a-z/{}=,\" ]{1,12}",
        ) {
            // One route, three status series growing by arbitrary steps: the increases over
            // all scrapes add up to exactly the growth, whatever the label value holds.
            let escaped = route.replace('\\', "\\\\").replace('"', "\\\"");
            let mut values = [0u64; 3];
            let mut m = mapper("kong", PresetOptions::default());
            let body = |v: &[u64; 3]| {
                (0..3)
                    .map(|i| format!("kong_http_requests_total{{route=\"{escaped}\",code=\"20{i}\",source=\"service\"}} {}\n", v[i]))
                    .collect::<String>()
            };
            ingest(&mut m, &body(&values), 0);
            let mut total = 0;
            for (k, (step, which)) in steps.iter().enumerate() {
                values[*which] += step;
                let out = ingest(&mut m, &body(&values), (k as i64 + 1) * 1000);
                total += out.batch.deltas.iter().map(|d| d.requests()).sum::<u64>();
            }
            prop_assert_eq!(total, steps.iter().map(|s| s.0).sum::<u64>());
        }
    }
}

#[test]
fn a_gateway_without_the_preset_families_says_so() {
    // Kong 3.x with status_code_metrics off exports only node-level families.
    let t = "kong_nginx_requests_total{node_id=\"n1\",subsystem=\"http\"} {n}\nkong_datastore_reachable 1\n";
    let mut m = MetricsMapper::new(PresetChoice::Auto, None).unwrap();
    let first = ingest(&mut m, &t.replace("{n}", "5"), 0);
    assert_eq!(m.preset_name(), Some("kong"));
    assert!(first
        .notes
        .iter()
        .any(|n| n.contains("none of the families the kong preset reads")));
    let out = ingest(&mut m, &t.replace("{n}", "9"), 10_000);
    assert!(out.batch.deltas.is_empty());
}

#[test]
fn traefik_router_429s_beyond_the_services_are_the_gateways() {
    // Router saw 10 new 429s, its service only 3 (the upstream's own): 7 are the RateLimit
    // middleware's. A second router shares service "shared@file", so it cannot be split.
    let t = "traefik_router_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",router=\"api@file\",service=\"api-svc@file\"} {n}\n\
traefik_router_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",router=\"api@file\",service=\"api-svc@file\"} {r}\n\
traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"api-svc@file\"} {n}\n\
traefik_service_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",service=\"api-svc@file\"} {s}\n\
traefik_router_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",router=\"a@file\",service=\"shared@file\"} {r}\n\
traefik_router_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",router=\"b@file\",service=\"shared@file\"} {r}\n\
traefik_service_requests_total{code=\"429\",method=\"GET\",protocol=\"http\",service=\"shared@file\"} {s}\n";
    let body = |n: u64, r: u64, s: u64| {
        t.replace("{n}", &n.to_string())
            .replace("{r}", &r.to_string())
            .replace("{s}", &s.to_string())
    };
    let mut m = mapper("traefik", PresetOptions::default());
    ingest(&mut m, &body(100, 5, 1), 0);
    let out = ingest(&mut m, &body(130, 15, 4), 10_000);
    let api = delta(&out.batch, "api@file");
    assert_eq!(count_of(api, Status::Code(429), Responder::Gateway), 7);
    assert_eq!(count_of(api, Status::Code(429), Responder::Upstream), 3);
    assert_eq!(count_of(api, Status::Code(200), Responder::Unknown), 30);
    let sat = api.saturation.as_ref().unwrap();
    assert!((sat.value - 7.0 / 40.0).abs() < 1e-12);
    assert!(sat.signal.contains("router minus service"));
    let a = delta(&out.batch, "a@file");
    assert_eq!(
        count_of(a, Status::Code(429), Responder::Unknown),
        10,
        "shared service: no split"
    );
    assert!(
        !routes(&out.batch).contains(&"api-svc@file".to_string()),
        "services are not rows"
    );
}
