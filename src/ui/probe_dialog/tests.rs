//! Snapshots of the probe dialog over the dashboard at 80x24 and 160x48: open and editing,
//! waiting for an answer, and with answers (built in the test) in its history.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use ratatui::Terminal;

use crate::model::time::Timestamp;
use crate::store::{Action, Event, Store};
use crate::ui::theme::Theme;
use crate::view::probe::tests::{answered, bad_gateway, keys, opened, rate_limited, send};
use crate::view::DashboardView;

fn draw(store: &Store, now: Timestamp, width: u16, height: u16, theme: &Theme) -> Buffer {
    let view = DashboardView::build(store, now, width, height, &keys());
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    term.draw(|f| crate::ui::draw(f, &view, theme))
        .expect("draws");
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn screen(store: &Store, now: Timestamp, width: u16, height: u16) -> String {
    let theme = Theme::shipped("default", false).expect("theme");
    text(&draw(store, now, width, height, &theme))
}

/// Two answers in the history: a 429, then a 502.
fn with_answers() -> (Store, Timestamp) {
    let (mut s, now) = opened();
    let first = send(&mut s, now);
    answered(&mut s, first, rate_limited(), now);
    let second = send(&mut s, now);
    answered(&mut s, second, bad_gateway(), now);
    (s, now)
}

#[test]
fn probe_dialog_editing_80x24() {
    let (s, now) = opened();
    insta::assert_snapshot!(screen(&s, now, 80, 24));
}

#[test]
fn probe_dialog_editing_160x48() {
    let (s, now) = opened();
    insta::assert_snapshot!(screen(&s, now, 160, 48));
}

#[test]
fn probe_dialog_waiting_80x24() {
    let (mut s, now) = opened();
    send(&mut s, now);
    let later = now.plus(std::time::Duration::from_secs(3));
    insta::assert_snapshot!(screen(&s, later, 80, 24));
}

#[test]
fn probe_dialog_result_80x24() {
    let (s, now) = with_answers();
    insta::assert_snapshot!(screen(&s, now, 80, 24));
}

#[test]
fn probe_dialog_result_160x48() {
    let (s, now) = with_answers();
    insta::assert_snapshot!(screen(&s, now, 160, 48));
}

#[test]
fn probe_dialog_older_result_compared_160x48() {
    let (mut s, now) = with_answers();
    s.apply(Event::Action(Action::ProbeOlder), now);
    insta::assert_snapshot!(screen(&s, now, 160, 48));
}

#[test]
fn the_typed_token_and_its_echo_never_reach_the_screen() {
    let (s, now) = with_answers();
    for (w, h) in [(80, 24), (160, 48), (100, 30)] {
        let sc = screen(&s, now, w, h);
        assert!(!sc.contains("sekrit"), "{w}x{h}:\n{sc}");
        assert!(sc.contains("Bearer eyJ…(redacted)"), "{w}x{h}:\n{sc}");
        assert!(!sc.contains('\x1b'));
    }
}

#[test]
fn the_cursor_shows_without_colour() {
    let (s, now) = opened();
    let mono = Theme::shipped("default", true).expect("mono");
    let buf = draw(&s, now, 80, 24, &mono);
    let reversed: Vec<(u16, u16)> = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].modifier.contains(Modifier::REVERSED))
        .collect();
    // The URL field is edited with the cursor after the typed path.
    let url_row = text(&buf)
        .lines()
        .position(|l| l.contains("✎url"))
        .expect("url row") as u16;
    let url_end = 1 + 9 + "http://127.0.0.1:8000/v1/inventory".len() as u16;
    assert!(reversed.contains(&(url_end, url_row)), "{reversed:?}");
}

#[test]
fn tiny_terminals_do_not_panic() {
    let (s, now) = with_answers();
    for (w, h) in [
        (1, 1),
        (10, 3),
        (20, 5),
        (40, 10),
        (79, 23),
        (119, 40),
        (120, 12),
    ] {
        let _ = screen(&s, now, w, h);
    }
}
