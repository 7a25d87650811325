//! The retry policy shared by every call, and the one loop that applies it.
//!
//! What is retried (docs/services.md; the Terraform provider retries 429, 5xx and network errors):
//! - 429 and 503 for every method: the server turned the request away, nothing happened;
//! - 500, 502 and 504 only for idempotent calls (GET, DELETE): on a POST the backend may have
//!   acted before the failure, so a 502/504 on a POST becomes "outcome unknown";
//! - connection failures before anything was sent, for every method;
//! - connections that broke mid-flight (or timed out) only for idempotent calls; on a POST they
//!   become [`ScalewayError::OutcomeUnknown`] so the caller re-reads state (e.g. lists tokens)
//!   instead of minting a second token.
//!
//! Delays come from `backon`'s exponential backoff with jitter. A `Retry-After` header replaces
//! the computed delay when present; if it asks for longer than the policy allows, we stop and
//! report `RateLimited` with the asked delay instead of blocking the admin for minutes.
//!
//! [`ScalewayError::OutcomeUnknown`]: crate::ScalewayError::OutcomeUnknown

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, DATE, HeaderMap, RETRY_AFTER};
use zeroize::Zeroizing;

use crate::error::{NetworkFailure, clean_request_id, clean_text};

/// How hard to retry. Built from [`RetryPolicy::default`] (interactive use) or
/// [`RetryPolicy::quick`] (tests), then adjusted field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the first retry; it doubles each time (plus jitter), up to `max_delay`.
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Most time spent sleeping between attempts of one call, whatever the other settings say.
    pub max_total_delay: Duration,
    /// Longest `Retry-After` we wait for; beyond it the call fails with `RateLimited`.
    pub max_retry_after: Duration,
    /// Randomize delays so that many clients do not retry in lockstep.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    /// Three retries within at most 30 s of waiting: enough to ride out a blip, short enough
    /// that an admin watching a progress bar is not left wondering.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_total_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn no_retries() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Same attempts as the default with millisecond backoff, for tests and the sandbox.
    /// A `Retry-After` is still honoured as sent (up to 5 s).
    pub fn quick() -> Self {
        Self {
            max_attempts: 4,
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            max_total_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(5),
            jitter: true,
        }
    }

    fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        let retries = usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let builder = ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(retries);
        if self.jitter {
            builder.with_jitter().build()
        } else {
            builder.build()
        }
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
/// A date in the past means "now". Anything else is ignored (`None`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits to fit is still "a very long time": keep it so the caller gives up.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a call may safely be repeated if its first try might have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    Idempotent,
    NotIdempotent,
}

/// A response read in full. The body is zeroized on drop because it may hold a bearer token,
/// and `Debug` shows only its length.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// The server's clock when it answered (its `Date` header), when it said it.
    pub date: Option<SystemTime>,
    pub body: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Appends `chunk` without ever letting the vector reallocate in place: a larger buffer is
/// made, filled, and the old one is wiped as it drops, so no copy of a secret is left in freed
/// memory when a body arrives in pieces of unknown total size.
fn append_wiped(body: &mut Zeroizing<Vec<u8>>, chunk: &[u8]) {
    let needed = body.len() + chunk.len();
    if needed > body.capacity() {
        // Doubling (from 4 KiB) up to the largest body read, and never less than needed.
        let capacity = (body.capacity() * 2)
            .clamp(4096, MAX_BODY_BYTES)
            .max(needed);
        let mut larger = Zeroizing::new(Vec::with_capacity(capacity));
        larger.extend_from_slice(body);
        *body = larger;
    }
    body.extend_from_slice(chunk);
}

/// Why no usable response came back.
#[derive(Debug, Clone)]
pub(crate) enum TransportFailure {
    /// Nothing reached the server, or the call is idempotent; retries are exhausted.
    Network {
        failure: NetworkFailure,
        detail: String,
    },
    /// A non-idempotent request may have been carried out; it must not be repeated blindly.
    OutcomeUnknown { detail: String },
    /// The body is larger than any legitimate answer.
    BodyTooLarge {
        status: StatusCode,
        request_id: Option<String>,
    },
}

/// Largest body we read. IAM answers are a few KiB; a page of 100 users is well under 1 MiB.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

enum Attempt {
    Response(RawResponse),
    Failed(AttemptFailure),
}

struct AttemptFailure {
    failure: NetworkFailure,
    detail: String,
    body_too_large: Option<(StatusCode, Option<String>)>,
}

enum Next {
    Stop,
    Retry { server_delay: Option<Duration> },
}

