//! The probe dialog's view: from the store's state to lines that fit, with secrets redacted.
//! The answers here are built in the test, the way the HTTP layer builds them.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::model::check::response::RawResponse;
use crate::model::check::{CheckResult, FailureReason, PhaseTimings, ResponseSummary};
use crate::store::fixture::incident_store;
use crate::store::probe_state::DialogKey;
use crate::store::{Effect, Event};
use crate::ui::keymap::Keymap;
use crate::view::DashboardView;

pub const BASE: &str = "http://127.0.0.1:8000";
pub const SECRET: &str = "Bearer eyJhbGciOiJIUzI1NiJ9.sekrit-payload";

/// An answer as a Kong in trouble gives it: the status, the headers that matter, a body.
pub fn answer(status: u16, headers: &[(&str, &str)], body: &str, total_ms: u64) -> CheckResult {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let at = Timestamp(crate::store::fixture::T0 + 60_000);
    let failed = status >= 400;
    CheckResult {
        name: Arc::from("probe"),
        route: None,
        method: "GET".into(),
        url: format!("{BASE}/v1/inventory"),
        at,
        state: if failed {
            CheckState::Failed
        } else {
            CheckState::Ok
        },
        reason: failed.then(|| FailureReason::HttpStatus {
            status,
            expected: "2xx or 3xx".into(),
        }),
        response: Some(ResponseSummary::build(
            RawResponse {
                status,
                version: "HTTP/1.1",
                headers: &headers,
                body: body.as_bytes(),
                body_truncated: false,
                cert_not_after: None,
            },
            &[SECRET],
            at,
        )),
        phases: PhaseTimings {
            dns: None,
            connect: Some(Duration::from_micros(420)),
            tls: None,
            ttfb: Some(Duration::from_micros(total_ms * 1000 - 900)),
            total: Duration::from_millis(total_ms),
        },
        redirects: 0,
        cors: None,
    }
}

pub fn bad_gateway() -> CheckResult {
    answer(
        502,
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Server", "kong/3.6.1"),
            ("Via", "kong/3.6.1"),
            ("X-Kong-Request-Id", "6a1f09b2c3d44e5f8a7b"),
            ("X-Kong-Proxy-Latency", "1"),
            ("Date", "Tue, 01 Dec 2026 22:01:00 GMT"),
        ],
        // A server that echoes the token back, and tries to move the cursor.
        &format!("{{\"message\":\"An invalid response was received from the upstream server\",\"echo\":\"{SECRET}\"}}\x1b[2J"),
        4,
    )
}

pub fn rate_limited() -> CheckResult {
    answer(
        429,
        &[
            ("Retry-After", "30"),
            ("RateLimit-Limit", "100"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "30"),
            ("X-Kong-Request-Id", "77aa01"),
            ("Server", "kong/3.6.1"),
        ],
        "{\"message\":\"API rate limit exceeded\"}",
        2,
    )
}

/// What a probe of status `status` would be told by the shipped runbooks.
pub fn runbook_for(r: &CheckResult) -> Option<String> {
    crate::commands::probe::runbook_summary(r.status(), r.reason.as_ref())
}

pub fn keys() -> Vec<KeyHint> {
    Keymap::load(None).expect("shipped keymap").hints()
}

/// The incident store with the dialog open on the selected (worst) route, a metrics route
/// without a path, so the path is typed after the prefilled base URL; and a token typed.
pub fn opened() -> (Store, Timestamp) {
    let (mut s, now) = incident_store();
    s.probe.base_url = Some(BASE.into());
    s.apply(Event::Action(Action::OpenProbe), now);
    s.apply(
        Event::ProbeKey(DialogKey::Paste("/v1/inventory".into())),
        now,
    );
    s.apply(Event::Action(Action::ProbeNextField), now);
    s.apply(
        Event::ProbeKey(DialogKey::Paste(format!("Authorization: {SECRET}"))),
        now,
    );
    s.apply(Event::Action(Action::ProbePrevField), now);
    (s, now)
}

/// Sends what the dialog holds; returns the probe's id.
pub fn send(s: &mut Store, now: Timestamp) -> u64 {
    let effects = s.apply(Event::Action(Action::ProbeSend), now);
    match effects.as_slice() {
        [Effect::StartProbe { id, .. }] => *id,
        other => panic!("expected one StartProbe, got {other:?}"),
    }
}

pub fn answered(s: &mut Store, id: u64, result: CheckResult, now: Timestamp) {
    let runbook = runbook_for(&result);
    s.apply(
        Event::ProbeResult {
            id,
            result,
            runbook,
        },
        now,
    );
}

fn view(s: &Store, now: Timestamp, w: u16, h: u16) -> ProbeDialogView {
    DashboardView::build(s, now, w, h, &keys())
        .probe
        .expect("the dialog is open")
}

