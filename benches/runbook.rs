//! What the runbooks cost at start-up (parsing the shipped set) and per redraw of the pane
//! (evidence, composing and wrapping one runbook).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::runbook::document::{compose, ViewOptions};
use gatewatch::runbook::evidence::{evidence, CheckSeen, EvidenceInput, RatioPoint, StatusCount};
use gatewatch::runbook::fill::FillContext;
use gatewatch::runbook::load::shipped;
use gatewatch::runbook::wrap::wrap;
use gatewatch::runbook::Query;

fn input() -> EvidenceInput {
    EvidenceInput {
        now: Some(Timestamp::from_millis(1_700_000_600_000)),
        window: Some(Duration::from_secs(300)),
        by_status: vec![
            StatusCount {
                status: Status::Code(200),
                responder: Responder::Upstream,
                count: 5_310,
            },
            StatusCount {
                status: Status::Code(502),
                responder: Responder::Gateway,
                count: 4_702,
            },
        ],
        error_ratio: (0..300)
            .map(|i| RatioPoint {
                at: Timestamp::from_millis(1_700_000_000_000 + i * 2_000),
                ratio: if i > 250 { 0.4 } else { 0.001 },
            })
            .collect(),
        other_routes: Some(vec![]),
        checks: Some(vec![CheckSeen {
            name: "orders-health".into(),
            ok: false,
            reason: Some("connect_refused".into()),
            status: None,
            known_good_credentials: false,
        }]),
        ..EvidenceInput::default()
    }
}

fn bench(c: &mut Criterion) {
    c.bench_function("parse the shipped runbooks", |b| {
        b.iter(|| black_box(shipped()))
    });
    let catalog = shipped().catalog;
    let ctx = FillContext {
        route: Some("/v1/orders".into()),
        base_url: Some("https://api.example.com".into()),
        ..FillContext::default()
    };
    let input = input();
    c.bench_function("match, evidence, compose and wrap 502 at 80 columns", |b| {
        b.iter(|| {
            let m = catalog.best(&Query::code(502)).expect("502");
            let ev = evidence(m.runbook, &input);
            let lines = compose(
                m.runbook,
                &ctx,
                &ev,
                &ViewOptions {
                    preset: Some("nginx"),
                    ..ViewOptions::default()
                },
            );
            black_box(wrap(&lines, 78))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