/// Sends the request built by `build` (called once per attempt) under `policy`.
///
/// Returns the last response whatever its status (the caller maps errors), or a failure when no
/// response could be had or repeating was unsafe.
pub(crate) async fn send_with_retry<F>(
    policy: &RetryPolicy,
    idempotency: Idempotency,
    build: F,
) -> Result<RawResponse, TransportFailure>
where
    F: Fn() -> reqwest::RequestBuilder,
{
    let mut backoff = policy.backoff();
    let mut slept = Duration::ZERO;
    let mut attempt_number: u32 = 1;
    loop {
        let attempt = attempt_once(build()).await;
        let next = match &attempt {
            Attempt::Response(response) => decide_on_status(response, idempotency),
            Attempt::Failed(failure) => match (failure.failure, idempotency) {
                _ if failure.body_too_large.is_some() => Next::Stop,
                (NetworkFailure::Connect, _) | (_, Idempotency::Idempotent) => {
                    Next::Retry { server_delay: None }
                }
                (_, Idempotency::NotIdempotent) => Next::Stop,
            },
        };
        let server_delay = match next {
            Next::Stop => return finish(attempt, idempotency),
            Next::Retry { server_delay } => server_delay,
        };
        let Some(computed_delay) = backoff.next() else {
            return finish(attempt, idempotency);
        };
        let delay = match server_delay {
            Some(asked) if asked > policy.max_retry_after => return finish(attempt, idempotency),
            Some(asked) => asked,
            None => computed_delay,
        };
        if slept.saturating_add(delay) > policy.max_total_delay {
            return finish(attempt, idempotency);
        }
        tracing::debug!(
            attempt = attempt_number,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            outcome = %describe_attempt(&attempt),
            "retrying Scaleway request"
        );
        tokio::time::sleep(delay).await;
        slept = slept.saturating_add(delay);
        attempt_number = attempt_number.saturating_add(1);
    }
}

fn decide_on_status(response: &RawResponse, idempotency: Idempotency) -> Next {
    let retry = || Next::Retry {
        server_delay: response.retry_after,
    };
    match (response.status.as_u16(), idempotency) {
        (429, _) | (503, Idempotency::Idempotent) => retry(),
        // A create is resent as is only when it was turned away: a 503 with Retry-After.
        (503, Idempotency::NotIdempotent) if response.retry_after.is_some() => retry(),
        (500 | 502 | 504, Idempotency::Idempotent) => retry(),
        _ => Next::Stop,
    }
}

/// Turns the last attempt into the loop's result, applying the "never repeat a POST that may
/// have succeeded" rule to statuses too: a 5xx on a POST (a gateway's 502/504, a 500 from the
/// service, a 503 that gave no Retry-After) says nothing about whether the backend acted.
fn finish(attempt: Attempt, idempotency: Idempotency) -> Result<RawResponse, TransportFailure> {
    match attempt {
        Attempt::Response(response) => {
            let turned_away = response.status.as_u16() == 503 && response.retry_after.is_some();
            let maybe_done = response.status.is_server_error() && !turned_away;
            if maybe_done && idempotency == Idempotency::NotIdempotent {
                Err(TransportFailure::OutcomeUnknown {
                    detail: format!("Scaleway answered HTTP {}", response.status.as_u16()),
                })
            } else {
                Ok(response)
            }
        }
        Attempt::Failed(AttemptFailure {
            body_too_large: Some((status, request_id)),
            ..
        }) => Err(TransportFailure::BodyTooLarge { status, request_id }),
        Attempt::Failed(AttemptFailure {
            failure, detail, ..
        }) => match (failure, idempotency) {
            (NetworkFailure::Connect, _) | (_, Idempotency::Idempotent) => {
                Err(TransportFailure::Network { failure, detail })
            }
            (_, Idempotency::NotIdempotent) => Err(TransportFailure::OutcomeUnknown {
                detail: format!("{failure}: {detail}"),
            }),
        },
    }
}

fn describe_attempt(attempt: &Attempt) -> String {
    match attempt {
        Attempt::Response(response) => format!("HTTP {}", response.status.as_u16()),
        Attempt::Failed(failure) => failure.failure.to_string(),
    }
}

async fn attempt_once(request: reqwest::RequestBuilder) -> Attempt {
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => return Attempt::Failed(failure_from(&error)),
    };
    let status = response.status();
    let headers = response.headers();
    let content_type = header_text(headers, CONTENT_TYPE.as_str());
    let request_id = headers
        .get("x-request-id")
        .and_then(|value| clean_request_id(value.as_bytes()));
    let retry_after = header_text(headers, RETRY_AFTER.as_str())
        .and_then(|value| parse_retry_after(&value, SystemTime::now()));
    let date = header_text(headers, DATE.as_str())
        .and_then(|value| httpdate::parse_http_date(value.trim()).ok());

    let expected_len = response
        .content_length()
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0);
    if expected_len > MAX_BODY_BYTES {
        return Attempt::Failed(too_large(status, request_id));
    }
    // Sized up front so the buffer is not reallocated (which would leave unzeroized copies).
    let mut body = Zeroizing::new(Vec::with_capacity(expected_len));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
                    return Attempt::Failed(too_large(status, request_id));
                }
                append_wiped(&mut body, &chunk);
            }
            Ok(None) => break,
            Err(error) => return Attempt::Failed(failure_from(&error)),
        }
    }
    Attempt::Response(RawResponse {
        status,
        content_type,
        request_id,
        retry_after,
        date,
        body,
    })
}

