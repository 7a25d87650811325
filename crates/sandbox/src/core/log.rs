//! The request log and per-route call counts behind `GET /_sandbox/requests` and the
//! `request_counts` of `GET /_sandbox/state`: what clients sent, for tests to assert on.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

/// Keeps a long-running practice sandbox from growing without bound.
const REQUEST_LOG_CAPACITY: usize = 10_000;

/// One entry of `GET /_sandbox/requests`. Credentials in headers are already redacted.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RequestLogEntry {
    pub(crate) request_id: String,
    pub(crate) time: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) route: Option<String>,
    /// None when the connection was dropped before any answer.
    pub(crate) status: Option<u16>,
    /// `handled`, `injected_status`, `dropped` or `dropped_after_handling`.
    pub(crate) outcome: &'static str,
    pub(crate) duration_ms: u64,
    pub(crate) headers: BTreeMap<String, String>,
}

/// Every request outside the control routes, oldest first, and how often each named route was
/// called (counted before faults, so a dropped call counts too).
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<RequestLogEntry>,
    counts: BTreeMap<String, u64>,
}

impl RequestLog {
    pub(crate) fn record(&mut self, entry: RequestLogEntry) {
        if self.entries.len() >= REQUEST_LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn count(&mut self, route: &str) {
        *self.counts.entry(route.to_string()).or_default() += 1;
    }

    pub(crate) fn entries(&self) -> &VecDeque<RequestLogEntry> {
        &self.entries
    }

    pub(crate) fn counts(&self) -> &BTreeMap<String, u64> {
        &self.counts
    }
}
