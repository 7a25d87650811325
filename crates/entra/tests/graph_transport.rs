//! The Graph client's transport and retry policy against a scripted HTTP server: Retry-After,
//! 5xx on idempotent vs create calls, lost answers, redirects, replication windows, 401 refresh,
//! paging, and secrets never appearing in errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use scim_wizard_entra::SecretString;
use scim_wizard_entra::graph::{
    AccessTokenSource, GraphClient, GraphError, RetryPolicy, RetryWindow, StaticToken, TokenFuture,
    token_fn,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
enum Step {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Read the request, then close without answering.
    Drop,
}

fn respond(status: u16, body: Value) -> Step {
    Step::Respond {
        status,
        headers: vec![],
        body: if body.is_null() {
            String::new()
        } else {
            body.to_string()
        },
    }
}

fn respond_with(status: u16, headers: Vec<(&'static str, String)>, body: Value) -> Step {
    Step::Respond {
        status,
        headers,
        body: body.to_string(),
    }
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Serves `steps` in order, one per request (then 500s).
    async fn start(steps: Vec<Step>) -> Server {
        Server::start_with(|_| steps).await
    }

    /// Like `start`, with steps that may name the server's own base URL.
    async fn start_with(steps: impl FnOnce(&str) -> Vec<Step>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/graph", listener.local_addr().unwrap());
        let steps = steps(&base);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let steps = Arc::new(Mutex::new(steps.into_iter()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let Some(request) = read_request(&mut stream).await else {
                    continue;
                };
                log.lock().unwrap().push(request);
                let step = steps.lock().unwrap().next();
                match step {
                    Some(Step::Drop) => drop(stream),
                    Some(Step::Respond {
                        status,
                        headers,
                        body,
                    }) => {
                        let mut text = format!(
                            "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n",
                            body.len()
                        );
                        if !body.is_empty() {
                            text.push_str("content-type: application/json\r\n");
                        }
                        for (name, value) in headers {
                            text.push_str(&format!("{name}: {value}\r\n"));
                        }
                        text.push_str("\r\n");
                        text.push_str(&body);
                        let _ = stream.write_all(text.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    }
                    None => {
                        let _ = stream
                            .write_all(
                                b"HTTP/1.1 500 X\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
                            )
                            .await;
                    }
                }
            }
        });
        Server { base, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[header_end..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Seen {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

const TOKEN: &str = "eyJ0eXAi.access-token-value.sig";

fn client(server: &Server) -> GraphClient {
    GraphClient::new(&server.base, StaticToken(SecretString::from(TOKEN)))
        .unwrap()
        .with_retry_policy(RetryPolicy::fast())
}

fn job_json() -> Value {
    json!({"id": "scim.abc.123", "templateId": "scim",
           "schedule": {"interval": "PT40M", "state": "Disabled"},
           "status": {"code": "NotConfigured", "quarantine": null, "lastExecution": null,
                      "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
                      "countSuccessiveCompleteFailures": 0}})
}

fn graph_error(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message,
        "innerError": {"date": "2026-08-20T10:00:00", "request-id": "rid-1", "client-request-id": "cid-1"}}})
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let server = Server::start(vec![
        respond_with(
            429,
            vec![("retry-after", "1".into())],
            graph_error("TooManyRequests", "slow down"),
        ),
        respond(200, job_json()),
    ])
    .await;
    let started = std::time::Instant::now();
    let job = client(&server)
        .get_job("sp-1", "scim.abc.123")
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(job.id, "scim.abc.123");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].target,
        "/graph/v1.0/servicePrincipals/sp-1/synchronization/jobs/scim.abc.123"
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert!(seen[0].header("client-request-id").is_some());
    assert_ne!(
        seen[0].header("client-request-id"),
        seen[1].header("client-request-id")
    );
}

#[tokio::test]
async fn throttling_gives_up_after_the_policy_with_a_stable_code() {
    let steps = (0..10)
        .map(|_| {
            respond_with(
                429,
                vec![("retry-after", "0".into())],
                graph_error("TooManyRequests", "x"),
            )
        })
        .collect();
    let server = Server::start(steps).await;
    let error = client(&server).list_jobs("sp").await.unwrap_err();
    assert_eq!(error.code(), "graph.throttled");
    assert!(error.is_retryable());
    assert_eq!(server.seen().len(), 7, "1 + max_retries");
}

#[tokio::test]
async fn server_errors_are_retried_only_when_idempotent() {
    let server = Server::start(vec![
        respond(502, graph_error("BadGateway", "x")),
        respond(500, graph_error("InternalError", "x")),
        respond(200, json!({"value": [job_json()]})),
    ])
    .await;
    let jobs = client(&server).list_jobs("sp").await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(server.seen().len(), 3);

    // A 5xx after a create may have come after it was done: the caller must look, not resend.
    let server = Server::start(vec![respond(500, graph_error("InternalError", "boom"))]).await;
    let error = client(&server).create_scim_job("sp").await.unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    assert_eq!(server.seen().len(), 1, "a create is never resent on 5xx");
    assert_eq!(server.seen()[0].body, r#"{"templateId":"scim"}"#);
    assert!(
        format!("{error:?}").contains("request-id rid-1"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_create_is_resent_only_when_graph_turned_it_away() {
    // 503 without Retry-After: maybe done.
    let server = Server::start(vec![
        respond(503, graph_error("ServiceUnavailable", "x")),
        respond(201, job_json()),
    ])
    .await;
    let error = client(&server).create_scim_job("sp").await.unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    assert_eq!(server.seen().len(), 1);
    let server = Server::start(vec![
        respond(503, graph_error("ServiceUnavailable", "x")),
        respond(201, json!({})),
    ])
    .await;
    let error = client(&server)
        .instantiate_non_gallery("t", "Scaleway SCIM")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    assert_eq!(server.seen().len(), 1);

    // 429, and 503 with Retry-After, say nothing was done: resent as is.
    for status in [429, 503] {
        let server = Server::start(vec![
            respond_with(
                status,
                vec![("retry-after", "0".into())],
                graph_error("TooManyRequests", "x"),
            ),
            respond(201, job_json()),
        ])
        .await;
        let job = client(&server).create_scim_job("sp").await.unwrap();
        assert!(!job.id.is_empty());
        assert_eq!(server.seen().len(), 2, "{status}");
    }
}

#[tokio::test]
async fn a_lost_instantiate_answer_is_outcome_unknown_and_never_resent() {
    let server = Server::start(vec![Step::Drop, respond(201, json!({}))]).await;
    let error = client(&server)
        .instantiate_non_gallery("8adf8e6e-67b2-4cf2-a259-e3dc5476c621", "Scaleway SCIM")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.seen()[0].method, "POST");
    assert_eq!(
        server.seen()[0].target,
        "/graph/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate"
    );
    assert_eq!(server.seen()[0].body, r#"{"displayName":"Scaleway SCIM"}"#);

    // Graph's known "404 but created anyway" is outcome-unknown too.
    let server = Server::start(vec![respond(
        404,
        graph_error(
            "UnknownError",
            "Graph call failed with httpCode=NotFound, errorCode=, errorMessage=, reason=Not Found.",
        ),
    )])
    .await;
    let error = client(&server)
        .instantiate_non_gallery("t", "Scaleway SCIM")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown");
    // But a refusal is a refusal.
    let server = Server::start(vec![respond(
        403,
        graph_error(
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
    )])
    .await;
    let error = client(&server)
        .instantiate_non_gallery("t", "x")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.forbidden");
}

#[tokio::test]
async fn a_lost_answer_on_a_read_is_retried() {
    let server = Server::start(vec![Step::Drop, respond(200, job_json())]).await;
    let job = client(&server).get_job("sp", "j").await.unwrap();
    assert_eq!(job.template_id.as_deref(), Some("scim"));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let elsewhere = Server::start(vec![respond(200, job_json())]).await;
    let server = Server::start(vec![respond_with(
        302,
        vec![("location", format!("{}/v1.0/steal", elsewhere.base))],
        json!({}),
    )])
    .await;
    let error = client(&server).get_job("sp", "j").await.unwrap_err();
    assert_eq!(error.code(), "graph.unexpected_response");
    assert!(
        elsewhere.seen().is_empty(),
        "the bearer went to another host"
    );
}

#[tokio::test]
async fn replication_lag_is_retried_only_inside_an_after_create_window() {
    let lag = || {
        vec![
            respond(
                404,
                graph_error("Request_ResourceNotFound", "Resource 'sp' does not exist"),
            ),
            respond(
                403,
                graph_error("Authorization_RequestDenied", "Insufficient privileges"),
            ),
            respond(
                409,
                graph_error(
                    "Directory_ConcurrencyViolation",
                    "Please wait briefly and retry",
                ),
            ),
            respond(204, Value::Null),
        ]
    };
    let server = Server::start(lag()).await;
    let graph = client(&server);
    let error = graph.start_job("sp", "j").await.unwrap_err();
    assert_eq!(error.code(), "graph.not_found");
    assert_eq!(server.seen().len(), 1);

    let server = Server::start(lag()).await;
    let graph = client(&server).with_retry_window(RetryWindow::AfterCreate(Duration::from_secs(5)));
    graph.start_job("sp", "j").await.unwrap();
    assert_eq!(server.seen().len(), 4);
    assert_eq!(
        server.seen()[3].target,
        "/graph/v1.0/servicePrincipals/sp/synchronization/jobs/j/start"
    );

    // The window is bounded: a 403 that persists surfaces, naming the missing role.
    let steps = (0..50)
        .map(|_| {
            respond(
                403,
                graph_error("Authorization_RequestDenied", "Insufficient privileges"),
            )
        })
        .collect();
    let server = Server::start(steps).await;
    let graph =
        client(&server).with_retry_window(RetryWindow::AfterCreate(Duration::from_millis(400)));
    let started = std::time::Instant::now();
    let error = graph.start_job("sp", "j").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(server.seen().len() > 1);
    let GraphError::Forbidden { missing_role, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(missing_role.contains("Cloud Application Administrator"));
}

struct Refreshing {
    calls: AtomicUsize,
}

impl AccessTokenSource for Refreshing {
    fn access_token(&self) -> TokenFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(SecretString::from(format!("a.token-{n}.b"))) })
    }

    fn token_rejected(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn a_401_asks_the_token_source_for_a_fresh_token_once() {
    let server = Server::start(vec![
        respond(
            401,
            graph_error(
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
            ),
        ),
        respond(200, json!({"value": []})),
    ])
    .await;
    let graph = GraphClient::new(
        &server.base,
        Refreshing {
            calls: AtomicUsize::new(0),
        },
    )
    .unwrap()
    .with_retry_policy(RetryPolicy::fast());
    assert!(graph.list_jobs("sp").await.unwrap().is_empty());
    let seen = server.seen();
    assert_eq!(seen[0].header("authorization"), Some("Bearer a.token-0.b"));
    assert_eq!(seen[1].header("authorization"), Some("Bearer a.token-1.b"));

    let server = Server::start(vec![
        respond(401, graph_error("InvalidAuthenticationToken", "expired")),
        respond(401, graph_error("InvalidAuthenticationToken", "expired")),
    ])
    .await;
    let error = client(&server).list_jobs("sp").await.unwrap_err();
    assert_eq!(error.code(), "graph.auth_expired");
    assert_eq!(server.seen().len(), 1, "a static token is not retried");

    let failing = token_fn(|| async {
        Err(scim_wizard_entra::graph::TokenSourceError(
            "signed out".into(),
        ))
    });
    let graph = GraphClient::new(&server.base, failing).unwrap();
    assert_eq!(
        graph.list_jobs("sp").await.unwrap_err().code(),
        "graph.sign_in_required"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_errors() {
    let secret = "scw-scim-token-0123456789";
    // A body echoing the secret back (worst case): it must be scrubbed.
    let message =
        json!({"Message": format!("Response: {{\"detail\":\"token {secret} is invalid\"}}")})
            .to_string();
    let server = Server::start(vec![respond(
        400,
        graph_error("CredentialValidationUnavailable", &message),
    )])
    .await;
    let error = client(&server)
        .validate_credentials_unsaved(
            "sp",
            "scim",
            "https://scim.example/v2",
            &SecretString::from(secret),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.credentials_rejected");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(error.to_string().starts_with("Scaleway refused the token"));
    let body: Value = serde_json::from_str(&server.seen()[0].body).unwrap();
    assert_eq!(
        body,
        json!({"templateId": "scim", "useSavedCredentials": false, "credentials": [
            {"key": "BaseAddress", "value": "https://scim.example/v2"},
            {"key": "SecretToken", "value": secret}]})
    );
    assert!(!format!("{:?}", client(&server)).contains(TOKEN));
}

#[tokio::test]
async fn lists_follow_next_links_on_graph_only() {
    let server = Server::start_with(|base| {
        vec![
            respond(200, json!({"value": [{"id": "a1", "appId": "c1", "displayName": "O'Neil app"}],
                                "@odata.nextLink": format!("{base}/v1.0/applications?$skiptoken=abc")})),
            respond(200, json!({"value": [{"id": "a2", "appId": "c2"}]})),
        ]
    })
    .await;
    let apps = client(&server)
        .find_applications_by_display_name("O'Neil app")
        .await
        .unwrap();
    assert_eq!(apps.len(), 2);
    assert_eq!(apps[1].id, "a2");
    let seen = server.seen();
    assert_eq!(
        seen[0].target,
        "/graph/v1.0/applications?$filter=displayName%20eq%20%27O%27%27Neil%20app%27"
    );
    assert_eq!(seen[1].target, "/graph/v1.0/applications?$skiptoken=abc");

    // A nextLink to another origin is refused, never followed with the bearer.
    let elsewhere = Server::start(vec![respond(200, json!({"value": []}))]).await;
    let link = format!("{}/v1.0/applications?$skiptoken=abc", elsewhere.base);
    let server = Server::start(vec![respond(
        200,
        json!({"value": [], "@odata.nextLink": link}),
    )])
    .await;
    let error = client(&server)
        .find_applications_by_display_name("x")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.unexpected_response");
    assert!(elsewhere.seen().is_empty());
}

#[test]
fn the_graph_root_is_checked_and_v1_appended() {
    let token = || StaticToken(SecretString::from(TOKEN));
    for bad in ["not a url", "ftp://graph.example", "mailto:x@y"] {
        let error = GraphClient::new(bad, token()).unwrap_err();
        assert_eq!(error.code(), "graph.invalid_endpoint", "{bad}");
    }
    let graph = GraphClient::new("http://127.0.0.1:1/graph/", token()).unwrap();
    assert_eq!(graph.base_url(), "http://127.0.0.1:1/graph/v1.0");
    let graph = GraphClient::new("https://graph.microsoft.com", token()).unwrap();
    assert_eq!(graph.base_url(), "https://graph.microsoft.com/v1.0");
    let endpoints = scim_wizard_entra::Endpoints::for_cloud(scim_wizard_entra::Cloud::UsGov);
    let graph = GraphClient::for_endpoints(&endpoints, token()).unwrap();
    assert_eq!(graph.base_url(), "https://graph.microsoft.us/v1.0");
}
