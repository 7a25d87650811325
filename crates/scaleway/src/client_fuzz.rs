//! Fuzzing of the decoders of Scaleway IAM answers, as property tests: the typed 2xx bodies and
//! the typed errors built from any other answer.
//!
//! Why proptest and not `cargo fuzz`: measured, see `crates/entra/src/auth/loopback_fuzz.rs`.
//!
//! What they check: no body panics a decoder; every body ends as a typed value or a typed error
//! that keeps the status and request id; what an error shows has no control character, never
//! quotes a bearer token, and stays short whatever the body's size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::*;
use crate::error::{clean_request_id, error_from_response};

/// Cases per property: all of this module runs in well under 20 s in a debug build.
const CASES: u32 = 512;

/// A bearer token planted in the samples; no error may show it.
const BEARER: &str = "c2VjcmV0LWJlYXJlcg.planted-bearer-4f1c9a";

/// One edit of a fuzzer's mutator; positions are taken modulo the current length.
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Repeat(usize, usize, usize),
    Truncate(usize),
}

/// Bytes that matter to a JSON or YAML parser, and some that should never reach one.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(vec![
            &b"{"[..],
            b"}",
            b"[",
            b"]",
            b"\"",
            b"'",
            b":",
            b": ",
            b",",
            b"\\",
            b"\n",
            b"\n  ",
            b"\t",
            b"\0",
            b"\xff\xfe",
            b"\xed\xa0\x80",
            b"\\u0000",
            b"\\ud800",
            b"1e999999",
            b"-0",
            b"18446744073709551616",
            b"null",
            b"~",
            b"true",
            b"\"\"",
            b"{}",
            b"[[[[[[[[",
            b"&anchor ",
            b"*anchor",
            b"<<: *anchor",
            b"!!binary ",
            b"!tag ",
            b"---\n",
            b"...\n",
            b"? ",
            b"- ",
            b"|\n",
            b"#",
            b"%YAML 1.2\n",
            b"\xef\xbb\xbf",
        ])
        .prop_map(<[u8]>::to_vec),
    ]
}

