//! The Scaleway IAM simulator over real HTTP: paths, envelopes, status codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use base64::Engine;
use common::{Harness, assert_timestamp, status_json};
use reqwest::StatusCode;
use scim_wizard_sandbox::{Sandbox, SandboxConfig, SandboxError, SeedKeyKind};
use serde_json::{Value, json};

#[tokio::test]
async fn binds_loopback_on_an_ephemeral_port() {
    let harness = Harness::start().await;
    let address = harness.sandbox.local_addr();
    assert!(address.ip().is_loopback());
    assert_eq!(address.ip().to_string(), "127.0.0.1");
    assert_ne!(address.port(), 0);
    let urls = harness.sandbox.urls();
    assert_eq!(urls.base, format!("http://127.0.0.1:{}", address.port()));
    assert_eq!(urls.scaleway_api, format!("{}/scaleway", urls.base));
    assert_eq!(
        urls.scim_base_url_pattern,
        format!("{}/scim/{{scim_id}}/v2", urls.base)
    );
    assert_eq!(urls.control, format!("{}/_sandbox", urls.base));
    assert_eq!(urls.login, format!("{}/login", urls.base));
    assert_eq!(urls.graph, format!("{}/graph", urls.base));

    let response = harness
        .iam_get(
            SeedKeyKind::Owner,
            &format!("/organizations/{}", harness.org()),
        )
        .await;
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(uuid::Uuid::parse_str(&request_id).is_ok());
    assert_eq!(response.headers()["server"], "Scaleway API Gateway");
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"id": harness.org(), "name": "Acme", "alias": "acme",
               "login_password_enabled": true, "login_magic_code_enabled": true,
               "login_oauth2_enabled": true, "login_saml_enabled": false})
    );
}

#[tokio::test]
async fn a_port_in_use_gives_a_clear_error() {
    let first = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let port = first.local_addr().port();
    let error = Sandbox::start(SandboxConfig::default().with_port(port))
        .await
        .unwrap_err();
    assert!(
        matches!(error, SandboxError::PortInUse { port: p } if p == port),
        "{error:?}"
    );
    assert!(error.to_string().contains(&port.to_string()));
    assert!(error.to_string().contains("already in use"));
    first.shutdown().await;
    // Once shut down, the port can be bound again.
    let again = Sandbox::start(SandboxConfig::default().with_port(port))
        .await
        .unwrap();
    again.shutdown().await;
}

