use super::*;
use crate::model::histogram::LatencyHistogram;
use crate::model::status::Status;

const T0: Timestamp = Timestamp(1_795_345_190_000);

fn line(path: &str, status: u16, secs: u32, extra: &str) -> String {
    format!(
        r#"127.0.0.1 - - [22/Nov/2026:10:59:{secs:02} +0000] "GET {path} HTTP/1.1" {status} 10 "-" "ua"{extra}"#
    )
}

fn agg(opts: AggregateOptions) -> LogAggregator {
    let f = LogFormat::builtin(FormatName::Combined).unwrap();
    LogAggregator::new(FormatChoice::Fixed(f), RouteTemplates::auto(), opts)
}

fn count_of(batch: &TrafficBatch, route: &str, code: u16) -> u64 {
    batch
        .deltas
        .iter()
        .filter(|d| d.route.to_string() == route)
        .flat_map(|d| d.statuses.iter())
        .filter(|s| s.status == Status::Code(code))
        .map(|s| s.count)
        .sum()
}

#[test]
fn counts_per_route_status_and_bucket() {
    let mut a = agg(AggregateOptions::default());
    a.push_line(line("/v1/orders/1", 200, 50, " 0.010").as_bytes(), T0);
    a.push_line(line("/v1/orders/2?x=1", 200, 50, " 0.020").as_bytes(), T0);
    a.push_line(line("/v1/orders/3", 502, 51, " 0.030").as_bytes(), T0);
    a.push_line(b"not a log line", T0);
    let b = a.take_batch();
    assert_eq!(b.deltas.len(), 2, "{b:?}");
    assert_eq!(b.deltas[0].at, T0);
    assert_eq!(b.deltas[1].at, Timestamp(T0.0 + 1000));
    assert_eq!(count_of(&b, "GET /v1/orders/{id}", 200), 2);
    assert_eq!(count_of(&b, "GET /v1/orders/{id}", 502), 1);
    assert_eq!(
        b.deltas[0].latency.as_ref().map(LatencyHistogram::total),
        Some(2)
    );
    assert_eq!(b.deltas[1].errors.len(), 1);
    let s = a.stats();
    assert_eq!(s.detected.as_deref(), Some("combined"));
    assert_eq!(s.bad_lines, 1);
    assert!(s.last_bad_line.unwrap().starts_with("line 4:"));
    assert_eq!(s.progress, Some((4, None)));
    // Deltas are handed over once.
    assert!(a.take_batch().deltas.is_empty());
}

#[test]
fn cap_folds_overflow_into_other_and_counts_hidden_routes() {
    let mut a = agg(AggregateOptions {
        route_cap: 3,
        ..AggregateOptions::default()
    });
    for name in ["a", "b", "c", "d", "e", "e", "f"] {
        a.push_line(line(&format!("/{name}"), 404, 50, "").as_bytes(), T0);
    }
    let b = a.take_batch();
    assert_eq!(a.routes().len(), 4);
    assert_eq!(count_of(&b, "(other)", 404), 4);
    assert_eq!(a.hidden_paths(), 3);
    let total: u64 = b.deltas.iter().map(RouteDelta::requests).sum();
    assert_eq!(total, 7);
}

