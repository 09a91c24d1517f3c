//! Snapshot tests of the dashboard at 80x24 and 160x48, in colour and without.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::store::fixture::{gateway_store, incident_store};
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
    render_with(width, height, theme, false, prepare)
}

fn render_with(
    width: u16,
    height: u16,
    theme: &Theme,
    with_runbooks: bool,
    prepare: impl FnOnce(&mut crate::store::Store, crate::model::time::Timestamp),
) -> String {
    render_store(
        incident_store(),
        width,
        height,
        theme,
        with_runbooks,
        prepare,
    )
}

fn render_store(
    (mut store, now): (crate::store::Store, crate::model::time::Timestamp),
    width: u16,
    height: u16,
    theme: &Theme,
    with_runbooks: bool,
    prepare: impl FnOnce(&mut crate::store::Store, crate::model::time::Timestamp),
) -> String {
    prepare(&mut store, now);
    let keys = Keymap::load(None).unwrap().hints();
    let loaded = crate::runbook::load::shipped();
    let ctx = crate::view::ViewContext {
        keys: &keys,
        catalog: with_runbooks.then_some(&loaded.catalog),
        base_url: Some("https://api.example.test"),
    };
    let view = DashboardView::build_with(&store, now, width, height, &ctx);
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
fn header_shows_a_log_backfill_in_progress_80x24() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render(80, 24, &theme, |s, now| {
        let stats = crate::model::source::SourceStats {
            progress: Some((3_100_000, Some(10_000_000))),
            ..Default::default()
        };
        s.apply(
            Event::SourceOk {
                source: crate::model::source::SourceId::new("log:access.log"),
                stats,
            },
            now,
        );
    });
    assert!(
        screen.lines().next().unwrap().contains("backfill 31%"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn help_at_80x24_lists_every_action() {
    let theme = Theme::shipped("default", true).unwrap();
    let screen = render(80, 24, &theme, |s, now| {
        s.apply(Event::Action(Action::ToggleHelp), now);
    });
    let hints = Keymap::load(None).unwrap().hints();
    assert!(hints.len() > 20, "enough actions to need two columns");
    for h in &hints {
        assert!(
            screen.contains(&format!(" {}  ", h.keys)),
            "{} missing:\n{screen}",
            h.keys
        );
    }
    assert!(screen.contains("? or esc closes this"), "{screen}");
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

#[test]
fn runbook_pane_80x24_replaces_the_detail() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render_with(80, 24, &theme, true, |s, now| {
        // The worst route is the metrics route with 502s; open its runbook.
        s.apply(Event::Action(Action::ToggleRunbook), now);
    });
    assert!(screen.contains("runbook · 502"), "{screen}");
    assert!(screen.contains("502 Bad Gateway"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn runbook_pane_160x48_beside_the_detail_with_evidence() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render_with(160, 48, &theme, true, |s, now| {
        s.apply(Event::Action(Action::SelectNext), now);
    });
    // The log route GET /v1/inventory: its 502s are all gateway-made, in a burst.
    assert!(screen.contains("runbook · 502"), "{screen}");
    assert!(screen.contains("Evidence"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn runbook_cycles_through_the_routes_error_codes() {
    let theme = Theme::shipped("default", false).unwrap();
    // GET /v1/search has 429s only among errors: one code, no cycling hint.
    let screen = render_with(80, 24, &theme, true, |s, now| {
        s.apply(Event::Action(Action::SelectNext), now);
        s.apply(Event::Action(Action::SelectNext), now);
        s.apply(Event::Action(Action::ToggleRunbook), now);
    });
    assert!(screen.contains("runbook · 429"), "{screen}");
    assert!(!screen.contains("←/→"), "{screen}");
}

#[test]
fn gateway_instances_in_the_detail_80x24() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render_store(gateway_store(), 80, 24, &theme, false, |_, _| {});
    assert!(screen.contains("gateway:edge 2/3 up"), "{screen}");
    assert!(screen.contains("10.0.0.2:8405"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn gateway_instances_in_the_detail_160x48() {
    let theme = Theme::shipped("default", false).unwrap();
    let screen = render_store(gateway_store(), 160, 48, &theme, false, |_, _| {});
    assert!(screen.contains("instances disagree"), "{screen}");
    assert!(screen.contains("failing: connect failed"), "{screen}");
    insta::assert_snapshot!(screen);
}
