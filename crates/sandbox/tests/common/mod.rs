//! Shared helpers for the sandbox's HTTP tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::{Client, Response, StatusCode};
use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

pub struct Harness {
    pub sandbox: Sandbox,
    pub client: Client,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with_config(SandboxConfig::default()).await
    }

    pub async fn with_config(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        // No pooling: a dropped connection in one test step must not poison the next request.
        let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
        Harness { sandbox, client }
    }

    pub fn secret(&self, kind: SeedKeyKind) -> String {
        self.sandbox
            .seed_data()
            .key(kind)
            .unwrap()
            .secret_key
            .clone()
    }

    pub fn org(&self) -> String {
        self.sandbox.seed_data().organization_id.clone()
    }

    pub fn iam(&self, path: &str) -> String {
        format!("{}/iam/v1alpha1{path}", self.sandbox.urls().scaleway_api)
    }

    pub fn control(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.urls().control)
    }

    pub fn scim_base(&self, scim_id: &str) -> String {
        self.sandbox
            .urls()
            .scim_base_url_pattern
            .replace("{scim_id}", scim_id)
            .replace("{organization_id}", &self.org())
    }

    pub async fn iam_get(&self, kind: SeedKeyKind, path: &str) -> Response {
        self.client
            .get(self.iam(path))
            .header("X-Auth-Token", self.secret(kind))
            .send()
            .await
            .unwrap()
    }

    /// Enables SCIM on Acme with the Owner key, the way the SDK does; returns the scim id.
    pub async fn enable_scim(&self) -> String {
        let response = self
            .client
            .post(self.iam(&format!("/organizations/{}/scim", self.org())))
            .header("X-Auth-Token", self.secret(SeedKeyKind::Owner))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_string()
    }

    /// Creates a SCIM token (no body, as the SDKs send it); returns (token id, bearer token).
    pub async fn create_token(&self, scim_id: &str) -> (String, String) {
        let response = self.create_token_response(scim_id).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        (
            body["token"]["id"].as_str().unwrap().to_string(),
            body["bearer_token"].as_str().unwrap().to_string(),
        )
    }

    pub async fn create_token_response(&self, scim_id: &str) -> Response {
        self.client
            .post(self.iam(&format!("/scim/{scim_id}/tokens")))
            .header("X-Auth-Token", self.secret(SeedKeyKind::Owner))
            .send()
            .await
            .unwrap()
    }

    pub async fn state(&self) -> Value {
        self.client
            .get(self.control("/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn set_faults(&self, spec: &str) -> Response {
        self.client
            .post(self.control("/faults"))
            .body(spec.to_string())
            .send()
            .await
            .unwrap()
    }
}

/// Status and JSON body of a response.
pub async fn status_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"));
    (status, body)
}

/// RFC 3339, UTC, exactly six fractional digits.
pub fn assert_timestamp(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    assert_eq!(text.len(), 27, "{text}");
    assert!(text.ends_with('Z'), "{text}");
    assert_eq!(&text[19..20], ".", "{text}");
    chrono::DateTime::parse_from_rfc3339(text).unwrap();
}
