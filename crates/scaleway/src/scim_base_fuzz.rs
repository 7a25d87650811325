//! Fuzzing of the decoder of Scaleway's SCIM answers (`GET {base}/Users`), as property tests.
//!
//! Why proptest and not `cargo fuzz`: measured, see `crates/entra/src/auth/loopback_fuzz.rs`.
//!
//! What they check: no body panics the decoder; every body is a ListResponse (its total and
//! items) or a reason that quotes nothing of the body; users are read from items exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::client::fuzz::{edit, mutate};

/// Cases per property: all of this module runs in a few seconds in a debug build.
const CASES: u32 = 512;

/// Planted in the samples: a reason must never quote the body.
const PLANTED: &str = "planted-value-7d3e";

fn samples() -> Vec<Vec<u8>> {
    [
        json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 1, "itemsPerPage": 1,
            "startIndex": 1, "Resources": [{
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1",
                "userName": "adele.vance@contoso.example", "active": true,
                "name": {"givenName": PLANTED}, "emails": [{"value": "a@b.c", "primary": true}]}]}),
        json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 0}),
        json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 2, "Resources": [
            {"id": "u1", "userName": "a", "active": "False"},
            {"id": "u2", "userName": "b", "active": "TRUE"}]}),
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "detail": PLANTED, "status": "401"}),
    ]
    .iter()
    .map(|value| serde_json::to_vec(value).unwrap())
    .collect()
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(Some("application/scim+json".to_owned())),
        Just(Some("application/json".to_owned())),
        Just(Some("text/html".to_owned())),
        Just(None),
        any::<String>().prop_map(Some),
    ]
}

/// Decodes `body` and checks the result against the body parsed independently.
fn check(content_type: Option<&str>, body: &[u8]) {
    match read_list_response(content_type, body) {
        Ok((total, resources)) => {
            let parsed: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(Some(total), parsed["totalResults"].as_u64());
            assert_eq!(
                resources.len(),
                parsed["Resources"].as_array().map_or(0, Vec::len)
            );
            for resource in &resources {
                if let Some(user) = ScimUser::from_resource(resource) {
                    assert_eq!(Some(user.id.as_str()), resource["id"].as_str());
                    assert_eq!(Some(user.user_name.as_str()), resource["userName"].as_str());
                }
            }
        }
        Err(reason) => {
            assert!(!reason.contains(PLANTED), "{reason}");
            assert!(!reason.chars().any(char::is_control), "{reason:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn list_responses_of_any_bytes(
        content_type in content_type(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        check(content_type.as_deref(), &body);
    }

    #[test]
    fn mutated_list_responses(
        sample in 0..4_usize,
        content_type in content_type(),
        edits in prop::collection::vec(edit(), 0..12),
    ) {
        check(content_type.as_deref(), &mutate(&samples()[sample], &edits));
    }

    /// Items of any shape in a valid ListResponse: each is a user only with both string ids.
    #[test]
    fn resources_of_any_shape(
        total in any::<u64>(),
        items in prop::collection::vec(prop_oneof![
            Just(json!(null)), Just(json!([])), Just(json!("u1")),
            ("[a-z0-9-]{0,8}", any::<String>()).prop_map(|(id, name)| json!({"id": id, "userName": name})),
            (any::<bool>(), "(?i)true|false|yes|").prop_map(|(flag, text)| {
                json!({"id": "u", "userName": "n", "active": if flag { json!(text) } else { json!(flag) }})
            }),
            Just(json!({"id": 1, "userName": "n"})),
            Just(json!({"id": "u", "userName": null})),
        ], 0..8),
    ) {
        let body = json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": total, "Resources": items});
        let (read_total, resources) =
            read_list_response(Some("application/scim+json"), &serde_json::to_vec(&body).unwrap())
                .unwrap();
        prop_assert_eq!(read_total, total);
        prop_assert_eq!(resources.len(), items.len());
        for resource in &resources {
            let user = ScimUser::from_resource(resource);
            let both = resource.get("id").is_some_and(Value::is_string)
                && resource.get("userName").is_some_and(Value::is_string);
            prop_assert_eq!(user.is_some(), both);
        }
    }
}

#[test]
fn the_samples_decode_as_expected() {
    let samples = samples();
    assert_eq!(read_list_response(None, &samples[0]).unwrap().1.len(), 1);
    assert_eq!(
        read_list_response(None, &samples[1]).unwrap(),
        (0, Vec::new())
    );
    let (_, resources) = read_list_response(None, &samples[2]).unwrap();
    let active: Vec<Option<bool>> = resources
        .iter()
        .map(|item| ScimUser::from_resource(item).unwrap().active)
        .collect();
    assert_eq!(active, [Some(false), Some(true)]);
    assert!(read_list_response(None, &samples[3]).is_err());
    let not_a_list = json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 1, "Resources": {}});
    assert!(read_list_response(None, &serde_json::to_vec(&not_a_list).unwrap()).is_err());
}

/// Past the parser's nesting limit: refused, no stack overflow.
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 100_000;
    let deep = format!(
        "{{\"schemas\":[\"{LIST_RESPONSE_SCHEMA}\"],\"totalResults\":1,\"Resources\":{}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(read_list_response(None, deep.as_bytes()).is_err());
}

/// A 50 MB ListResponse (past the 8 MB the transport reads): read in linear time.
#[test]
fn a_50_mb_list_response_is_handled_in_linear_time() {
    let big = "x".repeat(50 * 1024 * 1024);
    let started = Instant::now();
    let body = serde_json::to_vec(
        &json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 1,
        "Resources": [{"id": "u", "userName": big}]}),
    )
    .unwrap();
    let (_, resources) = read_list_response(None, &body).unwrap();
    let user = ScimUser::from_resource(&resources[0]).unwrap();
    assert_eq!(user.user_name.len(), big.len());
    let reason = read_list_response(Some("text/html"), big.as_bytes()).unwrap_err();
    assert!(reason.len() < 100, "{reason}");
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "took {took:?}");
}
