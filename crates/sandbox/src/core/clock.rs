//! The sandbox clock: real time plus an offset that tests can push forward.
//!
//! Every timestamp the simulator writes or compares (creation dates, token expiry, the request log)
//! comes from here, so `POST /_sandbox/time-travel` moves all of them together.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Default)]
pub(crate) struct SandboxClock {
    offset_seconds: i64,
}

impl SandboxClock {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_seconds)
    }

    /// Moves the clock forward (or back, for a negative value); saturates instead of overflowing.
    pub(crate) fn advance(&mut self, seconds: i64) {
        // chrono panics on durations beyond ~292 billion years; keep far inside that.
        const LIMIT: i64 = 1_000 * 365 * 24 * 3600;
        self.offset_seconds = self
            .offset_seconds
            .saturating_add(seconds)
            .clamp(-LIMIT, LIMIT);
    }

    pub(crate) fn offset_seconds(&self) -> i64 {
        self.offset_seconds
    }
}

/// RFC 3339, UTC, microsecond precision, `Z` suffix: the format Scaleway's API answers with.
/// `at` as an HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7).
pub(crate) fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}