fn all_text(v: &ProbeDialogView) -> String {
    let mut out = v.title.clone();
    for f in &v.fields {
        out.push_str(&f.lines.join("\n"));
    }
    for l in &v.result {
        out.push_str(&l.text);
    }
    for h in &v.history {
        out.push_str(&h.text);
        out.push_str(&h.short);
    }
    out
}

#[test]
fn enter_starts_a_probe_and_its_answer_shows_in_the_view() {
    let (mut s, now) = incident_store();
    s.probe.base_url = Some(BASE.into());
    s.apply(Event::Action(Action::OpenProbe), now);
    let d = s.probe.dialog().expect("open");
    let route = d.route.clone().expect("a route");
    assert_eq!(
        route.to_string(),
        "inventory-service",
        "the worst route is selected"
    );
    assert_eq!(
        d.form.url.text(),
        BASE,
        "a metrics route has no path: the base URL alone"
    );
    let (mut s, now) = opened();
    let effects = s.apply(Event::Action(Action::ProbeSend), now);
    let [Effect::StartProbe { id, request }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, format!("{BASE}/v1/inventory"));
    assert_eq!(
        request.headers,
        [("Authorization".to_string(), SECRET.to_string())]
    );

    let later = now.plus(Duration::from_millis(1500));
    let pending = view(&s, later, 80, 24);
    assert_eq!(pending.result[0].kind, LineKind::Pending);
    assert!(
        pending.result[0].text.contains("waiting 1s"),
        "{:?}",
        pending.result
    );
    assert_eq!(pending.history[0].mark, HistoryMark::Pending);

    answered(&mut s, *id, bad_gateway(), later);
    let v = view(&s, later, 160, 48);
    let text: Vec<&str> = v.result.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(v.result[0].kind, LineKind::Headline(CheckState::Failed));
    assert!(text[0].starts_with("502 HTTP/1.1"), "{text:?}");
    assert!(text.iter().any(|t| t.contains("http_status")));
    assert!(text.contains(&"dns — · connect 0.4 · tls — · ttfb 3.1 · total 4.0 ms"));
    // Request id first among the headers; Date is not one that matters.
    let first_header = v.result.iter().position(|l| l.kind == LineKind::Header);
    assert_eq!(
        first_header.map(|i| text[i]),
        Some("x-kong-request-id: 6a1f09b2c3d44e5f8a7b")
    );
    assert!(!v
        .result
        .iter()
        .any(|l| l.kind == LineKind::Header && l.text.starts_with("date")));
    assert!(
        text.iter().any(|t| t.starts_with("runbook 502")),
        "{text:?}"
    );
    let body = v
        .result
        .iter()
        .find(|l| l.kind == LineKind::Body)
        .expect("body");
    assert!(body.text.contains("invalid response"));
    assert!(!body.text.contains('\x1b'));
    assert_eq!(v.history[0].mark, HistoryMark::Answered(CheckState::Failed));
    assert!(v.history[0]
        .text
        .starts_with("#1 502 4.0ms GET /v1/inventory"));
}

#[test]
fn secrets_are_redacted_everywhere_but_the_field_being_edited() {
    let (mut s, now) = opened();
    let id = send(&mut s, now);
    answered(&mut s, id, bad_gateway(), now);
    for (w, h) in [(80, 24), (160, 48), (50, 14)] {
        let v = view(&s, now, w, h);
        let text = all_text(&v);
        assert!(!text.contains("sekrit"), "{w}x{h}: {text}");
        let headers = &v.fields[2];
        assert!(
            headers.lines[0].starts_with("Authorization: Bearer eyJ…(redacted)"),
            "{:?}",
            headers.lines
        );
    }
    s.apply(Event::Action(Action::ProbeNextField), now);
    s.apply(Event::Action(Action::ProbeEdit), now);
    let v = view(&s, now, 160, 48);
    assert!(v.fields[2].editing);
    assert!(
        v.fields[2].lines[0].contains("sekrit"),
        "typed text is visible while edited"
    );
    assert!(!v.result.iter().any(|l| l.text.contains("sekrit")));
    assert!(!v.history.iter().any(|h| h.text.contains("sekrit")));
}

#[test]
fn references_to_secrets_and_plain_headers_show_as_typed() {
    assert_eq!(
        shown_header_line("Authorization: env:GW_TOKEN"),
        "Authorization: env:GW_TOKEN"
    );
    assert_eq!(shown_header_line("X-Debug: 1"), "X-Debug: 1");
    assert_eq!(
        shown_header_line("X-Api-Key: 0123456789abcdef"),
        "X-Api-Key: 012…(redacted)"
    );
    assert_eq!(shown_header_line("no colon"), "no colon");
}

