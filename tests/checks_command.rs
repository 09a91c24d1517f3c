//! `gatewatch check`: exit codes (0 pass, 1 fail, 2 config errors), `--strict`, and the JSON
//! and JUnit shapes CI reads.

mod checks_support;

use std::time::Duration;

use checks_support::*;
use gatewatch::commands::check::{
    self, build_specs, parse_checks_toml, render, CheckArgs, CheckFormat,
};
use gatewatch::sources::check::{run_all, ClientCache};
use gatewatch::sources::http::wall_now;

fn args(config: Option<std::path::PathBuf>, checks: Vec<String>, strict: bool) -> CheckArgs {
    CheckArgs {
        config,
        checks,
        format: CheckFormat::Text,
        strict,
        timeout: Duration::from_secs(2),
    }
}

/// `/ok` answers at once, `/slow` after 150 ms, `/down` with 503.
async fn gateway() -> std::net::SocketAddr {
    serve(|seen| match seen.path() {
        "/ok" => Script::Reply(response(
            200,
            &[("X-Request-Id", "ok-1")],
            "{\"status\":\"ok\"}",
        )),
        "/slow" => Script::Delayed(Duration::from_millis(150), response(200, &[], "{}")),
        _ => Script::Reply(response(503, &[("Retry-After", "10")], "down")),
    })
    .await
}

fn write_config(dir: &tempfile::TempDir, body: &str) -> std::path::PathBuf {
    let path = dir.path().join("gatewatch.toml");
    std::fs::write(&path, body).expect("write config");
    path
}

#[tokio::test]
async fn exit_codes_follow_the_results() {
    let addr = gateway().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let healthy = write_config(
        &dir,
        &format!(
            "[scrape]\nignored = true\n\n[[checks]]\nname = \"ok\"\nurl = \"http://{addr}/ok\"\njson = [{{ pointer = \"/status\", equals = \"ok\" }}]\n"
        ),
    );
    assert_eq!(
        check::run(args(Some(healthy), vec![], false))
            .await
            .expect("runs"),
        0
    );

    let failing = write_config(
        &dir,
        &format!("[[checks]]\nname = \"ok\"\nurl = \"http://{addr}/ok\"\n\n[[checks]]\nname = \"down\"\nurl = \"http://{addr}/down\"\n"),
    );
    assert_eq!(
        check::run(args(Some(failing), vec![], false))
            .await
            .expect("runs"),
        1
    );

    let degraded = write_config(
        &dir,
        &format!("[[checks]]\nname = \"slow\"\nurl = \"http://{addr}/slow\"\ndegraded_after = \"100ms\"\nfail_after = \"2s\"\n"),
    );
    assert_eq!(
        check::run(args(Some(degraded.clone()), vec![], false))
            .await
            .expect("runs"),
        0
    );
    assert_eq!(
        check::run(args(Some(degraded), vec![], true))
            .await
            .expect("runs"),
        1
    );

    assert_eq!(
        check::run(args(None, vec![format!("http://{addr}/ok")], false))
            .await
            .expect("runs"),
        0
    );
    assert_eq!(
        check::run(args(None, vec![format!("http://{addr}/down")], false))
            .await
            .expect("runs"),
        1
    );
}

#[tokio::test]
async fn config_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        "[[checks]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\nbogus = 1\n",
        "[[checks]]\nname = \"a\"\nurl = \"ftp://127.0.0.1:9/\"\n",
        "[[checks]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n[[checks]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n",
        "[[checks]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\nheaders = { Authorization = \"env:GW_CHECK_TEST_UNSET\" }\n",
        "not toml at all [",
        "",
    ];
    for body in cases {
        let path = write_config(&dir, body);
        assert_eq!(
            check::run(args(Some(path), vec![], false))
                .await
                .expect("runs"),
            2,
            "{body}"
        );
    }
    let missing = dir.path().join("missing.toml");
    assert_eq!(
        check::run(args(Some(missing), vec![], false))
            .await
            .expect("runs"),
        2
    );
    assert_eq!(
        check::run(args(None, vec!["not a url".into()], false))
            .await
            .expect("runs"),
        2
    );
}

#[test]
fn toml_errors_carry_line_and_column() {
    let err =
        parse_checks_toml("[[checks]]\nname = \"a\"\nurl = \"http://x/\"\ntimeout = \"forever\"\n")
            .expect_err("bad");
    assert!(err.contains("line 4"), "{err}");
}

#[tokio::test]
async fn json_and_junit_describe_every_check() {
    let addr = gateway().await;
    let text = format!(
        "[[checks]]\nname = \"ok\"\nroute = \"GET /ok\"\nurl = \"http://{addr}/ok\"\n\n[[checks]]\nname = \"down\"\nurl = \"http://{addr}/down\"\n\n[[checks]]\nname = \"slow\"\nurl = \"http://{addr}/slow\"\ndegraded_after = \"100ms\"\n"
    );
    let file = parse_checks_toml(&text).expect("config");
    let specs = build_specs(
        &file.checks,
        &[],
        Duration::from_secs(2),
        &mut ClientCache::default(),
    )
    .expect("specs");
    let results = run_all(&specs).await;

    let json: serde_json::Value =
        serde_json::from_str(&render(&results, CheckFormat::Json, false, wall_now()))
            .expect("valid json");
    let rows = json["checks"].as_array().expect("checks array");
    let states: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or(""),
                r["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        states,
        [("ok", "ok"), ("down", "failed"), ("slow", "degraded")]
    );
    assert_eq!(rows[0]["route"], "GET /ok");
    assert_eq!(rows[0]["request_id"], "ok-1");
    assert_eq!(rows[1]["reason"], "http_status");
    assert_eq!(rows[1]["status"], 503);
    assert_eq!(rows[1]["retry_after_secs"], 10);
    assert_eq!(rows[2]["reason"], "assertion");
    assert!(rows[0]["phases_ms"]["ttfb"].is_number());
    assert_eq!(json["summary"]["passed"], false);
    assert_eq!(json["summary"]["degraded"], 1);

    let junit = render(&results, CheckFormat::Junit, false, wall_now());
    assert!(junit.starts_with("<?xml"));
    assert!(junit.contains("tests=\"3\" failures=\"1\""), "{junit}");
    assert!(
        junit.contains("<failure type=\"http_status\" message=\"status 503, expected 2xx\">"),
        "{junit}"
    );
    let strict = render(&results, CheckFormat::Junit, true, wall_now());
    assert!(strict.contains("failures=\"2\""), "{strict}");
    assert_eq!(junit.matches("<testcase ").count(), 3);
    assert_eq!(junit.matches("</testcase>").count(), 3);

    let text = render(&results, CheckFormat::Text, false, wall_now());
    assert!(
        text.contains("3 checks: 1 ok, 1 degraded, 1 failed — FAIL"),
        "{text}"
    );
    assert!(text.contains("warning: assertion latency"), "{text}");
}