#[tokio::test]
async fn seed_is_deterministic_and_shaped_like_real_keys() {
    let a = Sandbox::start(SandboxConfig::default().with_seed(7))
        .await
        .unwrap();
    let b = Sandbox::start(SandboxConfig::default().with_seed(7))
        .await
        .unwrap();
    let c = Sandbox::start(SandboxConfig::default().with_seed(8))
        .await
        .unwrap();
    assert_eq!(a.seed_data(), b.seed_data());
    assert_ne!(a.seed_data(), c.seed_data());
    let seed = a.seed_data();
    assert_eq!(seed.organization_name, "Acme");
    for key in &seed.keys {
        assert_eq!(key.access_key.len(), 20);
        assert!(key.access_key.starts_with("SCW"));
        assert!(
            key.access_key[3..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        let secret = uuid::Uuid::parse_str(&key.secret_key).unwrap();
        assert_eq!(secret.get_version_num(), 4);
        assert!(key.user_id.is_some() != key.application_id.is_some());
    }
    let debug = format!("{seed:?}");
    for key in &seed.keys {
        assert!(!debug.contains(&key.secret_key), "Debug leaks a secret key");
        assert!(debug.contains(&key.access_key));
    }
}

#[tokio::test]
async fn authentication_errors_use_the_documented_envelope() {
    let harness = Harness::start().await;
    let path = harness.iam(&format!("/organizations/{}/scim", harness.org()));
    let missing = harness.client.get(&path).send().await.unwrap();
    let unknown = harness
        .client
        .get(&path)
        .header("X-Auth-Token", "00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap();
    for response in [missing, unknown] {
        let (status, body) = status_json(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body,
            json!({"message": "authentication is denied", "method": "api_key",
                   "reason": "not_found", "type": "denied_authentication"})
        );
    }
    let (status, body) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Expired,
                &format!("/organizations/{}/scim", harness.org()),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["reason"], "expired");
    assert_eq!(body["type"], "denied_authentication");
}

#[tokio::test]
async fn enable_scim_flow_and_its_errors() {
    let harness = Harness::start().await;
    let org = harness.org();
    let scim_path = format!("/organizations/{org}/scim");

    let (status, body) = status_json(harness.iam_get(SeedKeyKind::Owner, &scim_path).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"message": "resource is not found", "resource": "organization_scim",
               "resource_id": org, "type": "not_found"})
    );

    // The body must be a JSON object sent as application/json.
    for (content_type, body) in [
        (None, ""),
        (Some("application/json"), "[]"),
        (Some("text/plain"), "{}"),
    ] {
        let mut request = harness
            .client
            .post(harness.iam(&scim_path))
            .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let (status, error) = status_json(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type:?} {body:?}");
        assert_eq!(error["type"], "invalid_arguments");
        assert_eq!(error["details"][0]["argument_name"], "body");
    }

    let scim_id = harness.enable_scim().await;
    let (status, body) = status_json(harness.iam_get(SeedKeyKind::Owner, &scim_path).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "Scim has only id and created_at: {body}"
    );
    assert_eq!(body["id"], scim_id.as_str());
    assert_timestamp(&body["created_at"]);

    // Enabling twice: 409 conflict (UNVERIFIED choice).
    let (status, body) = status_json(
        harness
            .client
            .post(harness.iam(&scim_path))
            .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["type"], "conflict");

    // Disabling is not DELETE on the organization path.
    let response = harness
        .client
        .delete(harness.iam(&scim_path))
        .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        body["message"].is_string() && body["type"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn path_arguments_and_organizations_are_checked() {
    let harness = Harness::start().await;
    let (status, body) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, "/organizations/not-a-uuid/scim")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["type"], "invalid_arguments");
    assert_eq!(body["message"], "invalid argument(s)");
    assert_eq!(body["details"][0]["argument_name"], "organization_id");
    assert_eq!(body["details"][0]["reason"], "format");
    assert!(body["details"][0]["help_message"].is_string());

    let unknown = "11111111-2222-4333-8444-555555555555";
    let (status, body) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, &format!("/organizations/{unknown}"))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["resource"], "organization");
    assert_eq!(body["resource_id"], unknown);

    // A key of another organization has no rights here.
    let (status, body) = status_json(
        harness
            .iam_get(
                SeedKeyKind::OtherOrganization,
                &format!("/organizations/{}/scim", harness.org()),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["type"], "permissions_denied");

    // Unknown endpoints under the API (e.g. the nested token path) are 404 in the envelope.
    let response = harness
        .client
        .delete(harness.iam(&format!("/scim/{unknown}/tokens/{unknown}")))
        .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], "not_found");
}

#[tokio::test]
async fn permission_table_per_key_kind() {
    let harness = Harness::start().await;
    let scim_path = format!("/organizations/{}/scim", harness.org());
    let users_path = format!("/users?organization_id={}", harness.org());
    for (kind, scim_status, users_status) in [
        (SeedKeyKind::Owner, StatusCode::NOT_FOUND, StatusCode::OK),
        (
            SeedKeyKind::IamManagerApplication,
            StatusCode::NOT_FOUND,
            StatusCode::OK,
        ),
        (
            SeedKeyKind::IamManagerMember,
            StatusCode::NOT_FOUND,
            StatusCode::OK,
        ),
        (
            SeedKeyKind::OrganizationManagerApplication,
            StatusCode::NOT_FOUND,
            StatusCode::OK,
        ),
        (
            SeedKeyKind::IamReadOnlyApplication,
            StatusCode::FORBIDDEN,
            StatusCode::OK,
        ),
        (
            SeedKeyKind::NoIamRights,
            StatusCode::FORBIDDEN,
            StatusCode::FORBIDDEN,
        ),
    ] {
        let response = harness.iam_get(kind, &scim_path).await;
        assert_eq!(response.status(), scim_status, "{kind:?} on SCIM");
        let response = harness.iam_get(kind, &users_path).await;
        assert_eq!(response.status(), users_status, "{kind:?} on users");
    }
    let (_, body) = status_json(harness.iam_get(SeedKeyKind::NoIamRights, &scim_path).await).await;
    assert_eq!(
        body,
        json!({"details": [{"action": "read", "resource": "iam_scim"}],
               "message": "insufficient permissions", "type": "permissions_denied"})
    );
}