#[test]
fn every_line_fits_its_pane_at_every_size() {
    let (mut s, now) = opened();
    for r in [rate_limited(), bad_gateway()] {
        let id = send(&mut s, now);
        answered(&mut s, id, r, now);
    }
    s.apply(Event::Action(Action::ProbeOlder), now);
    for (w, h) in [
        (80, 24),
        (160, 48),
        (100, 30),
        (60, 16),
        (40, 12),
        (20, 6),
        (1, 1),
    ] {
        let v = view(&s, now, w, h);
        let l = v.layout;
        let value_w = l.value_width();
        for f in &v.fields {
            for line in &f.lines {
                assert!(line.chars().count() <= value_w, "{w}x{h} {f:?}");
            }
            if let Some((row, col)) = f.cursor {
                assert!(
                    row < f.lines.len() && (col as usize) <= value_w,
                    "{w}x{h} {f:?}"
                );
            }
        }
        let inner_h = l.height.saturating_sub(2);
        let used = l.form_rows() as usize + v.result.len() + 1 + usize::from(l.history_width == 0);
        assert!(
            used <= inner_h as usize || inner_h < l.form_rows() + 2,
            "{w}x{h}: {used} rows"
        );
        for line in &v.result {
            let limit = l.main_width.saturating_sub(1) as usize;
            assert!(line.text.chars().count() <= limit, "{w}x{h}: {line:?}");
        }
        for row in &v.history {
            assert!(row.text.chars().count() <= HISTORY_COLS as usize || l.history_width == 0);
        }
    }
}

#[test]
fn an_older_probe_is_compared_with_the_newest() {
    let (mut s, now) = opened();
    let first = send(&mut s, now);
    answered(&mut s, first, rate_limited(), now);
    let second = send(&mut s, now);
    answered(&mut s, second, bad_gateway(), now);
    let newest = view(&s, now, 80, 24);
    assert!(!newest.result.iter().any(|l| l.kind == LineKind::Compare));
    assert_eq!(newest.history_position.as_deref(), Some("1/2"));
    s.apply(Event::Action(Action::ProbeOlder), now);
    let older = view(&s, now, 160, 48);
    assert!(older.result[0].text.starts_with("429"));
    let cmp = older
        .result
        .iter()
        .find(|l| l.kind == LineKind::Compare)
        .expect("compare");
    assert_eq!(cmp.text, "newest #2: 429 → 502 · total 2.0 → 4.0 ms");
    let limit = older
        .result
        .iter()
        .find(|l| l.label == Some("limit"))
        .expect("limit");
    assert!(limit.text.starts_with("0/100 left"), "{limit:?}");
    assert!(limit.text.contains("retry after 30s"), "{limit:?}");
    assert_eq!(older.history_position.as_deref(), Some("2/2"));
    assert!(older.history[1].selected && !older.history[0].selected);
}

#[test]
fn a_rejected_probe_says_why() {
    let (mut s, now) = opened();
    let id = send(&mut s, now);
    s.apply(
        Event::ProbeRejected {
            id,
            error: "environment variable GW_TOKEN is not set\x1b[31m".into(),
        },
        now,
    );
    let v = view(&s, now, 80, 24);
    assert_eq!(v.result[0].kind, LineKind::Error);
    assert_eq!(v.result[0].text, "environment variable GW_TOKEN is not set");
    assert!(v.result[1].text.starts_with("#1 GET http://"));
    assert!(!v.result[0].text.contains('\x1b'));
    assert_eq!(v.history[0].mark, HistoryMark::Rejected);
}

#[test]
fn footer_shows_the_dialogs_keys_from_the_action_table() {
    let (mut s, now) = opened();
    let dash = DashboardView::build(&incident_store().0, now, 80, 24, &keys());
    assert!(dash.probe.is_none());
    assert!(dash.footer.iter().any(|k| k.action == Action::OpenProbe));
    assert!(!dash.footer.iter().any(|k| k.action.is_probe_dialog()));
    let editing = DashboardView::build(&s, now, 80, 24, &keys());
    let hints: Vec<(&str, &str)> = editing
        .footer
        .iter()
        .map(|k| (k.keys.as_str(), k.hint))
        .collect();
    assert_eq!(
        hints,
        [
            ("esc", "done"),
            ("enter", "send"),
            ("tab", "field"),
            ("backtab", "prev field")
        ]
    );
    s.apply(Event::Action(Action::Dismiss), now);
    let browsing = DashboardView::build(&s, now, 80, 24, &keys());
    let actions: Vec<Action> = browsing.footer.iter().map(|k| k.action).collect();
    assert_eq!(actions[0], Action::Dismiss);
    assert!(actions.contains(&Action::ProbeResend) && actions.contains(&Action::ProbeOlder));
    s.apply(Event::Action(Action::Dismiss), now);
    assert!(DashboardView::build(&s, now, 80, 24, &keys())
        .probe
        .is_none());
}

#[test]
fn runbook_summaries_wrap_with_indented_continuations() {
    let lines = result::wrap_runbook("runbook 502: Bad gateway (retry: yes)\n  the upstream answered something the gateway could not use", 30);
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        text,
        [
            "runbook 502: Bad gateway",
            "  (retry: yes)",
            "  the upstream answered",
            "    something the gateway",
            "    could not use"
        ]
    );
    assert!(text.iter().all(|t| t.chars().count() <= 30));
}
