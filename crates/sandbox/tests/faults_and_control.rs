//! Fault injection and the `/_sandbox` control endpoints, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{Harness, status_json};
use reqwest::StatusCode;
use scim_wizard_sandbox::{FAULT_SPEC_HELP, FaultPlan, SandboxConfig, SeedKeyKind, route_names};
use serde_json::{Value, json};

fn plan(spec: &str) -> FaultPlan {
    spec.parse().unwrap()
}

#[test]
fn spec_parse_errors_name_the_bad_part() {
    for (spec, bad_part) in [
        ("scaleway.get_scim", "scaleway.get_scim"),
        ("scaleway.get_scm:status=500", "scaleway.get_scm:status=500"),
        ("nope.*:drop", "nope.*:drop"),
        ("scim.*:explode", "explode"),
        ("scim.*:status=99", "status=99"),
        ("scim.*:status=abc", "status=abc"),
        ("scim.*:latency=fast", "latency=fast"),
        ("scim.*:drop,nth=0", "nth=0"),
        ("scim.*:drop,fraction=1.5", "fraction=1.5"),
        ("scim.*:drop,colour=red", "colour=red"),
        ("scim.*:drop,nth", "nth"),
        ("scim.*:drop,nth=1,nth=2", "nth=2"),
        (
            "scim.*:latency=5,retry_after=1",
            "scim.*:latency=5,retry_after=1",
        ),
        (
            "scim.*:drop,nth=1,fraction=0.5",
            "scim.*:drop,nth=1,fraction=0.5",
        ),
        ("scim.*:drop,from=3,until=2", "scim.*:drop,from=3,until=2"),
        ("scim.*:status=500,body=xml", "body=xml"),
        ("ok.route:drop;scim.*:drop", "ok.route:drop"),
    ] {
        let error = spec.parse::<FaultPlan>().unwrap_err();
        assert_eq!(error.part, bad_part, "{spec}: {error}");
        assert!(error.to_string().contains(bad_part), "{error}");
    }
    // Every route name is accepted on its own, and the help lists them all.
    for name in route_names() {
        assert!(
            format!("{name}:drop").parse::<FaultPlan>().is_ok(),
            "{name}"
        );
        assert!(FAULT_SPEC_HELP.contains(name), "help lacks {name}");
    }
    assert!(
        "graph.*:drop,fraction=0.1;login.*:latency=5;*:latency=1"
            .parse::<FaultPlan>()
            .is_ok()
    );
}