/// One mutation, weighted as a fuzzer's would be.
pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set(at, byte)),
        3 => (any::<usize>(), interesting_bytes()).prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        2 => (any::<usize>(), 1..16_usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        1 => (any::<usize>(), 1..64_usize, 1..64_usize)
            .prop_map(|(at, len, times)| Edit::Repeat(at, len, times)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// `sample` with `edits` applied in order.
pub(crate) fn mutate(sample: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = sample.to_vec();
    for edit in edits {
        let at = |position: usize, len: usize| if len == 0 { 0 } else { position % len };
        match edit {
            Edit::Set(position, byte) => {
                if !bytes.is_empty() {
                    let i = at(*position, bytes.len());
                    bytes[i] = *byte;
                }
            }
            Edit::Insert(position, inserted) => {
                let i = at(*position, bytes.len() + 1);
                bytes.splice(i..i, inserted.iter().copied());
            }
            Edit::Delete(position, len) => {
                let i = at(*position, bytes.len());
                let end = (i + len).min(bytes.len());
                bytes.drain(i..end);
            }
            Edit::Repeat(position, len, times) => {
                let i = at(*position, bytes.len());
                let end = (i + len).min(bytes.len());
                let slice = bytes[i..end].to_vec();
                for _ in 0..*times {
                    bytes.splice(end..end, slice.iter().copied());
                }
            }
            Edit::Truncate(position) => {
                let i = at(*position, bytes.len() + 1);
                bytes.truncate(i);
            }
        }
    }
    bytes
}

/// Recorded shapes of the 2xx answers (the unit tests of `types.rs`).
fn answer_samples() -> Vec<Vec<u8>> {
    let token = json!({"id": "t1", "scim_id": "s1", "created_at": "2026-06-16T10:11:55.834691Z",
        "expires_at": "2027-06-16T10:11:55.831691Z"});
    let user = json!({"id": "u1", "email": "a@b.c", "username": "alice", "first_name": "",
        "last_name": "", "phone_number": "", "locale": "fr_FR",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "organization_id": "o1", "deletable": false, "last_login_at": null, "type": "owner",
        "two_factor_enabled": true, "status": "activated", "mfa": true,
        "account_root_user_id": "r1", "tags": [], "locked": false});
    [
        json!({"id": "4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe",
            "created_at": "2026-06-16T10:11:55.467309Z"}),
        json!({"scim_tokens": [token], "total_count": 1}),
        json!({"token": token, "bearer_token": BEARER}),
        json!({"id": "o1", "name": "Acme", "alias": "acme", "login_password_enabled": true,
            "login_magic_code_enabled": false, "login_oauth2_enabled": false,
            "login_saml_enabled": true}),
        json!({"access_key": "SCWXXXXXXXXXXXXXXXXX", "secret_key": null,
            "application_id": "app", "user_id": null, "description": "wizard",
            "created_at": "2026-01-01T00:00:00Z", "expires_at": null,
            "default_project_id": "p", "editable": true, "deletable": true, "managed": false,
            "creation_ip": "192.0.2.1"}),
        user.clone(),
        json!({"users": [user], "total_count": 1}),
        json!({"id": "a1", "name": "ci", "description": "", "organization_id": "o1",
            "editable": true, "deletable": true, "managed": false, "nb_api_keys": 2,
            "tags": ["x"], "created_at": null}),
    ]
    .iter()
    .map(|value| serde_json::to_vec(value).unwrap())
    .collect()
}

/// Recorded error envelopes (the unit tests of `error.rs`).
fn error_samples() -> Vec<Vec<u8>> {
    [
        r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#,
        r#"{"details":[{"action":"read","resource":"server"}],"message":"insufficient permissions","type":"permissions_denied"}"#,
        r#"{"message":"resource is not found","resource":"organization_scim","resource_id":"4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe","type":"not_found"}"#,
        r#"{"details":[{"argument_name":"page_size","help_message":"must be between 1 and 100","reason":"constraint"}],"message":"invalid argument(s)","type":"invalid_arguments"}"#,
        r#"{"details":[{"resource":"scim_tokens","quota":2,"current":2}],"message":"quota(s) exceeded for this resource","type":"quotas_exceeded"}"#,
        r#"{"message":"precondition is not respected","precondition":"resource_still_in_use","help_message":"delete the tokens first","type":"precondition_failed"}"#,
        r#"{"message":"resource is in a transient state","resource":"scim","resource_id":"x","current_state":"deleting","type":"transient_state"}"#,
        r#"{"message":"resource has expired","resource":"scim_token","resource_id":"t","expired_since":"2026-01-01T00:00:00Z","type":"resource_expired"}"#,
        r#"{"message":"SCIM already enabled","type":"conflict"}"#,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ]
    .iter()
    .map(|text| text.as_bytes().to_vec())
    .collect()
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(Some("application/json; charset=utf-8".to_owned())),
        1 => Just(Some("application/scim+json".to_owned())),
        1 => Just(Some("text/html".to_owned())),
        1 => Just(Some("Application/JSON".to_owned())),
        1 => Just(None),
        1 => any::<String>().prop_map(Some),
    ]
}

fn reply(status: u16, content_type: Option<String>, body: Vec<u8>) -> RawResponse {
    RawResponse {
        status: StatusCode::from_u16(status).unwrap(),
        content_type,
        request_id: Some("req-fuzz".to_owned()),
        retry_after: None,
        date: None,
        body: Zeroizing::new(body),
    }
}

/// What an error shows: no control character, no bearer token.
fn check_shown(error: &ScalewayError) {
    let shown = error.to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    assert!(!shown.contains(BEARER));
}

/// Decodes `reply` as `T`: a value, or an `UnexpectedResponse` with its status and request id.
fn decode_as<T: DeserializeOwned>(reply: &RawResponse) {
    if let Err(error) = decode::<T>(reply) {
        match &error {
            ScalewayError::UnexpectedResponse {
                status, request_id, ..
            } => {
                assert_eq!(*status, reply.status.as_u16());
                assert_eq!(request_id.as_deref(), Some("req-fuzz"));
            }
            other => panic!("{other:?}"),
        }
        check_shown(&error);
    }
}

fn decode_every_shape(reply: &RawResponse) {
    decode_as::<Scim>(reply);
    decode_as::<ListScimTokensResponse>(reply);
    decode_as::<CreateScimTokenResponse>(reply);
    decode_as::<Organization>(reply);
    decode_as::<ApiKey>(reply);
    decode_as::<User>(reply);
    decode_as::<ListUsersResponse>(reply);
    decode_as::<Application>(reply);
    if let Ok(key) = decode::<ApiKey>(reply) {
        let _ = key.bearer();
    }
}

/// Builds the typed error of a non-2xx answer and checks what every one must give.
fn check_error(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    request_id: Option<&str>,
) -> ScalewayError {
    let error = error_from_response(ErrorResponse {
        status,
        content_type,
        body,
        request_id,
        retry_after: Some(Duration::from_secs(3)),
    });
    assert!(ErrorCode::ALL.contains(&error.code()));
    assert_eq!(error.request_id(), request_id);
    check_shown(&error);
    // Every field shown is cut to 300 characters; only the number of `details` entries can
    // make the message longer.
    let details = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| value.get("details")?.as_array().map(Vec::len))
        .unwrap_or(0);
    let shown = error.to_string().chars().count();
    assert!(shown <= 2_000 + 1_000 * details, "{shown} characters");
    error
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn answers_of_any_bytes(
        status in prop_oneof![Just(200_u16), Just(201), Just(204)],
        content_type in content_type(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        decode_every_shape(&reply(status, content_type, body));
    }

    #[test]
    fn mutated_answers(
        sample in 0..8_usize,
        content_type in content_type(),
        edits in prop::collection::vec(edit(), 0..12),
    ) {
        let body = mutate(&answer_samples()[sample], &edits);
        decode_every_shape(&reply(200, content_type, body));
    }

    /// Every field of a wrong type, at every level: a typed error naming no value.
    #[test]
    fn answers_with_fields_of_the_wrong_type(
        sample in 0..8_usize,
        replacement in prop_oneof![
            Just(json!(null)), Just(json!(12)), Just(json!(-1)), Just(json!(1.5)),
            Just(json!(true)), Just(json!([])), Just(json!({})), Just(json!(BEARER)),
            Just(json!("not-a-date")), Just(json!(u64::MAX)),
        ],
        pick in any::<usize>(),
    ) {
        let mut value: Value = serde_json::from_slice(&answer_samples()[sample]).unwrap();
        replace_one_leaf(&mut value, pick, replacement);
        decode_every_shape(&reply(200, Some("application/json".to_owned()), serde_json::to_vec(&value).unwrap()));
    }

    #[test]
    fn errors_of_any_bytes(
        status in prop_oneof![Just(400_u16), Just(401), Just(403), Just(404), Just(405),
            Just(409), Just(412), Just(429), Just(500), Just(502), 300..600_u16],
        content_type in content_type(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        request_id in prop::collection::vec(any::<u8>(), 0..160),
    ) {
        let request_id = clean_request_id(&request_id);
        check_error(status, content_type.as_deref(), &body, request_id.as_deref());
    }

    #[test]
    fn mutated_errors(
        status in 300..600_u16,
        sample in 0..10_usize,
        content_type in content_type(),
        edits in prop::collection::vec(edit(), 0..12),
    ) {
        let body = mutate(&error_samples()[sample], &edits);
        check_error(status, content_type.as_deref(), &body, Some("req"));
    }

    /// Envelope fields of any text (control characters, escapes, very long): cleaned and cut.
    #[test]
    fn envelope_text_is_cleaned_and_cut(
        status in prop_oneof![Just(400_u16), Just(403), Just(404), Just(409), Just(412), Just(418)],
        kind in prop::sample::select(vec!["denied_authentication", "permissions_denied",
            "not_found", "invalid_arguments", "quotas_exceeded", "precondition_failed",
            "transient_state", "resource_expired", "conflict", "other"]),
        text in prop_oneof![any::<String>(), "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}a]{0,40}",
            (1..2_000_usize).prop_map(|n| "é\u{1b}".repeat(n))],
    ) {
        let detail = json!({"resource": text, "action": text, "argument_name": text,
            "reason": text, "help_message": text, "quota": 1, "current": 2});
        let body = json!({"type": kind, "message": text, "resource": text, "resource_id": text,
            "method": text, "reason": text, "precondition": text, "help_message": text,
            "current_state": text, "details": [detail.clone(), detail]});
        check_error(status, Some("application/json"), &serde_json::to_vec(&body).unwrap(), None);
    }
}

/// Replaces the `pick`-th leaf (modulo their number) of `value` with `replacement`.
fn replace_one_leaf(value: &mut Value, pick: usize, replacement: Value) {
    fn count(value: &Value) -> usize {
        match value {
            Value::Object(map) => map.values().map(count).sum(),
            Value::Array(items) if !items.is_empty() => items.iter().map(count).sum(),
            _ => 1,
        }
    }
    let leaves = count(value);
    if leaves > 0 {
        replace_nth(value, &mut (pick % leaves), replacement);
    }
}

/// Replaces the leaf numbered `index`, counting in the same order as `replace_one_leaf`.
fn replace_nth(value: &mut Value, index: &mut usize, replacement: Value) -> bool {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                if replace_nth(child, index, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        Value::Array(items) if !items.is_empty() => {
            for child in items.iter_mut() {
                if replace_nth(child, index, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        leaf => {
            if *index == 0 {
                *leaf = replacement;
                true
            } else {
                *index -= 1;
                false
            }
        }
    }
}

/// The samples decode as what they are, so the mutations start from valid answers.
#[test]
fn the_samples_are_valid() {
    let answers = answer_samples();
    let ok = |index: usize| {
        reply(
            200,
            Some("application/json".to_owned()),
            answers[index].clone(),
        )
    };
    decode::<Scim>(&ok(0)).unwrap();
    assert_eq!(
        decode::<ListScimTokensResponse>(&ok(1))
            .unwrap()
            .total_count,
        1
    );
    decode::<CreateScimTokenResponse>(&ok(2)).unwrap();
    decode::<Organization>(&ok(3)).unwrap();
    decode::<ApiKey>(&ok(4)).unwrap();
    decode::<User>(&ok(5)).unwrap();
    assert_eq!(decode::<ListUsersResponse>(&ok(6)).unwrap().users.len(), 1);
    decode::<Application>(&ok(7)).unwrap();
    let codes: Vec<ErrorCode> = error_samples()
        .iter()
        .map(|body| check_error(409, Some("application/json"), body, None).code())
        .collect();
    assert_eq!(codes[0], ErrorCode::AuthDenied);
    assert_eq!(codes[8], ErrorCode::Conflict);
}

/// Nesting past the JSON parser's limit (128) is a typed error, not a stack overflow.
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}null{}", "{\"details\":".repeat(depth), "}".repeat(depth));
    for body in [arrays, objects] {
        decode_every_shape(&reply(
            200,
            Some("application/json".to_owned()),
            body.clone().into_bytes(),
        ));
        let error = check_error(403, Some("application/json"), body.as_bytes(), None);
        assert_eq!(error.code(), ErrorCode::PermissionDenied);
    }
}

/// 50 MB answers, far past the 8 MB the transport reads (`retry.rs`): decoded in time linear in
/// their size, and an error shows at most 300 characters of a 50 MB message.
#[test]
fn a_50_mb_body_is_handled_in_linear_time() {
    let big = "x".repeat(50 * 1024 * 1024);
    let started = Instant::now();
    let user = serde_json::to_vec(&json!({"id": "u", "email": big})).unwrap();
    let decoded = decode::<User>(&reply(200, Some("application/json".to_owned()), user)).unwrap();
    assert_eq!(decoded.email.len(), big.len());
    let mut unclosed = br#"{"id":"u","email":""#.to_vec();
    unclosed.extend_from_slice(big.as_bytes());
    decode_as::<User>(&reply(200, Some("application/json".to_owned()), unclosed));
    let envelope = serde_json::to_vec(&json!({"type": "conflict", "message": big})).unwrap();
    let error = check_error(409, Some("application/json"), &envelope, None);
    assert!(error.to_string().chars().count() < 400);
    let html = check_error(418, Some("text/html"), big.as_bytes(), None);
    assert!(html.to_string().contains(&big.len().to_string()));
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "took {took:?}");
}
