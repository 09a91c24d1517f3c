//! Property tests over every format: arbitrary bytes never panic, and whatever a format
//! accepts is counted exactly once.

use gatewatch::model::route_template::RouteTemplates;
use gatewatch::model::time::Timestamp;
use gatewatch::model::traffic::RouteDelta;
use gatewatch::parse::accesslog::aggregate::{AggregateOptions, LogAggregator};
use gatewatch::parse::accesslog::{FormatChoice, FormatName, LogFormat};
use proptest::prelude::*;

fn choices() -> Vec<FormatChoice> {
    let mut v: Vec<FormatChoice> = FormatName::ALL
        .into_iter()
        .filter_map(LogFormat::builtin)
        .map(FormatChoice::Fixed)
        .collect();
    v.push(FormatChoice::Auto);
    let nginx = LogFormat::nginx(
        r#"$remote_addr [$time_local] "$request" $status $upstream_status "$upstream_response_time" $request_id"#,
    );
    v.push(FormatChoice::Fixed(nginx.expect("compiles")));
    v
}

/// Lines that look like access lines, damaged in random places.
fn near_miss() -> impl Strategy<Value = Vec<u8>> {
    let seeds = prop::sample::select(vec![
        r#"1.2.3.4 - - [22/Nov/2026:10:59:50 +0000] "GET /v1/x/1?k=v HTTP/1.1" 200 5 "-" "ua""#,
        r#"127.0.0.1:1 [22/Nov/2026:10:59:50.1] fe be/s 0/0/0/1/1 503 9 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#,
        r#"{"ts":1.5,"logger":"http.log.access","request":{"method":"GET","uri":"/a"},"status":200}"#,
        r#"[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 UH 0 19 0 - "-" "ua" "r" "api" "-""#,
    ]);
    (
        seeds,
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
    )
        .prop_map(|(seed, edits)| {
            let mut b = seed.as_bytes().to_vec();
            for (at, byte) in edits {
                if !b.is_empty() {
                    let i = at % b.len();
                    b[i] = byte;
                }
            }
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_format_panics_and_counts_are_conserved(
        lines in prop::collection::vec(prop_oneof![prop::collection::vec(any::<u8>(), 0..160), near_miss()], 1..24)
    ) {
        for choice in choices() {
            let mut agg = LogAggregator::new(choice, RouteTemplates::auto(), AggregateOptions { route_cap: 4, ..AggregateOptions::default() });
            for l in &lines {
                agg.push_line(l, Timestamp(0));
            }
            let batch = agg.take_batch();
            let counted: u64 = batch.deltas.iter().map(RouteDelta::requests).sum();
            let c = agg.counts();
            prop_assert_eq!(counted, c.records);
            // Every line is exactly one of: counted, bad (oversize included), notice, blank.
            prop_assert_eq!(c.lines, c.records + c.bad + c.not_access + c.blank);
            prop_assert!(agg.routes().len() <= 5);
            for d in &batch.deltas {
                prop_assert!(!d.route.route.chars().any(char::is_control));
                for e in &d.errors {
                    prop_assert!(!e.line.chars().any(char::is_control));
                }
            }
        }
    }
}
