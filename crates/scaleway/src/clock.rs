//! Scaleway's clock, as its answers tell it.
//!
//! A token's days left are counted on the clock that will refuse it: Scaleway's, read from the
//! `Date` header every answer carries (RFC 9110 §6.6.1), not this computer's, which may be off
//! by hours or days. Before any answer has been read, this computer's clock is all there is.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};

/// How far Scaleway's clock is from this computer's, as last seen. Shared by a client's clones.
#[derive(Debug, Clone, Default)]
pub struct ServerClock(Arc<Mutex<Option<TimeDelta>>>);

impl ServerClock {
    /// Records the `Date` of an answer read just now.
    pub(crate) fn saw(&self, date: SystemTime) {
        let offset = DateTime::<Utc>::from(date) - Utc::now();
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(offset);
    }

    /// Now, on Scaleway's clock (to the second: that is what `Date` carries).
    pub fn now(&self) -> DateTime<Utc> {
        let offset = *self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Utc::now() + offset.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn now_follows_the_last_answer() {
        let clock = ServerClock::default();
        assert!((clock.now() - Utc::now()).num_seconds().abs() <= 1);
        let twenty_days = Duration::from_secs(20 * 24 * 3600);
        clock.saw(SystemTime::now() + twenty_days);
        let ahead = clock.now() - Utc::now();
        assert!((ahead.num_seconds() - 20 * 24 * 3600).abs() <= 1, "{ahead}");
        // Clones share what was seen.
        let clone = clock.clone();
        clock.saw(SystemTime::now());
        assert!((clone.now() - Utc::now()).num_seconds().abs() <= 1);
    }
}
