//! The SCIM 2.0 service provider over real HTTP, and how it shows in the IAM API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Harness, status_json};
use reqwest::StatusCode;
use scim_wizard_sandbox::{DEFAULT_SCIM_MOUNT_PATTERN, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

struct Scim {
    harness: Harness,
    scim_id: String,
    token_id: String,
    bearer: String,
}

impl Scim {
    async fn start() -> Self {
        Self::with_config(SandboxConfig::default()).await
    }

    async fn with_config(config: SandboxConfig) -> Self {
        let harness = Harness::with_config(config).await;
        let scim_id = harness.enable_scim().await;
        let (token_id, bearer) = harness.create_token(&scim_id).await;
        Scim {
            harness,
            scim_id,
            token_id,
            bearer,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.harness.scim_base(&self.scim_id))
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.harness
            .client
            .get(self.url(path))
            .bearer_auth(&self.bearer)
            .send()
            .await
            .unwrap()
    }

    async fn create(&self, body: Value) -> reqwest::Response {
        self.harness
            .client
            .post(self.url("/Users"))
            .bearer_auth(&self.bearer)
            .header("Content-Type", "application/scim+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn patch(&self, id: &str, body: Value) -> reqwest::Response {
        self.harness
            .client
            .patch(self.url(&format!("/Users/{id}")))
            .bearer_auth(&self.bearer)
            .header("Content-Type", "application/scim+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn iam_user(&self, username: &str) -> Option<Value> {
        let (status, body) = status_json(
            self.harness
                .iam_get(
                    SeedKeyKind::IamManagerApplication,
                    &format!(
                        "/users?organization_id={}&page_size=100",
                        self.harness.org()
                    ),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        body["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|user| user["username"] == username)
            .cloned()
    }
}

/// The user Entra's default mapping sends (with name.formatted already deleted, per the guide).
fn entra_user(user_name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "externalId": format!("ext-{user_name}"),
        "userName": user_name,
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": format!("{user_name}@contoso.example")}],
        "name": {"givenName": "Grace", "familyName": "Hopper"},
    })
}

async fn assert_scim_401(response: reqwest::Response) {
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["schemas"], json!([ERROR_SCHEMA]));
    assert_eq!(body["status"], "401");
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn bearer_authentication() {
    let scim = Scim::start().await;
    let client = &scim.harness.client;
    assert_scim_401(client.get(scim.url("/Users")).send().await.unwrap()).await;
    assert_scim_401(
        client
            .get(scim.url("/Users"))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    // The secret key is not a SCIM credential.
    let secret = scim.harness.secret(SeedKeyKind::Owner);
    assert_scim_401(
        client
            .get(scim.url("/Users"))
            .bearer_auth(secret)
            .send()
            .await
            .unwrap(),
    )
    .await;

    let (status, body) = status_json(scim.get("/Users?count=1").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );

    // A token of another organization's SCIM configuration does not open this one.
    let globex = scim
        .harness
        .sandbox
        .seed_data()
        .other_organization_id
        .clone();
    let response = client
        .post(scim.harness.iam(&format!("/organizations/{globex}/scim")))
        .header(
            "X-Auth-Token",
            scim.harness.secret(SeedKeyKind::OtherOrganization),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (_, globex_scim) = status_json(response).await;
    let globex_scim_id = globex_scim["id"].as_str().unwrap();
    let response = client
        .post(scim.harness.iam(&format!("/scim/{globex_scim_id}/tokens")))
        .header(
            "X-Auth-Token",
            scim.harness.secret(SeedKeyKind::OtherOrganization),
        )
        .send()
        .await
        .unwrap();
    let (_, globex_token) = status_json(response).await;
    let globex_bearer = globex_token["bearer_token"].as_str().unwrap();
    assert_scim_401(
        client
            .get(scim.url("/Users"))
            .bearer_auth(globex_bearer)
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn service_provider_config_shape() {
    let scim = Scim::start().await;
    let response = scim.get("/ServiceProviderConfig").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/scim+json")
    );
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(body["patch"]["supported"], true);
    assert_eq!(body["bulk"]["supported"], false);
    assert_eq!(body["filter"]["supported"], true);
    assert!(body["filter"]["maxResults"].as_u64().unwrap() > 0);
    assert_eq!(body["authenticationSchemes"][0]["type"], "oauthbearertoken");
}

#[tokio::test]
async fn created_user_appears_in_the_iam_users_list() {
    let scim = Scim::start().await;
    let response = scim.create(entra_user("grace")).await;
    assert!(response.headers().contains_key("location"));
    let (status, created) = status_json(response).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["userName"], "grace");
    assert_eq!(created["externalId"], "ext-grace");
    assert_eq!(created["active"], true);
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        created["meta"]["location"],
        format!("{}/Users/{id}", scim.harness.scim_base(&scim.scim_id)).as_str()
    );

    let user = scim.iam_user("grace").await.expect("visible in IAM");
    assert_eq!(user["id"], id);
    assert_eq!(user["email"], "grace@contoso.example");
    assert_eq!(user["first_name"], "Grace");
    assert_eq!(user["last_name"], "Hopper");
    assert_eq!(user["locked"], false);
    assert_eq!(user["type"], "member");

    let (status, fetched) = status_json(scim.get(&format!("/Users/{id}")).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    // Duplicate userName (case-insensitive) → 409 uniqueness.
    let (status, body) = status_json(scim.create(entra_user("GRACE")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["scimType"], "uniqueness");
    assert_eq!(body["status"], "409");
    // A seeded IAM member's username is taken too: matching is on username.
    let (status, _) = status_json(scim.create(entra_user("bob")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // userName is required.
    let (status, body) = status_json(scim.create(json!({"name": {"givenName": "X"}})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["schemas"], json!([ERROR_SCHEMA]));

    // Every body is recorded, and the client never sent name.formatted.
    let state = scim.harness.state().await;
    let bodies = state["scim_request_bodies"].as_array().unwrap();
    assert_eq!(bodies.len(), 4);
    assert!(
        bodies
            .iter()
            .all(|entry| entry["body"]["name"].get("formatted").is_none())
    );
    assert_eq!(state["scim_users"].as_array().unwrap().len(), 1);
    // Route names reported in the counts are the documented ones.
    let counts = state["request_counts"].as_object().unwrap();
    assert!(counts.len() >= 5, "{counts:?}");
    for name in counts.keys() {
        assert!(
            scim_wizard_sandbox::route_names().contains(&name.as_str()),
            "{name}"
        );
    }
    assert_eq!(counts["scim.create_user"], 4);
}

#[tokio::test]
async fn filters_and_paging() {
    let scim = Scim::start().await;
    for name in ["u1", "u2", "u3"] {
        assert_eq!(
            scim.create(entra_user(name)).await.status(),
            StatusCode::CREATED
        );
    }
    let (_, body) = status_json(scim.get("/Users?filter=userName%20eq%20%22U2%22").await).await;
    assert_eq!(body["totalResults"], 1);
    assert_eq!(body["Resources"][0]["userName"], "u2");
    let (_, body) = status_json(scim.get("/Users?filter=externalId+eq+%22ext-u3%22").await).await;
    assert_eq!(body["totalResults"], 1);
    assert_eq!(body["Resources"][0]["userName"], "u3");
    let (_, body) = status_json(scim.get("/Users?filter=userName+eq+%22nobody%22").await).await;
    assert_eq!(body["totalResults"], 0);
    assert_eq!(body["Resources"], json!([]));

    for filter in [
        "displayName+eq+%22x%22",
        "userName+co+%22u%22",
        "userName+eq+u1",
    ] {
        let (status, body) = status_json(scim.get(&format!("/Users?filter={filter}")).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{filter}");
        assert_eq!(body["scimType"], "invalidFilter", "{filter}");
    }

    // 8 seeded users + 3 created.
    let (_, body) = status_json(scim.get("/Users?startIndex=10&count=5").await).await;
    assert_eq!(body["totalResults"], 11);
    assert_eq!(body["startIndex"], 10);
    assert_eq!(body["itemsPerPage"], 2);
    assert_eq!(body["Resources"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn patch_as_entra_sends_it() {
    let scim = Scim::start().await;
    let (_, created) = status_json(scim.create(entra_user("linus")).await).await;
    let id = created["id"].as_str().unwrap();

    // Entra: capitalised op, string boolean.
    let (status, body) = status_json(
        scim.patch(
            id,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                   "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["active"], false);
    assert_eq!(scim.iam_user("linus").await.unwrap()["locked"], true);

    let (status, body) = status_json(
        scim.patch(
            id,
            json!({"Operations": [
                {"op": "Add", "path": "name.givenName", "value": "Linus"},
                {"op": "replace", "value": {"active": true}},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "l@contoso.example"}
            ]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let user = scim.iam_user("linus").await.unwrap();
    assert_eq!(user["first_name"], "Linus");
    assert_eq!(user["locked"], false);
    assert_eq!(user["email"], "l@contoso.example");

    // displayName is refused with the documented message, and nothing is applied.
    let (status, body) = status_json(
        scim.patch(
            id,
            json!({"Operations": [
                {"op": "Replace", "path": "name.familyName", "value": "Changed"},
                {"op": "Add", "path": "displayName", "value": "Linus T"}
            ]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "unsupported path for operation Add: displayName"
    );
    assert_eq!(scim.iam_user("linus").await.unwrap()["last_name"], "Hopper");

    // Delete, then it is gone from SCIM and from IAM.
    let response = scim
        .harness
        .client
        .delete(scim.url(&format!("/Users/{id}")))
        .bearer_auth(&scim.bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = status_json(scim.get(&format!("/Users/{id}")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], "404");
    assert!(scim.iam_user("linus").await.is_none());
}

#[tokio::test]
async fn locking_a_member_over_scim_disables_her_api_key() {
    let scim = Scim::start().await;
    let alice_id = scim
        .harness
        .sandbox
        .seed_data()
        .key(SeedKeyKind::IamManagerMember)
        .unwrap()
        .user_id
        .clone()
        .unwrap();
    let scim_path = format!("/organizations/{}/scim", scim.harness.org());
    assert_eq!(
        scim.harness
            .iam_get(SeedKeyKind::IamManagerMember, &scim_path)
            .await
            .status(),
        StatusCode::OK
    );
    let response = scim
        .patch(
            &alice_id,
            json!({"Operations": [{"op": "Replace", "path": "active", "value": false}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = status_json(
        scim.harness
            .iam_get(SeedKeyKind::IamManagerMember, &scim_path)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["type"], "permissions_denied");
}

#[tokio::test]
async fn expired_token_is_rejected_after_time_travel() {
    let scim = Scim::start().await;
    assert_eq!(scim.get("/Users").await.status(), StatusCode::OK);
    let response = scim
        .harness
        .client
        .post(scim.harness.control("/time-travel"))
        .json(&json!({"seconds": 366 * 24 * 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = scim.get("/Users").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (_, body) = status_json(response).await;
    assert!(body["detail"].as_str().unwrap().contains("expired"));
    // The expired token is still listed but no longer counts toward the cap of two.
    let (_, list) = status_json(
        scim.harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/scim/{}/tokens", scim.scim_id),
            )
            .await,
    )
    .await;
    assert_eq!(list["total_count"], 1);
    scim.harness.create_token(&scim.scim_id).await;
    scim.harness.create_token(&scim.scim_id).await;
}

#[tokio::test]
async fn deleted_token_and_disabled_scim_are_rejected() {
    let scim = Scim::start().await;
    let (_, second_bearer) = scim.harness.create_token(&scim.scim_id).await;
    let response = scim
        .harness
        .client
        .delete(scim.harness.iam(&format!("/scim-tokens/{}", scim.token_id)))
        .header("X-Auth-Token", scim.harness.secret(SeedKeyKind::Owner))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_scim_401(scim.get("/Users").await).await;

    let client = &scim.harness.client;
    let ok = client
        .get(scim.url("/Users"))
        .bearer_auth(&second_bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let response = client
        .delete(scim.harness.iam(&format!("/scim/{}", scim.scim_id)))
        .header("X-Auth-Token", scim.harness.secret(SeedKeyKind::Owner))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_scim_401(
        client
            .get(scim.url("/Users"))
            .bearer_auth(&second_bearer)
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_custom_mount_makes_the_default_path_404() {
    let pattern = "/console-only/{organization_id}/{scim_id}";
    let scim = Scim::with_config(SandboxConfig::default().with_scim_mount_pattern(pattern)).await;
    let urls = scim.harness.sandbox.urls();
    assert_eq!(
        urls.scim_base_url_pattern,
        format!("{}{pattern}", urls.base)
    );
    assert_eq!(scim.get("/Users?count=1").await.status(), StatusCode::OK);

    let default_base = format!(
        "{}{}",
        urls.base,
        DEFAULT_SCIM_MOUNT_PATTERN.replace("{scim_id}", &scim.scim_id)
    );
    let response = scim
        .harness
        .client
        .get(format!("{default_base}/Users?count=1"))
        .bearer_auth(&scim.bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Nor is SCIM under the IAM API path.
    let response = scim
        .harness
        .client
        .get(
            scim.harness
                .iam(&format!("/scim/{}/v2/Users", scim.scim_id)),
        )
        .bearer_auth(&scim.bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // An invalid pattern is refused at start.
    let error = scim_wizard_sandbox::Sandbox::start(
        SandboxConfig::default().with_scim_mount_pattern("/scaleway/{scim_id}"),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("SCIM mount pattern"));
}