#[test]
fn fallback_time_dates_lines_without_a_readable_time() {
    let f = LogFormat::nginx(r#"$remote_addr "$request" $status"#).unwrap();
    let mut a = LogAggregator::new(
        FormatChoice::Fixed(f),
        RouteTemplates::auto(),
        AggregateOptions::default(),
    );
    a.push_line(br#"1.2.3.4 "GET /x HTTP/1.1" 200"#, Timestamp(12_345));
    let b = a.take_batch();
    assert_eq!(b.deltas[0].at, Timestamp(12_000));
}

#[test]
fn damaged_lines_are_kept_or_reported() {
    let mut a = agg(AggregateOptions {
        max_line_bytes: 300,
        ..AggregateOptions::default()
    });
    let mut bad_utf8 = line("/v1/x\u{0}", 500, 50, "").into_bytes();
    bad_utf8.insert(40, 0xff);
    a.push_line(&bad_utf8, T0);
    a.push_line(line("/v1/y", 200, 50, "\r").as_bytes(), T0);
    a.push_line(&vec![b'x'; 400], T0);
    a.push_line(b"   ", T0);
    let b = a.take_batch();
    assert_eq!(b.deltas.iter().map(RouteDelta::requests).sum::<u64>(), 2);
    assert_eq!(a.counts().oversize, 1);
    assert_eq!(a.counts().blank, 1);
    assert!(a.stats().last_bad_line.unwrap().contains("400 bytes"));
    // The NUL is removed from what is displayed; the route key is sanitised.
    assert!(a.routes().iter().any(|k| &*k.route == "/v1/x"));
}

#[test]
fn error_samples_are_redacted_and_bounded() {
    let mut a = agg(AggregateOptions {
        error_samples: 2,
        ..AggregateOptions::default()
    });
    for i in 0..5 {
        a.push_line(
            line(&format!("/v1/users/{i}?api_key=SECRET{i}"), 401, 50, "").as_bytes(),
            T0,
        );
    }
    let b = a.take_batch();
    let errors = &b.deltas[0].errors;
    assert_eq!(errors.len(), 2);
    assert!(errors
        .iter()
        .all(|e| !e.line.contains("SECRET") && e.status == Status::Code(401)));
    assert!(errors[1].line.contains("/v1/users/4?api_key=…(redacted)"));
}

#[test]
fn old_lines_go_into_coarse_buckets_with_the_same_counts() {
    let lines = [
        line("/v1/orders/1", 200, 50, " 0.010"),
        line("/v1/orders/2", 200, 51, " 0.020"),
        line("/v1/orders/3", 502, 52, " 0.030"),
    ];
    let read_at = |a: &mut LogAggregator, now: Timestamp| {
        for l in &lines {
            a.push_line(l.as_bytes(), now);
        }
        a.take_batch()
    };
    let history = Duration::from_secs(15 * 60);
    // Read two hours later: older than the fine history, one coarse bucket.
    let mut a = agg(AggregateOptions::default());
    a.keep_fine_buckets_for(history);
    let b = read_at(&mut a, Timestamp(T0.0 + 7_200_000));
    assert_eq!(b.deltas.len(), 1, "{b:?}");
    let hour = T0.0.div_euclid(COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
    assert_eq!(b.deltas[0].at, Timestamp(hour));
    assert_eq!(count_of(&b, "GET /v1/orders/{id}", 200), 2);
    assert_eq!(count_of(&b, "GET /v1/orders/{id}", 502), 1);
    assert_eq!(b.deltas[0].latency.as_ref().map(|h| h.total()), Some(3));
    // Read a minute later: within the fine history, one bucket per second as without it.
    let mut a = agg(AggregateOptions::default());
    a.keep_fine_buckets_for(history);
    let fine = read_at(&mut a, Timestamp(T0.0 + 60_000));
    let mut a = agg(AggregateOptions::default());
    let plain = read_at(&mut a, Timestamp(T0.0 + 7_200_000));
    assert_eq!(fine.deltas.len(), 3);
    assert_eq!(fine.deltas, plain.deltas);
}

#[test]
fn auto_detects_and_reports() {
    let mut a = LogAggregator::new(
        FormatChoice::Auto,
        RouteTemplates::auto(),
        AggregateOptions::default(),
    );
    assert_eq!(a.detected(), None);
    a.push_line(line("/x", 200, 50, "").as_bytes(), T0);
    assert_eq!(a.detected(), Some(FormatName::Combined));
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(lines in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..120), 0..20)) {
        let mut a = LogAggregator::new(FormatChoice::Auto, RouteTemplates::auto(), AggregateOptions::default());
        for l in &lines {
            a.push_line(l, T0);
        }
        let b = a.take_batch();
        let counted: u64 = b.deltas.iter().map(RouteDelta::requests).sum();
        proptest::prop_assert_eq!(counted, a.counts().records);
    }
}

#[test]
fn repeated_paths_keep_their_rows_before_and_after_the_cap() {
    // `/a` and `/b` take the two rows; `/c` and `/d` fold into "other". Each path then comes
    // again (now answered from the route cache) and must land where it landed the first time.
    let mut a = agg(AggregateOptions {
        route_cap: 2,
        ..AggregateOptions::default()
    });
    for path in [
        "/a", "/b", "/c", "/a", "/d", "/c", "/b", "/a", "/v1/x/7", "/v1/x/8",
    ] {
        a.push_line(line(path, 200, 50, "").as_bytes(), T0);
    }
    let b = a.take_batch();
    assert_eq!(count_of(&b, "GET /a", 200), 3);
    assert_eq!(count_of(&b, "GET /b", 200), 2);
    assert_eq!(count_of(&b, &RouteKey::other().to_string(), 200), 5);
    // `/c`, `/d` and `/v1/x/{id}`.
    assert_eq!(a.hidden_paths(), 3);
    // A POST to a cached GET path is its own route (here: hidden).
    a.push_line(
        line("/a", 201, 50, "").replace("GET", "POST").as_bytes(),
        T0,
    );
    let b = a.take_batch();
    assert_eq!(count_of(&b, "GET /a", 201), 0);
    assert_eq!(count_of(&b, &RouteKey::other().to_string(), 201), 1);
}

proptest::proptest! {
    /// A whole chunk through `push_lines` counts exactly as its lines one by one through
    /// `push_line`: good, broken UTF-8, CRLF, blank, oversize, and empty pieces.
    #[test]
    fn a_chunk_counts_as_its_lines(kinds in proptest::collection::vec(0u8..7, 0..30), trailing_newline in proptest::bool::ANY) {
        let opts = AggregateOptions { max_line_bytes: 300, ..AggregateOptions::default() };
        let mut chunk: Vec<u8> = Vec::new();
        for (i, k) in kinds.iter().enumerate() {
            let piece: Vec<u8> = match k {
                0 => line(&format!("/v1/orders/{i}"), 200, 50, " 0.010").into_bytes(),
                1 => line("/v1/pay", 502, 51, "\r").into_bytes(),
                2 => { let mut l = line("/v1/x", 500, 50, "").into_bytes(); l.insert(40, 0xff); l }
                3 => b"  \t ".to_vec(),
                4 => vec![b'y'; 400],
                5 => Vec::new(),
                _ => b"garbage".to_vec(),
            };
            chunk.extend_from_slice(&piece);
            if i + 1 < kinds.len() || trailing_newline {
                chunk.push(b'\n');
            }
        }
        let mut whole = agg(opts.clone());
        whole.push_lines(&chunk, T0);
        let mut single = agg(opts);
        for piece in chunk.split(|&b| b == b'\n').filter(|p| !p.is_empty()) {
            single.push_line(piece, T0);
        }
        proptest::prop_assert_eq!(whole.counts(), single.counts());
        proptest::prop_assert_eq!(whole.stats(), single.stats());
        proptest::prop_assert_eq!(whole.take_batch(), single.take_batch());
    }
}

proptest::proptest! {
    /// Route counts equal a plain reference (template each path, first `cap` templates get a
    /// row, the rest "other"), whatever the route cache remembers: exact paths, numeric tails,
    /// paths with ids elsewhere, and the cap.
    #[test]
    fn cached_routes_equal_templating_every_line(
        picks in proptest::collection::vec((0usize..12, 0u32..30), 1..60), cap in 1usize..6,
        with_patterns in proptest::bool::ANY,
    ) {
        let shapes = ["/v1/users/{n}", "/v1/users/", "/v1/users", "/{n}", "/v1/{n}/orders/{n}",
            "/v1/users/a{n}", "/v1/users/{n}.json", "/v1/x{n}/{n}", "/v1/{n}/abc{n}def{n}/orders",
            "/v1/users/{n}/orders", "/v1/users//orders", "/{n}/{n}{n}/a"];
        // A literal pattern singles out one number: numeric tails must not be cached then.
        let auto = if with_patterns {
            RouteTemplates::new(&["/v1/users/7", "/v1/{x}/orders/{y}"]).unwrap()
        } else {
            RouteTemplates::auto()
        };
        let f = LogFormat::builtin(FormatName::Combined).unwrap();
        let opts = AggregateOptions { route_cap: cap, ..AggregateOptions::default() };
        let mut a = LogAggregator::new(FormatChoice::Fixed(f), auto.clone(), opts);
        let mut order: Vec<String> = Vec::new();
        let mut want: std::collections::BTreeMap<String, u64> = Default::default();
        for (shape, n) in &picks {
            let path = shapes[*shape].replace("{n}", &n.to_string());
            a.push_line(line(&path, 200, 50, "").as_bytes(), T0);
            let key = auto.route_key(Some("GET"), &path).to_string();
            if !order.contains(&key) {
                order.push(key.clone());
            }
            let row = if order.iter().position(|k| *k == key).unwrap() < cap {
                key
            } else {
                RouteKey::other().to_string()
            };
            *want.entry(row).or_default() += 1;
        }
        let b = a.take_batch();
        let mut got: std::collections::BTreeMap<String, u64> = Default::default();
        for d in &b.deltas {
            *got.entry(d.route.to_string()).or_default() += d.requests();
        }
        proptest::prop_assert_eq!(got, want);
        proptest::prop_assert_eq!(a.hidden_paths() as usize, order.len().saturating_sub(cap));
    }
}
