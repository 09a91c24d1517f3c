//! Two real HAProxy processes as two instances of one gateway: one row per backend with the
//! sum of what clients got back through either, each instance's share kept exactly, and one
//! instance's 5xx visible in its own numbers.

#[path = "gateways/live.rs"]
mod live;

use std::collections::BTreeMap;
use std::time::Duration;

use gatewatch::cli::SourceArgs;
use gatewatch::model::route::RouteKey;
use gatewatch::model::status::StatusClass;
use gatewatch::session::Session;
use gatewatch::sources::clock::now;
use gatewatch::sources::plan::resolve;
use gatewatch::store::ranking::ranked_rows;
use gatewatch::store::Store;
use live::*;

/// Requests per class the store holds for `route` of source `i`, since its baseline.
fn classes(store: &Store, i: usize, route: &str) -> BTreeMap<StatusClass, u64> {
    let mut out = BTreeMap::new();
    let key = RouteKey::new(None, route);
    if let Some(r) = store
        .routes
        .get(&store.sources[i].spec.id)
        .and_then(|m| m.get(&key))
    {
        for (status, n) in r.by_status() {
            *out.entry(status.class()).or_default() += n;
        }
    }
    out
}

fn by_class(got: &BTreeMap<(String, u16), u64>, paths: &[&str]) -> BTreeMap<StatusClass, u64> {
    let mut out = BTreeMap::new();
    for ((path, status), n) in got {
        if paths.contains(&path.as_str()) {
            *out.entry(gatewatch::model::status::Status::Code(*status).class())
                .or_default() += n;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_haproxy_instances_make_one_gateway() {
    if !have("haproxy", "real_haproxy_instances") {
        return;
    }
    let (backend, _task) = start_backend().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let one = Haproxy::start(dir.path(), "haproxy1", backend.port(), 1000);
    let two = Haproxy::start(dir.path(), "haproxy2", backend.port(), 1000);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    for i in [&one, &two] {
        assert!(
            wait_ready(&client, &i.metrics, 100).await,
            "haproxy did not come up"
        );
    }
    let config = dir.path().join("gw.toml");
    std::fs::write(
        &config,
        format!(
            "[[scrape]]\ngateway = \"edge\"\npreset = \"haproxy\"\ninterval = \"200ms\"\ntargets = [\"{}\", \"{}\"]\n",
            one.metrics, two.metrics
        ),
    )
    .expect("write config");
    let args = SourceArgs {
        config: Some(config),
        ..SourceArgs::default()
    };
    let mut session = Session::start(resolve(&args, false).expect("plan"))
        .await
        .expect("session");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    // Both baselines first: what is sent afterwards is what the increases must equal.
    while session.store.sources.iter().any(|s| s.last_ok.is_none()) {
        let ev = tokio::time::timeout_at(deadline, session.rx.recv())
            .await
            .expect("both instances scraped within 20 s")
            .expect("sources running");
        session.store.apply(ev, now());
    }
    let mut got_one = BTreeMap::new();
    let mut got_two = BTreeMap::new();
    send(&client, &one.base, "GET", "/ok", 20, &mut got_one).await;
    send(&client, &one.base, "GET", "/boom", 6, &mut got_one).await;
    send(&client, &two.base, "GET", "/ok", 10, &mut got_two).await;
    send(&client, &two.base, "GET", "/missing", 4, &mut got_two).await;
    send(&client, &two.base, "GET", "/down", 3, &mut got_two).await;
    let want_one = by_class(&got_one, &["/ok", "/boom"]);
    let want_two = by_class(&got_two, &["/ok", "/missing"]);
    let want_down = by_class(&got_two, &["/down"]);
    loop {
        let s = &session.store;
        if classes(s, 0, "be_app") == want_one
            && classes(s, 1, "be_app") == want_two
            && classes(s, 1, "be_down") == want_down
        {
            break;
        }
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, session.rx.recv()).await else {
            panic!(
                "instances never matched what was sent: one {:?} vs {want_one:?}, two {:?} vs {want_two:?}",
                classes(s, 0, "be_app"),
                classes(s, 1, "be_app")
            );
        };
        session.store.apply(ev, now());
    }
    let store = &session.store;
    let at = now();
    let rows = ranked_rows(store, at);
    let app = rows
        .iter()
        .find(|r| r.key.route.as_ref() == "be_app")
        .expect("a be_app row");
    assert_eq!(app.primary.as_str(), "gateway:edge");
    assert_eq!(
        rows.iter()
            .filter(|r| r.key.route.as_ref() == "be_app")
            .count(),
        1,
        "one row for the backend, not one per instance"
    );
    let feed = store.feed(&app.primary).expect("gateway feed");
    let merged = feed.route_stats(store, &app.key).expect("summed stats");
    let mut summed: BTreeMap<StatusClass, u64> = BTreeMap::new();
    for (status, n) in merged.by_status() {
        *summed.entry(status.class()).or_default() += n;
    }
    let mut want_sum = want_one.clone();
    for (c, n) in &want_two {
        *want_sum.entry(*c).or_default() += n;
    }
    assert_eq!(summed, want_sum);
    // One instance answered 5xx on be_app, the other none: the detail shows which.
    let detail = gatewatch::view::instances::build(store, feed, &app.key, at);
    assert_eq!(detail.len(), 2);
    assert_eq!(detail[1].r5xx, "0");
    assert_ne!(detail[0].r5xx, "0");
    let up = feed.instances_up(store);
    assert_eq!((up.up, up.total), (2, 2));
}