fn too_large(status: StatusCode, request_id: Option<String>) -> AttemptFailure {
    AttemptFailure {
        failure: NetworkFailure::Interrupted,
        detail: "response body too large".to_owned(),
        body_too_large: Some((status, request_id)),
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Classifies a reqwest error and describes it without the URL (kept out of error texts so
/// that nothing query-like can leak) and without any header.
fn failure_from(error: &reqwest::Error) -> AttemptFailure {
    let failure = if error.is_connect() {
        NetworkFailure::Connect
    } else if error.is_timeout() {
        NetworkFailure::Timeout
    } else {
        NetworkFailure::Interrupted
    };
    AttemptFailure {
        failure,
        detail: describe_error_chain(error),
        body_too_large: None,
    }
}

fn describe_error_chain(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(clean_text(&cause.to_string(), 200));
        source = cause.source();
    }
    if parts.is_empty() {
        parts.push(if error.is_body() || error.is_decode() {
            "error reading the response body".to_owned()
        } else {
            "error sending the request".to_owned()
        });
    }
    parts.dedup();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_in_pieces_is_kept_whole_and_never_printed() {
        let mut body = Zeroizing::new(Vec::new());
        let mut expected = Vec::new();
        for i in 0..5000u32 {
            let chunk = i.to_le_bytes();
            let before = body.capacity();
            append_wiped(&mut body, &chunk);
            // Growth happens only in append_wiped's own copy, never in place.
            assert!(
                body.capacity() == before
                    || body.capacity() >= before * 2
                    || body.capacity() == MAX_BODY_BYTES
            );
            expected.extend_from_slice(&chunk);
        }
        assert_eq!(body.as_slice(), expected.as_slice());
        let response = RawResponse {
            status: StatusCode::OK,
            content_type: None,
            request_id: None,
            retry_after: None,
            date: None,
            body: Zeroizing::new(b"{\"bearer_token\":\"s3cr3t\"}".to_vec()),
        };
        let shown = format!("{response:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("115"),
            "{shown}"
        );
        assert!(shown.contains("body_bytes: 25"), "{shown}");
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::MAX)
        );
    }

    #[test]
    fn retry_after_as_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        // The two obsolete formats recipients must still accept.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:38 1994", now),
            Some(Duration::from_secs(1))
        );
        // In the past: go now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_garbage_is_ignored() {
        let now = SystemTime::now();
        for value in [
            "",
            "  ",
            "-1",
            "1.5",
            "soon",
            "Sun, 99 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(value, now), None, "{value:?}");
        }
    }

    #[test]
    fn backoff_yields_one_delay_per_retry_within_bounds() {
        let policy = RetryPolicy {
            max_attempts: 4,
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(25),
            jitter: false,
            ..RetryPolicy::quick()
        };
        let delays: Vec<_> = policy.backoff().collect();
        assert_eq!(
            delays,
            [10, 20, 25].map(Duration::from_millis).to_vec(),
            "three retries, doubling, capped"
        );
        assert_eq!(RetryPolicy::no_retries().backoff().count(), 0);
    }

    #[test]
    fn status_decisions() {
        let response = |status: u16| RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            content_type: None,
            request_id: None,
            retry_after: None,
            date: None,
            body: Zeroizing::new(Vec::new()),
        };
        let retries = |status, idempotency| {
            matches!(
                decide_on_status(&response(status), idempotency),
                Next::Retry { .. }
            )
        };
        for status in [429, 500, 502, 503, 504] {
            assert!(retries(status, Idempotency::Idempotent), "{status}");
        }
        assert!(retries(429, Idempotency::NotIdempotent));
        // A create is resent on 503 only when it was turned away (a Retry-After).
        let turned_away = RawResponse {
            retry_after: Some(Duration::from_secs(1)),
            ..response(503)
        };
        assert!(matches!(
            decide_on_status(&turned_away, Idempotency::NotIdempotent),
            Next::Retry { .. }
        ));
        for status in [500, 502, 503, 504, 400, 401, 403, 404, 409] {
            assert!(!retries(status, Idempotency::NotIdempotent), "{status}");
        }
        assert!(matches!(
            finish(Attempt::Response(response(504)), Idempotency::NotIdempotent),
            Err(TransportFailure::OutcomeUnknown { .. })
        ));
        assert!(finish(Attempt::Response(response(504)), Idempotency::Idempotent).is_ok());
        for status in [500, 503] {
            assert!(matches!(
                finish(
                    Attempt::Response(response(status)),
                    Idempotency::NotIdempotent
                ),
                Err(TransportFailure::OutcomeUnknown { .. })
            ));
        }
        assert!(finish(Attempt::Response(response(400)), Idempotency::NotIdempotent).is_ok());
    }
}
