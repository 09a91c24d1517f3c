use super::*;

const NOW: Timestamp = Timestamp(1_764_626_400_000);

fn open_on(base: Option<&str>, route: Option<RouteKey>) -> ProbeState {
    let mut s = ProbeState {
        base_url: base.map(String::from),
        ..ProbeState::default()
    };
    s.open(route.as_ref());
    s
}

fn dialog(s: &ProbeState) -> &ProbeDialog {
    s.dialog().expect("the dialog is open")
}

fn type_text(s: &mut ProbeState, text: &str) {
    for c in text.chars() {
        s.key(DialogKey::Char(c));
    }
}

/// Base URL, route (method, name), then the method and URL the dialog opens with.
type PrefillCase<'a> = (
    Option<&'a str>,
    Option<(Option<&'a str>, &'a str)>,
    &'a str,
    &'a str,
);
/// Method, URL, headers, body, then Ok or a word of the complaint.
type FormCase<'a> = (&'a str, &'a str, &'a str, &'a str, Result<(), &'a str>);

#[test]
fn prefill_joins_the_base_url_and_the_routes_path() {
    let cases: &[PrefillCase] = &[
        (
            Some("http://127.0.0.1:8000/"),
            Some((Some("POST"), "/v1/orders")),
            "POST",
            "http://127.0.0.1:8000/v1/orders",
        ),
        (
            Some("https://api.example.com"),
            Some((Some("get"), "/v1/orders/{id}")),
            "GET",
            "https://api.example.com/v1/orders/{id}",
        ),
        // A metrics route name (Kong's `route` label) has no path: the base URL alone.
        (
            Some("https://api.example.com/"),
            Some((None, "orders-list")),
            "GET",
            "https://api.example.com",
        ),
        (None, Some((Some("GET"), "/healthz")), "GET", "/healthz"),
        (None, Some((None, "(gateway)")), "GET", ""),
        (Some("http://gw:8000"), None, "GET", "http://gw:8000"),
        // Label values are outside text: escapes never reach the field.
        (
            Some("http://gw"),
            Some((Some("GET"), "/a\x1b]0;x\x07b")),
            "GET",
            "http://gw/ab",
        ),
    ];
    for (base, route, method, url) in cases {
        let route = route.map(|(m, r)| RouteKey::new(m, r));
        let s = open_on(*base, route.clone());
        let d = dialog(&s);
        assert_eq!(d.form.method.text(), *method, "{route:?}");
        assert_eq!(d.form.url.text(), *url, "{route:?}");
        // Opened editing the URL, cursor at its end, ready for the path to be typed.
        assert_eq!((d.focus, d.editing), (Field::Url, true));
        assert_eq!(d.form.url.cursor(), url.len());
        assert_eq!(d.route, route);
    }
}

#[test]
fn typing_goes_to_the_focused_field_and_tab_cycles_focus() {
    let mut s = open_on(Some("http://gw"), Some(RouteKey::new(None, "orders-list")));
    type_text(&mut s, "/v1/orders");
    assert_eq!(dialog(&s).form.url.text(), "http://gw/v1/orders");
    let mut seen = vec![dialog(&s).focus];
    for _ in 0..Field::ALL.len() {
        s.act(Action::ProbeNextField, NOW);
        seen.push(dialog(&s).focus);
    }
    assert_eq!(
        seen,
        [
            Field::Url,
            Field::Headers,
            Field::Body,
            Field::Cors,
            Field::Method,
            Field::Url
        ]
    );
    s.act(Action::ProbePrevField, NOW);
    s.act(Action::ProbePrevField, NOW);
    assert_eq!(dialog(&s).focus, Field::Cors);
    s.act(Action::ProbeNextField, NOW);
    s.act(Action::ProbeNextField, NOW);
    s.act(Action::ProbeNextField, NOW);
    assert_eq!(dialog(&s).focus, Field::Headers);
    type_text(&mut s, "X-Debug: 1");
    assert!(dialog(&s).takes(&DialogKey::Newline));
    s.key(DialogKey::Newline);
    s.key(DialogKey::Paste(
        "Authorization: Bearer tok-123456789\n".into(),
    ));
    assert_eq!(
        dialog(&s).form.headers.text(),
        "X-Debug: 1\nAuthorization: Bearer tok-123456789"
    );
    // Esc stops editing first; then keys are the keymap's again, and esc closes.
    s.act(Action::Dismiss, NOW);
    assert!(!dialog(&s).editing);
    assert!(!dialog(&s).takes(&DialogKey::Char('r')));
    s.act(Action::ProbeEdit, NOW);
    assert!(dialog(&s).editing);
    s.act(Action::Dismiss, NOW);
    s.act(Action::Dismiss, NOW);
    assert!(!s.is_open());
    // Headers carry over to the next dialog; the URL is the new route's.
    s.open(Some(&RouteKey::new(Some("GET"), "/v1/search")));
    assert_eq!(dialog(&s).form.headers.lines().count(), 2);
    assert_eq!(dialog(&s).form.url.text(), "http://gw/v1/search");
}

