//! Snapshot tests of the dashboard at 80x24 and 160x48, in colour and without.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::store::fixture::incident_store;
use crate::store::{Action, Event};
use crate::view::DashboardView;

use super::keymap::Keymap;
use super::theme::Theme;

fn render(
    width: u16,
    height: u16,
    theme: &Theme,
    prepare: impl FnOnce(&mut crate::store::Store, crate::model::time::Timestamp),
) -> String {
    let (mut store, now) = incident_store();
    prepare(&mut store, now);
    let keys = Keymap::load(None).unwrap().hints();
    let view = DashboardView::build(&store, now, width, height, &keys);
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| super::draw(f, &view, theme)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn dashboard_80x24() {
    let theme = Theme::shipped("default", false).unwrap();
    insta::assert_snapshot!(render(80, 24, &theme, |_, _| {}));
}

#[test]
fn dashboard_160x48() {
    let theme = Theme::shipped("default", false).unwrap();
    insta::assert_snapshot!(render(160, 48, &theme, |_, _| {}));
}

#[test]
fn dashboard_second_row_selected_no_color() {
    let theme = Theme::shipped("default", true).unwrap();
    assert!(theme.monochrome);
    let screen = render(80, 24, &theme, |s, now| {
        s.apply(Event::Action(Action::SelectNext), now);
    });
    insta::assert_snapshot!(screen);
}

#[test]
fn help_overlay_80x24() {
    let theme = Theme::shipped("default", false).unwrap();
    insta::assert_snapshot!(render(80, 24, &theme, |s, now| {
        s.apply(Event::Action(Action::ToggleHelp), now);
    }));
}

#[test]
fn escapes_in_log_lines_reach_the_screen_as_harmless_text() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render(160, 48, &theme, |_, _| {});
    assert!(screen.contains("GET /v1/inventory"), "{screen}");
    assert!(!screen.contains('\x1b'));
    assert!(!screen.contains("]0;pwned"));
}

#[test]
fn tiny_terminal_does_not_panic() {
    let theme = Theme::shipped("default", false).unwrap();
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23)] {
        let _ = render(w, h, &theme, |_, _| {});
    }
}
