//! The one retry policy every Graph call goes through (docs/services.md, "Graph: errors,
//! throttling and retries" and "Graph: replication lag").
//!
//! - 429 and 503 honour `Retry-After` (seconds), capped; without it they back off.
//! - Other 5xx back off, for idempotent calls only.
//! - A connection that fails before the request is sent is retried for every call.
//! - 404/403/409 are replication lag only right after a create: the caller opts in per call with
//!   [`RetryWindow::AfterCreate`] (see [`super::GraphClient::with_retry_window`]).

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Delays and budgets. The defaults are for the real service; tests shrink them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a throttled (429/503) or failing (5xx, connect) call is retried.
    pub max_retries: u32,
    /// First backoff delay; doubles each retry.
    pub base_delay: Duration,
    /// Largest backoff delay.
    pub max_delay: Duration,
    /// Largest `Retry-After` we honour; longer answers are cut to this.
    pub retry_after_cap: Duration,
    /// First delay between retries inside a [`RetryWindow::AfterCreate`] window.
    pub replication_base_delay: Duration,
    /// Largest delay between retries inside a replication window.
    pub replication_max_delay: Duration,
    /// Poll interval of [`super::GraphClient::wait_until_replicated`].
    pub replication_poll_interval: Duration,
    /// How many successive rounds of 200s `wait_until_replicated` wants.
    pub replication_consecutive_oks: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(60),
            replication_base_delay: Duration::from_secs(2),
            replication_max_delay: Duration::from_secs(30),
            replication_poll_interval: Duration::from_secs(3),
            replication_consecutive_oks: 3,
        }
    }
}

impl RetryPolicy {
    /// Millisecond delays for tests (same shape, same counts).
    pub fn fast() -> Self {
        RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
            retry_after_cap: Duration::from_secs(2),
            replication_base_delay: Duration::from_millis(50),
            replication_max_delay: Duration::from_millis(250),
            replication_poll_interval: Duration::from_millis(100),
            replication_consecutive_oks: 2,
        }
    }

    /// Exponential backoff for the `attempt`-th retry (0-based), capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        exponential(self.base_delay, self.max_delay, attempt)
    }

    /// Backoff inside a replication window.
    pub fn replication_backoff(&self, attempt: u32) -> Duration {
        exponential(
            self.replication_base_delay,
            self.replication_max_delay,
            attempt,
        )
    }

    /// What to wait before retrying a 429/503: `Retry-After` (capped) or the backoff.
    pub fn throttle_delay(&self, retry_after: Option<Duration>, attempt: u32) -> Duration {
        match retry_after {
            Some(delay) => delay.min(self.retry_after_cap),
            None => self.backoff(attempt),
        }
    }
}

fn exponential(base: Duration, max: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(20));
    base.saturating_mul(factor).min(max)
}

/// Whether 404/403/409 answers are replication lag for this call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryWindow {
    /// They are real errors (the default).
    #[default]
    None,
    /// The object this call addresses was created moments ago: retry 404 (`Request_ResourceNotFound`),
    /// 403 and 409 with backoff until this much time has passed since the first attempt, then
    /// surface the error (a 403 then means a missing role or consent).
    AfterCreate(Duration),
}

impl RetryWindow {
    pub(crate) fn budget(self) -> Option<Duration> {
        match self {
            RetryWindow::None => None,
            RetryWindow::AfterCreate(window) => Some(window),
        }
    }
}

/// Parses `Retry-After` as delta-seconds (what Graph sends). An HTTP-date or garbage gives `None`,
/// and the caller falls back to its backoff.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // Some gateways send fractional seconds.
    value
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0 && *seconds < 86_400.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_seconds_and_fallbacks() {
        assert_eq!(
            parse_retry_after(&headers("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(&headers(" 0 ")),
            Some(Duration::from_secs(0))
        );
        assert_eq!(
            parse_retry_after(&headers("1.5")),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2026 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(&headers("-3")), None);
        assert_eq!(parse_retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_is_capped_and_backoff_grows_to_its_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.throttle_delay(Some(Duration::from_secs(3600)), 0),
            Duration::from_secs(60)
        );
        assert_eq!(
            policy.throttle_delay(Some(Duration::from_secs(2)), 5),
            Duration::from_secs(2)
        );
        assert_eq!(policy.throttle_delay(None, 0), Duration::from_secs(1));
        assert_eq!(policy.backoff(1), Duration::from_secs(2));
        assert_eq!(policy.backoff(4), Duration::from_secs(16));
        assert_eq!(policy.backoff(5), Duration::from_secs(30));
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
        assert_eq!(policy.replication_backoff(0), Duration::from_secs(2));
        assert_eq!(policy.replication_backoff(10), Duration::from_secs(30));
    }
}