#[tokio::test]
async fn scim_tokens_lifecycle_cap_and_listing() {
    let harness = Harness::start().await;
    let scim_id = harness.enable_scim().await;
    let list_path = format!("/scim/{scim_id}/tokens?order_by=created_at_asc");

    let (status, body) = status_json(harness.iam_get(SeedKeyKind::Owner, &list_path).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"scim_tokens": [], "total_count": 0}));

    let response = harness.create_token_response(&scim_id).await;
    let (status, created) = status_json(response).await;
    assert_eq!(status, StatusCode::OK);
    let token = &created["token"];
    assert_eq!(token.as_object().unwrap().len(), 4);
    assert_eq!(token["scim_id"], scim_id.as_str());
    assert_timestamp(&token["created_at"]);
    assert_timestamp(&token["expires_at"]);
    let created_at =
        chrono::DateTime::parse_from_rfc3339(token["created_at"].as_str().unwrap()).unwrap();
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(token["expires_at"].as_str().unwrap()).unwrap();
    let lifetime = expires_at - created_at;
    assert!((365..=366).contains(&lifetime.num_days()), "{lifetime}");
    // bearer_token: base64(token id) "." 72 chars of base64url.
    let bearer = created["bearer_token"].as_str().unwrap();
    let (head, tail) = bearer.split_once('.').unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(head)
        .unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        token["id"].as_str().unwrap()
    );
    assert_eq!(tail.len(), 72);
    assert!(
        tail.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );

    let (second_id, _) = harness.create_token(&scim_id).await;
    let (status, body) = status_json(harness.create_token_response(&scim_id).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["type"], "quotas_exceeded");
    assert_eq!(body["details"][0]["quota"], 2);
    assert_eq!(body["details"][0]["current"], 2);

    let (_, ascending) = status_json(harness.iam_get(SeedKeyKind::Owner, &list_path).await).await;
    assert_eq!(ascending["total_count"], 2);
    assert_eq!(ascending["scim_tokens"][0], *token);
    let (_, descending) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/scim/{scim_id}/tokens?order_by=created_at_desc"),
            )
            .await,
    )
    .await;
    assert_eq!(descending["scim_tokens"][0]["id"], second_id.as_str());
    let (_, paged) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/scim/{scim_id}/tokens?page=2&page_size=1"),
            )
            .await,
    )
    .await;
    assert_eq!(paged["total_count"], 2);
    assert_eq!(paged["scim_tokens"].as_array().unwrap().len(), 1);
    assert_eq!(paged["scim_tokens"][0]["id"], second_id.as_str());

    for (query, argument) in [
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("order_by=name_asc", "order_by"),
    ] {
        let (status, body) = status_json(
            harness
                .iam_get(
                    SeedKeyKind::Owner,
                    &format!("/scim/{scim_id}/tokens?{query}"),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["details"][0]["argument_name"], argument, "{query}");
    }

    // Delete through the flat path; a second delete is a 404.
    let delete = |id: String| {
        harness
            .client
            .delete(harness.iam(&format!("/scim-tokens/{id}")))
            .header("X-Auth-Token", harness.secret(SeedKeyKind::Owner))
            .send()
    };
    let response = delete(second_id.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, body) = status_json(delete(second_id.clone()).await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["resource"], "scim_token");
    // With one live token left, a new one can be created again.
    harness.create_token(&scim_id).await;
}

