//! Fuzzing of the Graph answer decoders, as property tests: the error envelope with its nested
//! `innerError` chain, the messages embedded as JSON in a message, and the typed answers.
//!
//! Why proptest and not `cargo fuzz`: measured, see `crates/entra/src/auth/loopback_fuzz.rs`.
//!
//! What they check: no body panics a decoder; every body ends as a typed value or a typed error;
//! the walks over nested data stay within their bounds; large bodies cost time linear in their
//! size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use proptest::prelude::*;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;
use crate::graph::Answer;
use crate::graph::sync::parse_on_demand;
use crate::graph::types::{
    AppRole, ApplicationSummary, Assignment, DirectoryGroup, DirectoryUser,
    ServicePrincipalSummary, SyncJob,
};

/// Cases per property: all of this module runs in well under 30 s in a debug build.
const CASES: u32 = 512;

/// Every code [`classify`] can give.
const CLASSIFIED: &[&str] = &[
    "graph.auth_expired",
    "graph.claims_challenge",
    "graph.forbidden",
    "graph.not_found",
    "graph.conflict",
    "graph.bad_request",
    "graph.throttled",
    "graph.unavailable",
    "graph.credentials_rejected",
    "graph.unknown_secret_key",
    "graph.unexpected_response",
];

/// One edit of a fuzzer's mutator; positions are taken modulo the current length.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Repeat(usize, usize, usize),
    Truncate(usize),
}

