//! The runbook pane drawn with ratatui's TestBackend: snapshots at 80x24 and 160x48, scrolling,
//! and a monochrome style set that uses no colour at all.

use std::time::Duration;

use gatewatch::model::status::{Responder, Status};
use gatewatch::model::time::Timestamp;
use gatewatch::runbook::document::{compose, ViewOptions};
use gatewatch::runbook::evidence::{
    evidence, CheckSeen, EvidenceInput, RatioPoint, RouteHits, StatusCount,
};
use gatewatch::runbook::fill::FillContext;
use gatewatch::runbook::load::shipped;
use gatewatch::runbook::StyledLine;
use gatewatch::ui::runbook_pane::{max_scroll, RunbookPane, RunbookStyles};
use insta::assert_snapshot;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::widgets::{Block, Borders};
use ratatui::Terminal;

const T0: i64 = 1_700_000_000_000;

/// The demo's 502 storm: the orders upstream is down, nginx answers 502 itself.
fn storm_502() -> Vec<StyledLine> {
    let catalog = shipped().catalog;
    let rb = catalog.get("502").expect("502 shipped");
    let ratios = [0.0, 0.0, 0.001, 0.0, 0.31, 0.44, 0.47];
    let input = EvidenceInput {
        now: Some(Timestamp::from_millis(T0 + 6 * 30_000 + 5_000)),
        route: Some("/v1/orders".into()),
        preset: Some("nginx".into()),
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
        error_ratio: ratios
            .iter()
            .enumerate()
            .map(|(i, r)| RatioPoint {
                at: Timestamp::from_millis(T0 + i as i64 * 30_000),
                ratio: *r,
            })
            .collect(),
        other_routes: Some(vec![RouteHits {
            route: "/v1/orders/{id}".into(),
            count: 310,
        }]),
        checks: Some(vec![CheckSeen {
            name: "orders-health".into(),
            ok: false,
            reason: Some("connect_refused".into()),
            status: None,
            known_good_credentials: false,
        }]),
        ..EvidenceInput::default()
    };
    let lines = evidence(rb, &input);
    let ctx = FillContext {
        route: Some("/v1/orders".into()),
        method: Some("GET".into()),
        base_url: Some("http://127.0.0.1:8080".into()),
        host: Some("127.0.0.1".into()),
        upstream: None,
        request_id: Some("4f0c2a9e".into()),
    };
    compose(
        rb,
        &ctx,
        &lines,
        &ViewOptions {
            preset: Some("nginx"),
            all_gateway_notes: false,
        },
    )
}

fn draw(
    lines: &[StyledLine],
    styles: &RunbookStyles,
    width: u16,
    height: u16,
    scroll: usize,
) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            let pane = RunbookPane::new(lines, styles).scroll(scroll).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Runbook · 502 "),
            );
            frame.render_widget(pane, frame.area());
        })
        .expect("draw");
    terminal
}

#[test]
fn pane_80x24() {
    let lines = storm_502();
    let terminal = draw(&lines, &RunbookStyles::basic(), 80, 24, 0);
    assert_snapshot!(terminal.backend());
}

#[test]
fn pane_80x24_scrolled() {
    let lines = storm_502();
    let terminal = draw(&lines, &RunbookStyles::basic(), 80, 24, 18);
    assert_snapshot!(terminal.backend());
}

#[test]
fn pane_160x48() {
    let lines = storm_502();
    let terminal = draw(&lines, &RunbookStyles::basic(), 160, 48, 0);
    assert_snapshot!(terminal.backend());
}

#[test]
fn scrolling_past_the_end_stops_at_the_last_page() {
    let lines = storm_502();
    let styles = RunbookStyles::basic();
    let max = max_scroll(&lines, 78, 22);
    assert!(max > 0, "the 502 runbook is taller than 22 rows");
    let at_max = draw(&lines, &styles, 80, 24, max);
    let beyond = draw(&lines, &styles, 80, 24, max + 1_000);
    assert_eq!(at_max.backend().buffer(), beyond.backend().buffer());
    let first = draw(&lines, &styles, 80, 24, 0);
    assert_ne!(first.backend().buffer(), at_max.backend().buffer());
}

#[test]
fn monochrome_uses_no_colour_and_keeps_the_symbols() {
    let lines = storm_502();
    let terminal = draw(&lines, &RunbookStyles::monochrome(), 80, 24, 0);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
    assert!(
        text.contains("✗ Check 'orders-health' fails to connect"),
        "tone symbols carry the meaning"
    );
    assert!(
        text.contains("1. Do checks"),
        "numbered lists keep their numbers"
    );
}

#[test]
fn tiny_panes_do_not_panic() {
    let lines = storm_502();
    for (w, h) in [(0, 0), (1, 1), (3, 2), (10, 3), (20, 5)] {
        let _ = draw(&lines, &RunbookStyles::basic(), w, h, 3);
    }
}