#[test]
fn one_line_fields_leave_enter_and_arrows_to_the_keymap() {
    let s = open_on(Some("http://gw"), None);
    let d = dialog(&s);
    assert!(!d.takes(&DialogKey::Newline));
    assert!(!d.takes(&DialogKey::Up));
    assert!(d.takes(&DialogKey::Left));
    assert!(d.takes(&DialogKey::Char('q')));
}

#[test]
fn space_toggles_the_preflight_and_typing_an_origin_turns_it_on() {
    let mut s = open_on(Some("http://gw"), None);
    s.act(Action::ProbePrevField, NOW);
    s.act(Action::ProbePrevField, NOW);
    assert_eq!(dialog(&s).focus, Field::Cors);
    s.key(DialogKey::Char(' '));
    assert!(dialog(&s).form.cors);
    s.key(DialogKey::Char(' '));
    assert!(!dialog(&s).form.cors);
    type_text(&mut s, "https://shop.example.com");
    assert!(dialog(&s).form.cors);
    assert_eq!(dialog(&s).form.origin.text(), "https://shop.example.com");
    s.act(Action::ProbeToggleCors, NOW);
    assert!(!dialog(&s).form.cors);
}

#[test]
fn send_validates_and_builds_the_request() {
    let cases: &[FormCase] = &[
        ("GET", "http://gw/v1/orders", "", "", Ok(())),
        ("", "/v1/orders", "", "", Ok(())),
        ("GE T", "http://gw/", "", "", Err("not an HTTP method")),
        ("GET", "  ", "", "", Err("type a URL")),
        (
            "GET",
            "http://gw/v1/orders/{id}",
            "",
            "",
            Err("replace {id}"),
        ),
        (
            "GET",
            "http://gw/",
            "X-A: 1\nbroken",
            "",
            Err("headers line 2"),
        ),
        ("POST", "http://gw/", "\nX-A: 1\n\n", "{\"a\":1}", Ok(())),
    ];
    for (method, url, headers, body, want) in cases {
        let form = ProbeForm {
            method: TextField::single(method),
            url: TextField::single(url),
            headers: TextField::multi(headers),
            body: TextField::multi(body),
            ..ProbeForm::default()
        };
        match (form.request(), want) {
            (Ok(req), Ok(())) => {
                assert_eq!(req.method, *method);
                assert_eq!(req.url, url.trim());
                assert_eq!(req.body.is_some(), !body.is_empty());
                assert_eq!(
                    req.headers.len(),
                    headers.lines().filter(|l| !l.is_empty()).count()
                );
            }
            (Err(e), Err(w)) => assert!(e.contains(w), "{e:?} should say {w:?}"),
            (got, want) => panic!("{method} {url}: got {got:?}, want {want:?}"),
        }
    }
    let cors = ProbeForm {
        url: TextField::single("/v1/orders"),
        cors: true,
        ..ProbeForm::default()
    };
    assert!(cors.request().unwrap_err().contains("Origin"));
    let cors = ProbeForm {
        origin: TextField::single("https://shop.example.com"),
        ..cors
    };
    assert_eq!(
        cors.request().expect("valid").cors_origin.as_deref(),
        Some("https://shop.example.com")
    );
}

