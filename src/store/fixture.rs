//! A store in a known state for view and widget tests: a metrics source and a log source, a
//! healthy route, a 502 storm, a rate-limited route, a route with too few requests to judge.

use crate::model::histogram::LatencyHistogram;
use crate::model::route::RouteKey;
use crate::model::source::{SourceId, SourceKind, SourceSpec};
use crate::model::status::{Responder, Status};
use crate::model::time::Timestamp;
use crate::model::traffic::{ErrorSample, RouteDelta, Saturation, TrafficBatch};

use super::{Event, Store, StoreConfig};

pub const T0: i64 = 1_764_626_400_000;

fn spec(id: &str, kind: SourceKind) -> SourceSpec {
    SourceSpec {
        id: SourceId::new(id),
        kind,
        target: id.to_string(),
    }
}

fn route(
    method: &str,
    path: &str,
    at: i64,
    statuses: &[(u16, Responder, u64)],
    latency_ms: f64,
) -> RouteDelta {
    let mut d = RouteDelta::new(RouteKey::new(Some(method), path), Timestamp(at));
    let mut h = LatencyHistogram::log_scale();
    for &(code, who, n) in statuses {
        d.add(Status::Code(code), who, n);
        for _ in 0..n.min(50) {
            h.record(latency_ms);
        }
    }
    d.latency = Some(h);
    d
}

/// The store 60 s into an incident, and the `now` to build views at.
pub fn incident_store() -> (Store, Timestamp) {
    let mut s = Store::new(
        StoreConfig::default(),
        vec![
            spec("scrape:gateway", SourceKind::Scrape),
            spec("log:access.log", SourceKind::Log),
        ],
        Timestamp(T0),
    );
    let up = Responder::Upstream;
    let gw = Responder::Gateway;
    for sec in 1..=60i64 {
        let at = T0 + sec * 1000;
        let storm = sec > 30;
        let mut deltas = vec![
            route(
                "GET",
                "/v1/orders",
                at,
                &[(200, up, 120), (404, up, 1)],
                12.0,
            ),
            route(
                "POST",
                "/v1/login",
                at,
                &[(200, up, 20), (401, up, 2)],
                40.0,
            ),
            route(
                "GET",
                "/v1/search",
                at,
                &[(200, up, 30), (429, gw, if storm { 12 } else { 1 })],
                25.0,
            ),
            route(
                "GET",
                "/v1/inventory",
                at,
                &[
                    (200, up, if storm { 2 } else { 40 }),
                    (502, gw, if storm { 38 } else { 0 }),
                ],
                if storm { 3.0 } else { 30.0 },
            ),
        ];
        if sec == 45 {
            deltas.push(route(
                "DELETE",
                "/v1/admin/cache",
                at,
                &[(500, up, 1)],
                900.0,
            ));
            deltas[3].errors.push(ErrorSample {
                at: Timestamp(at),
                status: Status::Code(502),
                request_id: Some("req-7f3a".into()),
                line: "127.0.0.1 - - [01/Dec/2025:22:00:45 +0000] \"GET /v1/inventory HTTP/1.1\" 502 157 \"-\" \"curl/8\" 0.003\x1b]0;pwned\x07\x1b[2J".into(),
            });
            deltas[2].saturation = Some(Saturation {
                value: 0.92,
                signal: "429 share (gateway)".into(),
            });
        }
        s.apply(
            Event::Traffic {
                source: SourceId::new("log:access.log"),
                batch: TrafficBatch {
                    deltas,
                    ..TrafficBatch::default()
                },
            },
            Timestamp(at),
        );
    }
    // The metrics source: scraped every 15 s, with one class-level route.
    for (i, at) in [T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000]
        .into_iter()
        .enumerate()
    {
        let mut d = RouteDelta::new(RouteKey::new(None, "inventory-service"), Timestamp(at));
        d.add(
            Status::Code(200),
            Responder::Unknown,
            if i >= 2 { 30 } else { 600 },
        );
        d.add(
            Status::Code(502),
            Responder::Gateway,
            if i >= 2 { 570 } else { 0 },
        );
        s.apply(
            Event::Traffic {
                source: SourceId::new("scrape:gateway"),
                batch: TrafficBatch {
                    deltas: vec![d],
                    covers: Some((Timestamp(at - 15_000), Timestamp(at))),
                    ..TrafficBatch::default()
                },
            },
            Timestamp(at),
        );
    }
    (s, Timestamp(T0 + 60_000))
}

pub const EDGE: [&str; 3] = [
    "scrape:10.0.0.1:8405",
    "scrape:10.0.0.2:8405",
    "scrape:10.0.0.3:8405",
];

/// One gateway, "edge", of three instances scraped every 15 s for 60 s: the second starts
/// answering 502s slowly at 45 s, the third stops answering after 30 s. Per route and
/// instance each scrape brings 300 requests to `orders` and 150 to `search` (20/s and 10/s).
pub fn gateway_store() -> (Store, Timestamp) {
    let mut s = Store::new(
        StoreConfig::default(),
        EDGE.iter().map(|id| spec(id, SourceKind::Scrape)).collect(),
        Timestamp(T0),
    )
    .with_gateways(vec![super::Gateway::new(
        "edge",
        EDGE.iter().map(|id| SourceId::new(id)).collect(),
    )]);
    for at in [T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000] {
        for (n, id) in EDGE.iter().enumerate() {
            let source = SourceId::new(id);
            if n == 2 && at > T0 + 30_000 {
                s.apply(
                    Event::SourceFailed {
                        source,
                        error: "connect failed: Connection refused (os error 111)".into(),
                    },
                    Timestamp(at),
                );
                continue;
            }
            let bad = n == 1 && at > T0 + 30_000;
            let orders: &[(u16, Responder, u64)] = if bad {
                &[
                    (200, Responder::Upstream, 150),
                    (502, Responder::Gateway, 150),
                ]
            } else {
                &[(200, Responder::Upstream, 300)]
            };
            let mut deltas = vec![
                route("GET", "orders", at, orders, if bad { 800.0 } else { 12.0 }),
                route(
                    "GET",
                    "search",
                    at,
                    &[(200, Responder::Upstream, 150)],
                    20.0,
                ),
            ];
            for d in &mut deltas {
                d.route = RouteKey::new(None, &d.route.route);
            }
            s.apply(
                Event::SourceOk {
                    source: source.clone(),
                    stats: crate::model::source::SourceStats {
                        detected: Some("haproxy".into()),
                        ..Default::default()
                    },
                },
                Timestamp(at),
            );
            s.apply(
                Event::Traffic {
                    source,
                    batch: TrafficBatch {
                        deltas,
                        covers: Some((Timestamp(at - 15_000), Timestamp(at))),
                        ..TrafficBatch::default()
                    },
                },
                Timestamp(at),
            );
        }
    }
    (s, Timestamp(T0 + 60_000))
}
