//! Benchmark of the impact view on a large directory: `scim-wizard-cli plan --json` with the
//! group "Staff" of 5,000 generated people assigned, against the sandbox with 50 ms of latency
//! on every call.
//!
//! It reports how Graph was read (pages of `transitiveMembers`; the client asks for the most a
//! page may hold, 999, and only the fields it needs with `$select`) and the time from the end of
//! the last page to the CLI's `impact` event. Goal (issue 15, "Speed"):
//! the impact is out within 2 s of the last page; the run exits 1 when it is missed.
//!
//! `cargo bench -p scim-wizard-cli --bench impact` (`make bench-cli` runs it with the apply
//! benchmark). `BENCH_STAFF` sets the directory's size (default 5,000).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use chrono::{DateTime, Utc};
use scim_wizard_sandbox::{STAFF_GROUP, Sandbox, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

const LATENCY: Duration = Duration::from_millis(50);
const GOAL: Duration = Duration::from_secs(2);

fn micros(entry: &Value) -> (i64, i64) {
    let start = DateTime::parse_from_rfc3339(entry["time"].as_str().unwrap())
        .unwrap()
        .timestamp_micros();
    (
        start,
        start + entry["duration_ms"].as_i64().unwrap_or(0) * 1000,
    )
}

struct Measure {
    people: usize,
    pages: usize,
    after_last_page_ms: f64,
    whole_ms: f64,
}

async fn one_run(staff: usize) -> Measure {
    let sandbox = Sandbox::start(
        SandboxConfig::default()
            .with_latency(LATENCY)
            .with_staff(staff),
    )
    .await
    .unwrap();
    let urls = sandbox.urls().clone();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    http.post(format!("{}/login/behaviour", urls.control))
        .json(&json!({"device_poll_interval_seconds": 1}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let seed_data = sandbox.seed_data().clone();
    let key = seed_data
        .key(SeedKeyKind::IamManagerApplication)
        .unwrap()
        .secret_key
        .clone();
    let home = match std::env::var_os("SCIM_WIZARD_TEST_TMPDIR") {
        Some(base) => tempfile::tempdir_in(base).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };

    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_scim-wizard-cli"));
    command.args([
        "plan",
        "--device-code",
        "--json",
        "--no-keychain",
        "--assign-group",
        STAFF_GROUP,
    ]);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("SCW_") || name.starts_with("SCIM_WIZARD_") {
            command.env_remove(&name);
        }
    }
    command
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("SCIM_WIZARD_DATA_DIR", home.path().join("data"))
        .env("SCW_SECRET_KEY", &key)
        .env("SCW_DEFAULT_ORGANIZATION_ID", &seed_data.organization_id)
        .env("SCIM_WIZARD_LOGIN_URL", &urls.login)
        .env("SCIM_WIZARD_GRAPH_URL", &urls.graph)
        .env("SCIM_WIZARD_SCALEWAY_URL", &urls.scaleway_api)
        .env("SCIM_WIZARD_SCIM_BASE_URL", &urls.scim_base_url_pattern)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let began = std::time::Instant::now();
    // The CLI runs while the sandbox keeps serving on this runtime; each line is stamped when
    // it arrives.
    let (impact, impact_at, output) = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut impact = None;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            if event["event"] == "impact" {
                impact = Some((event, Utc::now().timestamp_micros()));
            }
        }
        let (impact, at) = impact.unzip();
        (impact, at, child.wait_with_output().unwrap())
    })
    .await
    .unwrap();
    let whole_ms = began.elapsed().as_secs_f64() * 1000.0;
    assert!(
        output.status.success(),
        "plan failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let impact = impact.expect("plan says the impact");
    let impact_at = impact_at.expect("stamped");

    let log: Value = http
        .get(format!("{}/requests", urls.control))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pages: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["path"]
                .as_str()
                .unwrap_or_default()
                .contains("transitiveMembers")
        })
        .collect();
    assert!(!pages.is_empty(), "the group's members were read");
    let last_page_end = pages.iter().map(|e| micros(e).1).max().unwrap();
    sandbox.shutdown().await;
    Measure {
        people: impact["create"].as_array().map_or(0, Vec::len),
        pages: pages.len(),
        after_last_page_ms: (impact_at - last_page_end) as f64 / 1000.0,
        whole_ms,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken from the command line.
    let staff: usize = std::env::var("BENCH_STAFF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let m = runtime.block_on(one_run(staff));

    println!(
        "\n### The impact view on {staff} people, {} ms latency per call\n",
        LATENCY.as_millis()
    );
    println!(
        "| people said | pages of transitiveMembers | impact after the last page | whole `plan` |"
    );
    println!("|---|---|---|---|");
    println!(
        "| {} | {} | {:.0} ms | {:.1} s |",
        m.people,
        m.pages,
        m.after_last_page_ms,
        m.whole_ms / 1000.0
    );
    // 999 a page at most: fewer pages than that would mean a page held more than Graph serves.
    let paged = m.pages >= staff.div_ceil(999);
    let met = m.people == staff && paged && m.after_last_page_ms <= GOAL.as_secs_f64() * 1000.0;
    println!(
        "\nGoal: every person said, Graph read page by page, the impact within {} s of the last page: {}",
        GOAL.as_secs(),
        if met { "met" } else { "MISSED" }
    );
    if !met {
        std::process::exit(1);
    }
}