/// Bytes that matter to a JSON parser, and some that should never reach one.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(vec![
            &b"{"[..],
            b"}",
            b"[",
            b"]",
            b"\"",
            b":",
            b",",
            b"\\",
            b"\0",
            b"\xff\xfe",
            b"\xed\xa0\x80",
            b"\\u0000",
            b"\\ud800",
            b"\\udc00\\ud800",
            b"1e999999",
            b"-0",
            b"18446744073709551616",
            b"-9223372036854775809",
            b"null",
            b"true",
            b"\"\"",
            b"{}",
            b"[[[[[[[[",
            b"{\"error\":",
            b"{\"innerError\":",
            b"\"{\\\"detail\\\":\\\"",
        ])
        .prop_map(<[u8]>::to_vec),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set(at, byte)),
        3 => (any::<usize>(), interesting_bytes()).prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        2 => (any::<usize>(), 1..16_usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        1 => (any::<usize>(), 1..64_usize, 1..64_usize)
            .prop_map(|(at, len, times)| Edit::Repeat(at, len, times)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn mutate(sample: &[u8], edits: &[Edit]) -> Vec<u8> {
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

/// Real shapes of Graph error answers (reference bodies of the unit tests above).
fn error_samples() -> Vec<Vec<u8>> {
    let scim_answer = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "detail": "invalid bearer token",
        "status": "401"
    })
    .to_string();
    let embedded =
        json!({"Message": format!("Error: StatusCode: Unauthorized. Response: {scim_answer}")})
            .to_string();
    [
        json!({"error": {
            "code": "Request_ResourceNotFound",
            "message": "Resource '9d1e' does not exist.",
            "innerError": {
                "date": "2026-08-20T10:00:00",
                "request-id": "req-1",
                "client-request-id": "cli-1",
                "innerError": {"code": "DirectoryObjectNotFound", "innererror": {"code": "Deeper"}}
            }
        }}),
        json!({"error": {"code": "CredentialValidationUnavailable", "message": embedded,
            "innerError": {"date": "d", "request-id": "r", "client-request-id": "c"}}}),
        json!({"error": {"code": "InternalError",
            "message": "Requested value 'Secrettoken' was not found."}}),
        json!({"error": {"code": "Authorization_RequestDenied", "message": "insufficient_claims"}}),
        json!({"Message": "No HTTP resource was found that matches the request URI"}),
        json!({"error": "invalid_token"}),
    ]
    .iter()
    .map(|value| serde_json::to_vec(value).unwrap())
    .collect()
}

/// Real shapes of the typed answers.
fn answer_samples() -> Vec<Vec<u8>> {
    let role = json!({"id": "18d14569-c3bd-439b-9a66-3a2aee01d14f", "displayName": "User",
        "value": null, "description": "User", "allowedMemberTypes": ["User"], "isEnabled": true});
    let execution = json!({"activityIdentifier": "a", "state": "Failed",
        "timeBegan": "2026-08-20T10:00:00Z", "timeEnded": "2026-08-20T10:01:00Z",
        "countEntitled": 3, "countExported": 0, "countImported": 2,
        "error": {"code": "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
            "message": "{\"Message\":\"invalid bearer token\"}", "tenantActionable": true}});
    [
        json!({"id": "Scim.abc.def", "templateId": "scim",
            "schedule": {"expiration": null, "interval": "PT40M", "state": "Active"},
            "status": {"code": "Quarantine",
                "quarantine": {"reason": "EncounteredQuarantineException", "seriesCount": 2,
                    "error": {"code": "x", "message": "y", "tenantActionable": false}},
                "lastExecution": execution,
                "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
                "countSuccessiveCompleteFailures": 4, "escrowsPruned": false}}),
        json!({"id": "sp", "appId": "app", "displayName": "Scaleway SCIM (wizard 1a2b)",
            "applicationTemplateId": "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
            "appRoleAssignmentRequired": true, "appRoles": [role]}),
        json!({"id": "obj", "appId": "app", "displayName": "x",
            "applicationTemplateId": null, "createdDateTime": "2026-08-20T10:00:00Z"}),
        json!({"id": "as", "appRoleId": "r", "principalId": "p", "principalType": "User",
            "principalDisplayName": "Jane", "resourceId": "sp", "createdDateTime": "d"}),
        json!({"id": "u", "displayName": "Jane Doe", "userPrincipalName": "jane@contoso.example",
            "mail": null}),
        json!({"value": [{"id": "g", "displayName": "Admins", "description": null, "mail": "a@b"}],
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/groups?$skiptoken=x"}),
        json!({"key": "{\"provisioningStatusInfo\":{\"status\":\"success\"},\"details\":{\"errorCode\":null,\"errorMessage\":null}}",
            "value": "[{\"provisioningSteps\":[]}]"}),
    ]
    .iter()
    .map(|value| serde_json::to_vec(value).unwrap())
    .collect()
}

/// Decodes `body` as a 200 answer of type `T`: a value, or an `UnexpectedResponse`.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, GraphError> {
    let answer = Answer {
        status: StatusCode::OK,
        body: body.to_vec(),
    };
    let decoded = answer.json::<T>();
    if let Err(error) = &decoded {
        assert!(
            matches!(
                error,
                GraphError::UnexpectedResponse {
                    status: Some(200),
                    ..
                }
            ),
            "{error:?}"
        );
    }
    decoded
}

/// Every decoder that reads a successful Graph answer, on the same body.
fn decode_every_shape(body: &[u8]) {
    let _ = decode::<ServicePrincipalSummary>(body);
    let _ = decode::<ApplicationSummary>(body);
    let _ = decode::<Assignment>(body);
    let _ = decode::<DirectoryUser>(body);
    let _ = decode::<DirectoryGroup>(body);
    let _ = decode::<Vec<AppRole>>(body);
    if let Ok(value) = decode::<Value>(body) {
        // Collections, jobs and provision-on-demand answers are read from a `Value`.
        if let Some(items) = value.get("value").and_then(Value::as_array) {
            for item in items {
                let _ = serde_json::from_value::<DirectoryGroup>(item.clone());
            }
        }
        if let Ok(job) = serde_json::from_value::<SyncJob>(value.clone()) {
            let _ = (job.is_healthy(), job.is_quarantined());
            if let Some(status) = &job.status {
                let _ = status.steady_state_achieved();
            }
        }
        let on_demand = parse_on_demand(&value);
        let _ = on_demand.succeeded();
    }
}

/// Parses an error answer and checks what every error answer must give.
fn check_error_body(status: u16, body: &[u8]) -> GraphError {
    let detail = parse_error_body(status, body, Some("header-request"), Some("header-client"));
    assert_eq!(detail.status, status);
    assert!(
        detail.inner_codes.len() <= 16,
        "{}",
        detail.inner_codes.len()
    );
    assert!(detail.request_id.is_some() && detail.client_request_id.is_some());
    let _ = detail.readable_message();
    let _ = detail.to_string();
    let error = classify(detail, None);
    assert!(CLASSIFIED.contains(&error.code()), "{}", error.code());
    assert_eq!(error.status(), Some(status));
    let _ = error.to_string();
    let _ = error.support_reference();
    error
}

/// `{"error":{…,"innerError":{…}}}` with `depth` inner errors, each key in a casing Graph uses.
fn nested_envelope(codes: &[(String, u8)]) -> Value {
    let mut inner = Value::Null;
    for (code, casing) in codes.iter().rev() {
        let key = ["innerError", "innererror", "InnerError"][usize::from(*casing) % 3];
        let mut object = json!({ "code": code, "request-id": "body-request" });
        if !inner.is_null() {
            object[key] = inner;
        }
        inner = object;
    }
    let mut error = json!({ "code": "Outer", "message": "m" });
    if !inner.is_null() {
        error["innerError"] = inner;
    }
    json!({ "error": error })
}

/// `message` wrapped `levels` times: as the `detail` of an object, then as a JSON string.
fn wrapped(message: &str, levels: usize) -> String {
    let mut text = message.to_owned();
    for level in 0..levels {
        text = if level % 2 == 0 {
            json!({ "detail": text }).to_string()
        } else {
            Value::String(text).to_string()
        };
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn error_bodies_of_any_bytes(
        status in prop_oneof![Just(400_u16), Just(401), Just(403), Just(404), Just(409),
            Just(429), Just(500), Just(503), 100..600_u16],
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        check_error_body(status, &body);
    }

    #[test]
    fn mutated_error_bodies(
        status in 400..600_u16,
        sample in 0..6_usize,
        edits in prop::collection::vec(edit(), 0..12),
    ) {
        let body = mutate(&error_samples()[sample], &edits);
        check_error_body(status, &body);
    }

    /// The inner codes are read down the chain, whatever its casing, at most 16 deep.
    #[test]
    fn inner_error_chains(codes in prop::collection::vec(("[A-Za-z_]{1,12}", any::<u8>()), 0..40)) {
        let body = serde_json::to_vec(&nested_envelope(&codes)).unwrap();
        let detail = parse_error_body(404, &body, None, None);
        let expected: Vec<String> = codes.iter().take(16).map(|(code, _)| code.clone()).collect();
        prop_assert_eq!(&detail.inner_codes, &expected);
        let expected_request = (!codes.is_empty()).then(|| "body-request".to_owned());
        prop_assert_eq!(detail.request_id, expected_request);
    }

    #[test]
    fn embedded_messages_in_any_text(text in any::<String>()) {
        let _ = extract_embedded_message(&text);
        let _ = application_response(&text);
    }

    /// Prose with JSON-looking pieces: braces, quotes, escapes, markers.
    #[test]
    fn embedded_messages_in_near_json_prose(
        pieces in prop::collection::vec(prop_oneof![
            Just("{".to_owned()), Just("}".to_owned()), Just("\"".to_owned()),
            Just("\\".to_owned()), Just(":".to_owned()), Just("[".to_owned()),
            Just("{\"detail\":".to_owned()), Just("{\"Message\":\"".to_owned()),
            Just("{\"error\":{\"message\":".to_owned()),
            Just(" Response from the application: ".to_owned()),
            "[a-z ]{0,8}",
            any::<String>(),
        ], 0..32),
    ) {
        let text = pieces.concat();
        let _ = extract_embedded_message(&text);
        let _ = application_response(&text);
    }

    /// A message wrapped in JSON objects and in strings holding JSON, after prose, comes back
    /// out, to the depth the unwrapping follows (five layers; the outer one an object, since a
    /// JSON string in prose is not looked into).
    #[test]
    fn wrapped_messages_are_unwrapped(
        message in "[A-Za-z][A-Za-z ]{0,20}[A-Za-z]",
        levels in (0..3_usize).prop_map(|pairs| 2 * pairs + 1),
        prose in "[A-Za-z ]{0,20}",
    ) {
        let text = format!("{prose}{}", wrapped(&message, levels));
        prop_assert_eq!(extract_embedded_message(&text), Some(message));
    }

    #[test]
    fn answers_of_any_bytes(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        decode_every_shape(&body);
    }

    #[test]
    fn mutated_answers(sample in 0..7_usize, edits in prop::collection::vec(edit(), 0..12)) {
        let body = mutate(&answer_samples()[sample], &edits);
        decode_every_shape(&body);
    }
}

/// The samples decode as what they are, so the mutations start from valid answers.
#[test]
fn the_samples_are_valid() {
    let answers = answer_samples();
    let job = decode::<Value>(&answers[0]).unwrap();
    let job: SyncJob = serde_json::from_value(job).unwrap();
    assert!(job.is_quarantined());
    assert_eq!(
        decode::<ServicePrincipalSummary>(&answers[1])
            .unwrap()
            .app_roles
            .len(),
        1
    );
    decode::<ApplicationSummary>(&answers[2]).unwrap();
    decode::<Assignment>(&answers[3]).unwrap();
    decode::<DirectoryUser>(&answers[4]).unwrap();
    let on_demand = parse_on_demand(&decode::<Value>(&answers[6]).unwrap());
    assert!(on_demand.value.is_array());
    let codes: Vec<&str> = error_samples()
        .iter()
        .map(|body| check_error_body(400, body).code())
        .collect();
    assert_eq!(codes[1], "graph.credentials_rejected");
}

/// Nesting deeper than the JSON parser's limit (128) is refused as "not JSON", not a stack
/// overflow, in the envelope and in an embedded message. Regression: the search for embedded
/// JSON tried every `{` of this 900 KB message, parsing 128 levels from each: 59 s here (debug
/// build) for one `readable_message()`, which every `Display` of the error calls.
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 100_000;
    let deep = format!("{}null{}", "{\"error\":".repeat(depth), "}".repeat(depth));
    let started = Instant::now();
    let detail = parse_error_body(400, deep.as_bytes(), None, None);
    assert_eq!(detail.code, "");
    assert_eq!(extract_embedded_message(&deep), None);
    let took = started.elapsed();
    assert!(took.as_secs() < 5, "took {took:?}");
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    decode_every_shape(arrays.as_bytes());
    let codes: Vec<(String, u8)> = (0..120).map(|i| (format!("C{i}"), 0)).collect();
    let detail = parse_error_body(
        404,
        &serde_json::to_vec(&nested_envelope(&codes)).unwrap(),
        None,
        None,
    );
    assert_eq!(detail.inner_codes.len(), 16);
}

/// A 50 MB message, and 50 MB answers: read in time linear in their size.
#[test]
fn a_50_mb_body_is_handled_in_linear_time() {
    let big = "x".repeat(50 * 1024 * 1024);
    let started = Instant::now();
    let body =
        serde_json::to_vec(&json!({"error": {"code": "BadRequest", "message": big}})).unwrap();
    let error = check_error_body(400, &body);
    assert_eq!(error.code(), "graph.bad_request");
    let user = serde_json::to_vec(&json!({"id": "u", "displayName": big})).unwrap();
    assert_eq!(
        decode::<DirectoryUser>(&user)
            .unwrap()
            .display_name
            .map(|name| name.len()),
        Some(big.len())
    );
    // No closing quote: the parser reads to the end once and stops.
    let mut open = b"{\"id\":\"".to_vec();
    open.extend_from_slice(big.as_bytes());
    assert!(decode::<DirectoryUser>(&open).is_err());
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "took {took:?}");
}

/// Prose in which every `{` opens a candidate that parses a long way before failing: the search
/// for embedded JSON tries only a bounded number of them.
#[test]
fn prose_full_of_braces_is_searched_in_bounded_time() {
    // `{"a":[0,0,…,{"a":[0,0,…` never closed: from each `{`, the parser reads to the end.
    let unit = format!("{{\"a\":[{}", "0,".repeat(500));
    let text = format!("Error: {}", unit.repeat(100));
    let started = Instant::now();
    assert_eq!(extract_embedded_message(&text), None);
    assert_eq!(
        application_response(&text).map(|t| t.len()),
        Some(text.len())
    );
    let flat = "{".repeat(1_000_000);
    assert_eq!(extract_embedded_message(&flat), None);
    let took = started.elapsed();
    assert!(took.as_secs() < 10, "took {took:?}");
}
