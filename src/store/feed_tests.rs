//! A gateway's instances summed per route: exact numbers from known scrapes.

use std::time::Duration;

use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceKind, SourceSpec};
use crate::model::time::Timestamp;
use crate::parse::exposition::ParseOptions;
use crate::parse::presets::{MetricsMapper, PresetChoice};

use super::feed::{Gateway, InstancesUp};
use super::fixture::{gateway_store, EDGE, T0};
use super::ranking::ranked_rows;
use super::source_state::Health;
use super::{Event, Store, StoreConfig};

fn orders() -> RouteKey {
    RouteKey::new(None, "orders")
}

#[test]
fn instances_are_summed_into_one_row_per_route() {
    let (s, now) = gateway_store();
    let rows = ranked_rows(&s, now);
    let names: Vec<(String, &str)> = rows
        .iter()
        .map(|r| (r.key.to_string(), r.primary.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("orders".to_string(), "gateway:edge"),
            ("search".to_string(), "gateway:edge")
        ]
    );
    let o = &rows[0].stats;
    // 1200 + 1200 + 600 (the third instance stopped answering after 30 s).
    assert_eq!(o.requests, 3000);
    assert_eq!(o.class(crate::model::status::StatusClass::ServerError), 300);
    // Each instance 20/s over the time it covered (60 s, 60 s, 30 s): summed after.
    assert!(
        (o.rate_per_s.unwrap() - 60.0).abs() < 1e-9,
        "{:?}",
        o.rate_per_s
    );
    let search = &rows[1].stats;
    assert_eq!(search.requests, 1500);
    assert!((search.rate_per_s.unwrap() - 30.0).abs() < 1e-9);
}

#[test]
fn each_instance_keeps_its_own_numbers_and_health() {
    let (s, now) = gateway_store();
    let feed = s
        .feed(&SourceId::new("gateway:edge"))
        .expect("gateway feed");
    assert_eq!(feed.members, vec![0, 1, 2]);
    let per: Vec<(u64, u64, f64)> = feed
        .instances(&s, &orders(), now)
        .into_iter()
        .map(|i| {
            let w = i.stats.expect("every instance saw orders");
            (w.requests, w.by_class[4], w.rate_per_s.unwrap())
        })
        .collect();
    assert_eq!(per, [(1200, 0, 20.0), (1200, 300, 20.0), (600, 0, 20.0)]);
    assert_eq!(feed.instances_up(&s), InstancesUp { up: 2, total: 3 });
    assert_eq!(feed.health(&s), Health::Healthy);
    assert_eq!(s.sources[2].health, Health::Failing);
    assert_eq!(s.sources[2].failures_in_row, 2);
    // The merged stats hold the sum; the instances' own stats are untouched.
    let merged = feed.route_stats(&s, &orders()).unwrap();
    assert_eq!(merged.total_requests(), 3000);
    assert_eq!(
        s.routes[&SourceId::new(EDGE[0])][&orders()].total_requests(),
        1200
    );
}

#[test]
fn the_gateway_fails_only_when_every_instance_does() {
    let (mut s, now) = gateway_store();
    for id in &EDGE[..2] {
        s.apply(
            Event::SourceFailed {
                source: SourceId::new(id),
                error: "timeout".into(),
            },
            now,
        );
    }
    let feed = s.feed(&SourceId::new("gateway:edge")).unwrap();
    assert_eq!(feed.instances_up(&s), InstancesUp { up: 0, total: 3 });
    assert_eq!(feed.health(&s), Health::Failing);
    // One instance answering again makes the gateway healthy, two of three still down.
    s.apply(
        Event::SourceOk {
            source: SourceId::new(EDGE[0]),
            stats: Default::default(),
        },
        now,
    );
    let feed = s.feed(&SourceId::new("gateway:edge")).unwrap();
    assert_eq!(feed.health(&s), Health::Healthy);
    assert_eq!(feed.instances_up(&s), InstancesUp { up: 1, total: 3 });
    // A failure is a gap, not a zero: what was observed in the window still counts.
    let rows = ranked_rows(&s, now);
    assert_eq!(rows[0].stats.requests, 3000);
}

fn kong(ok: u64, failed: u64) -> String {
    format!(
        "# TYPE kong_http_requests_total counter\n\
         kong_http_requests_total{{service=\"s\",route=\"orders\",code=\"200\",source=\"service\",workspace=\"default\",consumer=\"\"}} {ok}\n\
         kong_http_requests_total{{service=\"s\",route=\"orders\",code=\"500\",source=\"service\",workspace=\"default\",consumer=\"\"}} {failed}\n"
    )
}

#[test]
fn a_counter_reset_on_one_instance_leaves_the_others_alone() {
    let ids = ["scrape:a", "scrape:b"];
    let mut s = Store::new(
        StoreConfig::default(),
        ids.iter()
            .map(|id| SourceSpec {
                id: SourceId::new(id),
                kind: SourceKind::Scrape,
                target: id.to_string(),
            })
            .collect(),
        Timestamp(T0),
    )
    .with_gateways(vec![Gateway::new(
        "edge",
        ids.iter().map(|id| SourceId::new(id)).collect(),
    )]);
    let mut mappers: Vec<MetricsMapper> = (0..2)
        .map(|_| MetricsMapper::new(PresetChoice::Named("kong"), None).unwrap())
        .collect();
    // a: 100 → 200 → 300 OK. b: 1000/50 → 1100/60, then restarts: 30/5.
    let scrapes = [
        (0, [kong(100, 0), kong(1000, 50)]),
        (10_000, [kong(200, 0), kong(1100, 60)]),
        (20_000, [kong(300, 0), kong(30, 5)]),
    ];
    for (offset, bodies) in &scrapes {
        let at = Timestamp(T0 + offset);
        for (n, body) in bodies.iter().enumerate() {
            let out = mappers[n]
                .ingest(body.as_bytes(), at, &ParseOptions::default())
                .unwrap();
            s.apply(
                Event::Traffic {
                    source: SourceId::new(ids[n]),
                    batch: out.batch,
                },
                at,
            );
        }
    }
    let now = Timestamp(T0 + 20_000);
    let feed = s.feed(&SourceId::new("gateway:edge")).unwrap();
    let key = RouteKey::new(None, "orders");
    let per: Vec<(u64, u64)> = feed
        .instances(&s, &key, now)
        .into_iter()
        .map(|i| {
            let w = i.stats.unwrap();
            (w.requests, w.by_class[4])
        })
        .collect();
    // a: +100, +100. b: +100/+10, then what it counted since the restart: +30/+5.
    assert_eq!(per, [(200, 0), (145, 15)]);
    let rows = ranked_rows(&s, now);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].stats.requests, 345);
    assert_eq!(rows[0].stats.by_class[4], 15);
    // 200 / 20 s + 145 / 20 s.
    assert!((rows[0].stats.rate_per_s.unwrap() - 17.25).abs() < 1e-9);
    let over_10s = feed
        .window_over(&s, &key, now, Duration::from_secs(10))
        .unwrap();
    assert_eq!(over_10s.requests, 100 + 35);
}