#[tokio::test]
async fn deleting_scim_deletes_its_tokens() {
    let harness = Harness::start().await;
    let scim_id = harness.enable_scim().await;
    harness.create_token(&scim_id).await;
    let response = harness
        .client
        .delete(harness.iam(&format!("/scim/{scim_id}")))
        .header(
            "X-Auth-Token",
            harness.secret(SeedKeyKind::IamManagerApplication),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let scim_path = format!("/organizations/{}/scim", harness.org());
    assert_eq!(
        harness
            .iam_get(SeedKeyKind::Owner, &scim_path)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let state = harness.state().await;
    assert!(
        state["scim_tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["deleted"] == true)
    );
    // Enabling again gives a fresh configuration with no token.
    let new_id = harness.enable_scim().await;
    assert_ne!(new_id, scim_id);
    let (_, list) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, &format!("/scim/{new_id}/tokens"))
            .await,
    )
    .await;
    assert_eq!(list["total_count"], 0);
}

#[tokio::test]
async fn api_key_user_and_application_lookups() {
    let harness = Harness::start().await;
    let seed = harness.sandbox.seed_data().clone();
    let app_key = seed.key(SeedKeyKind::NoIamRights).unwrap();

    // Any key may read itself (that is how `scw init` finds its project).
    let (status, body) = status_json(
        harness
            .iam_get(
                SeedKeyKind::NoIamRights,
                &format!("/api-keys/{}", app_key.access_key),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["access_key"], app_key.access_key.as_str());
    assert_eq!(body["secret_key"], Value::Null);
    assert_eq!(
        body["application_id"],
        app_key.application_id.clone().unwrap().as_str()
    );
    assert!(body.get("user_id").is_none());
    assert!(body.get("organization_id").is_none());
    for field in [
        "description",
        "created_at",
        "updated_at",
        "expires_at",
        "default_project_id",
        "editable",
        "deletable",
        "managed",
        "creation_ip",
    ] {
        assert!(body.get(field).is_some(), "APIKey lacks {field}");
    }

    let owner_key = seed.key(SeedKeyKind::Owner).unwrap();
    let (status, body) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/api-keys/{}", owner_key.access_key),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let owner_id = owner_key.user_id.clone().unwrap();
    assert_eq!(body["user_id"], owner_id.as_str());
    assert!(body.get("application_id").is_none());

    let (status, body) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, "/api-keys/not-an-access-key")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"][0]["argument_name"], "access_key");
    let (status, body) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, "/api-keys/SCWAAAAAAAAAAAAAAAAA")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["resource"], "api_key");

    let (status, user) = status_json(
        harness
            .iam_get(SeedKeyKind::Owner, &format!("/users/{owner_id}"))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["organization_id"], harness.org().as_str());
    assert_eq!(user["type"], "owner");
    assert_eq!(user["deletable"], false);

    let application_id = app_key.application_id.clone().unwrap();
    let (status, application) = status_json(
        harness
            .iam_get(
                SeedKeyKind::IamManagerApplication,
                &format!("/applications/{application_id}"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(application["organization_id"], harness.org().as_str());
    assert_eq!(application["id"], application_id.as_str());
}

#[tokio::test]
async fn users_list_pages_and_orders() {
    let harness = Harness::start().await;
    let org = harness.org();
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (status, body) = status_json(
            harness
                .iam_get(
                    SeedKeyKind::IamManagerApplication,
                    &format!("/users?organization_id={org}&page={page}&page_size=3&order_by=created_at_asc"),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // Seven seeded members, and Inès Admin made by hand (the impact view's take-over).
        assert_eq!(body["total_count"], 8);
        let users = body["users"].as_array().unwrap();
        assert_eq!(users.len(), if page == 3 { 2 } else { 3 });
        for user in users {
            for field in [
                "id",
                "email",
                "username",
                "first_name",
                "last_name",
                "phone_number",
                "locale",
                "created_at",
                "updated_at",
                "organization_id",
                "deletable",
                "last_login_at",
                "type",
                "two_factor_enabled",
                "status",
                "mfa",
                "account_root_user_id",
                "tags",
                "locked",
            ] {
                assert!(user.get(field).is_some(), "User lacks {field}");
            }
            assert_timestamp(&user["created_at"]);
            seen.push(user["username"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen[0], "olivia.owner", "oldest first");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8);

    let (_, by_name) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/users?organization_id={org}&order_by=username_desc&type=member"),
            )
            .await,
    )
    .await;
    assert_eq!(by_name["total_count"], 7);
    assert_eq!(by_name["users"][0]["username"], "ines.admin");

    let (status, _) = status_json(
        harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!("/users?organization_id={org}&page_size=1000"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