#[test]
fn enter_sends_a_probe_and_a_bad_form_says_why_instead() {
    let mut s = open_on(Some("http://gw"), Some(RouteKey::new(None, "orders-list")));
    type_text(&mut s, "/v1/orders/{id}");
    assert_eq!(s.act(Action::ProbeSend, NOW), Some(Vec::new()));
    assert!(dialog(&s).error.as_deref().unwrap_or("").contains("{id}"));
    assert!(dialog(&s).editing, "a rejected form stays editable");
    for _ in 0.."{id}".len() {
        s.key(DialogKey::Backspace);
    }
    assert_eq!(dialog(&s).error, None, "typing clears the complaint");
    type_text(&mut s, "7");
    let effects = s.act(Action::ProbeSend, NOW).expect("a dialog action");
    let [Effect::StartProbe { id, request }] = effects.as_slice() else {
        panic!("one StartProbe, got {effects:?}");
    };
    assert_eq!(*id, 1);
    assert_eq!(request.url, "http://gw/v1/orders/7");
    assert!(!dialog(&s).editing);
    assert_eq!(s.pending(), 1);
    assert_eq!(s.shown().map(|p| p.id), Some(1));
}

#[test]
fn history_moves_between_probes_and_resends_the_one_shown() {
    let mut s = open_on(Some("http://gw"), Some(RouteKey::new(Some("GET"), "/a")));
    s.act(Action::ProbeSend, NOW);
    s.act(Action::ProbeEdit, NOW);
    s.key(DialogKey::Backspace);
    type_text(&mut s, "b");
    s.act(Action::ProbeSend, NOW);
    s.answered(1, None);
    s.rejected(2, "no \x1b[31mbase");
    let outcomes: Vec<_> = s.sent().map(|p| p.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Answered { runbook: None },
            Outcome::Rejected("no base".into())
        ]
    );
    assert_eq!(s.shown().map(|p| p.id), Some(2));
    s.act(Action::ProbeOlder, NOW);
    s.act(Action::ProbeOlder, NOW);
    assert_eq!(s.shown().map(|p| p.id), Some(1), "stops at the oldest");
    let effects = s.act(Action::ProbeResend, NOW).expect("dialog action");
    let [Effect::StartProbe { id: 3, request }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.url, "http://gw/a");
    assert_eq!(
        dialog(&s).form.url.text(),
        "http://gw/a",
        "the form shows it"
    );
    assert_eq!(s.shown().map(|p| p.id), Some(3), "back to the newest");
    s.act(Action::ProbeNewer, NOW);
    assert_eq!(s.shown().map(|p| p.id), Some(3));
}

#[test]
fn history_is_bounded_and_actions_need_an_open_dialog() {
    let mut s = ProbeState {
        base_url: Some("http://gw".into()),
        ..ProbeState::new(3)
    };
    assert_eq!(s.act(Action::ProbeSend, NOW), None);
    s.open(None);
    s.key(DialogKey::Paste("/x".into()));
    for _ in 0..5 {
        s.act(Action::ProbeSend, NOW);
    }
    let ids: Vec<u64> = s.sent().map(|p| p.id).collect();
    assert_eq!(ids, [3, 4, 5]);
    assert_eq!(s.act(Action::SelectNext, NOW), None);
}

#[test]
fn debug_output_never_holds_typed_secrets() {
    let mut s = open_on(Some("http://gw"), None);
    s.key(DialogKey::Paste("/x?api_key=sekrit-query-123".into()));
    s.act(Action::ProbeNextField, NOW);
    s.key(DialogKey::Paste(
        "Authorization: Bearer sekrit-token-456".into(),
    ));
    s.act(Action::ProbeSend, NOW);
    let shown = format!("{s:?}");
    assert!(!shown.contains("sekrit"), "{shown}");
}