#[tokio::test]
async fn latency_fault_and_global_latency() {
    let harness = Harness::with_config(
        SandboxConfig::default().with_faults(plan("scaleway.get_organization:latency=300")),
    )
    .await;
    let org_path = format!("/organizations/{}", harness.org());
    let started = Instant::now();
    assert_eq!(
        harness
            .iam_get(SeedKeyKind::Owner, &org_path)
            .await
            .status(),
        StatusCode::OK
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    let slow =
        Harness::with_config(SandboxConfig::default().with_latency(Duration::from_millis(200)))
            .await;
    let started = Instant::now();
    let response = slow
        .client
        .get(slow.control("/state"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn nth_status_with_retry_after_then_success() {
    let harness = Harness::with_config(SandboxConfig::default().with_faults(plan(
        "scaleway.create_scim_token:status=429,retry_after=1,nth=1",
    )))
    .await;
    let scim_id = harness.enable_scim().await;
    let response = harness.create_token_response(&scim_id).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    assert!(response.headers().contains_key("x-request-id"));
    let (_, body) = status_json(response).await;
    assert!(
        body["message"].is_string() && body["type"].is_string(),
        "{body}"
    );
    // The injected answer did not reach the handler: no token exists yet.
    assert_eq!(harness.state().await["scim_tokens"], json!([]));
    assert_eq!(
        harness.create_token_response(&scim_id).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn range_status_with_html_body() {
    let harness = Harness::with_config(
        SandboxConfig::default()
            .with_faults(plan("scaleway.*:status=502,body=html,from=2,until=3")),
    )
    .await;
    let org_path = format!("/organizations/{}", harness.org());
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = harness.iam_get(SeedKeyKind::Owner, &org_path).await;
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::BAD_GATEWAY {
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
        }
    }
    assert_eq!(statuses, [200, 502, 502, 200]);
}

async fn fraction_run(seed: u64) -> Vec<u16> {
    let harness = Harness::with_config(
        SandboxConfig::default()
            .with_seed(seed)
            .with_faults(plan("scaleway.get_organization:status=503,fraction=0.5")),
    )
    .await;
    let org_path = format!("/organizations/{}", harness.org());
    let mut statuses = Vec::new();
    for _ in 0..32 {
        statuses.push(
            harness
                .iam_get(SeedKeyKind::Owner, &org_path)
                .await
                .status()
                .as_u16(),
        );
    }
    statuses
}

#[tokio::test]
async fn seeded_fraction_is_deterministic() {
    let first = fraction_run(11).await;
    let second = fraction_run(11).await;
    assert_eq!(first, second);
    assert!(first.contains(&200) && first.contains(&503), "{first:?}");
    let other_seed = fraction_run(12).await;
    assert_ne!(
        first, other_seed,
        "a different seed should draw differently"
    );
}

#[tokio::test]
async fn drop_closes_the_connection_without_a_response() {
    let harness = Harness::with_config(
        SandboxConfig::default().with_faults(plan("scaleway.get_organization:drop,nth=1")),
    )
    .await;
    let org_path = format!("/organizations/{}", harness.org());
    let error = harness
        .client
        .get(harness.iam(&org_path))
        .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.is_request() || error.is_connect() || error.is_body(),
        "{error:?}"
    );
    assert!(error.status().is_none());
    assert_eq!(
        harness
            .iam_get(SeedKeyKind::Owner, &org_path)
            .await
            .status(),
        StatusCode::OK
    );

    let log: Value = harness
        .client
        .get(harness.control("/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["outcome"], "dropped");
    assert_eq!(entries[0]["status"], Value::Null);
    assert_eq!(entries[0]["route"], "scaleway.get_organization");
    assert_eq!(entries[1]["status"], 200);
}

#[tokio::test]
async fn drop_after_handling_changes_state_but_loses_the_answer() {
    let harness = Harness::start().await;
    // Injected at run time through the control endpoint.
    let response = harness
        .set_faults("scaleway.enable_scim:drop_after,nth=1")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let result = harness
        .client
        .post(harness.iam(&format!("/organizations/{}/scim", harness.org())))
        .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
        .json(&json!({}))
        .send()
        .await;
    assert!(result.is_err());
    let response = harness
        .iam_get(
            SeedKeyKind::Owner,
            &format!("/organizations/{}/scim", harness.org()),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "SCIM got enabled although the client saw no answer"
    );
}

#[tokio::test]
async fn control_faults_endpoint_validates_and_replaces() {
    let harness = Harness::start().await;
    let response = harness.set_faults("scim.*:status=abc").await;
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("status=abc"),
        "{body}"
    );

    let (status, body) = status_json(
        harness
            .set_faults("scaleway.get_organization:status=500, nth=1 ; scim.*:latency=1")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["spec"],
        "scaleway.get_organization:status=500,nth=1;scim.*:latency=1"
    );
    let org_path = format!("/organizations/{}", harness.org());
    let (status, body) = status_json(harness.iam_get(SeedKeyKind::Owner, &org_path).await).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["type"].is_string());

    // An empty plan clears every fault.
    harness
        .set_faults("scaleway.get_organization:status=500")
        .await;
    harness.set_faults("").await;
    assert_eq!(
        harness
            .iam_get(SeedKeyKind::Owner, &org_path)
            .await
            .status(),
        StatusCode::OK
    );
    let state = harness.state().await;
    assert_eq!(state["request_counts"]["scaleway.get_organization"], 2);
    assert_eq!(state["faults"], "");
}

#[tokio::test]
async fn secrets_never_leak_outside_the_seed_endpoint() {
    let harness = Harness::start().await;
    let scim_id = harness.enable_scim().await;
    let (_, bearer) = harness.create_token(&scim_id).await;
    let scim_users = format!("{}/Users", harness.scim_base(&scim_id));
    harness
        .client
        .get(&scim_users)
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();

    let state = harness
        .client
        .get(harness.control("/state"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let requests = harness
        .client
        .get(harness.control("/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secrets: Vec<String> = harness
        .sandbox
        .seed_data()
        .keys
        .iter()
        .map(|key| key.secret_key.clone())
        .collect();
    for text in [&state, &requests] {
        assert!(!text.contains(&bearer), "bearer token leaked");
        // Neither half of the bearer token is shown (the first half encodes only the public id).
        assert!(!text.contains(bearer.split_once('.').unwrap().1));
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "secret key leaked");
        }
    }
    let state: Value = serde_json::from_str(&state).unwrap();
    assert!(
        state["scim_tokens"][0]["bearer_token_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let requests: Value = serde_json::from_str(&requests).unwrap();
    let headers: Vec<&Value> = requests["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["headers"])
        .collect();
    assert!(headers.iter().any(|h| h["x-auth-token"] == "[redacted]"));
    assert!(
        headers
            .iter()
            .any(|h| h["authorization"] == "Bearer [redacted]")
    );

    // The seed endpoint is the one place that hands out the (sandbox-only) secret keys.
    let seed = harness
        .client
        .get(harness.control("/seed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for secret in &secrets {
        assert!(seed.contains(secret.as_str()));
    }
    let seed: scim_wizard_sandbox::SeedData = serde_json::from_str(&seed).unwrap();
    assert_eq!(&seed, harness.sandbox.seed_data());
}

#[tokio::test]
async fn reset_returns_to_the_seed_and_time_travel_moves_the_clock() {
    let harness = Harness::start().await;
    let before: Value = harness.state().await;
    harness.enable_scim().await;
    let response = harness
        .client
        .post(harness.control("/time-travel?seconds=3600"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["now"].is_string());
    let state = harness.state().await;
    assert_eq!(state["clock"]["offset_seconds"], 3600);
    assert_eq!(state["scim"].as_array().unwrap().len(), 1);
    // Every answer's Date is the sandbox's clock, an hour ahead now.
    let answer = harness
        .client
        .get(harness.control("/state"))
        .send()
        .await
        .unwrap();
    let date = answer.headers()["date"].to_str().unwrap().to_owned();
    let told = chrono::DateTime::parse_from_rfc2822(&date).unwrap();
    let ahead = told.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!((ahead.num_seconds() - 3600).abs() <= 2, "{date}");
    let bad = harness
        .client
        .post(harness.control("/time-travel"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let response = harness
        .client
        .post(harness.control("/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let after = harness.state().await;
    assert_eq!(after["scim"], json!([]));
    assert_eq!(after["clock"]["offset_seconds"], 0);
    assert_eq!(after["iam_users"], before["iam_users"]);
    assert_eq!(after["request_counts"], json!({}));
    let log: Value = harness
        .client
        .get(harness.control("/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["requests"], json!([]));
}
