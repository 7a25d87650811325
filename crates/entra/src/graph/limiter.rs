//! A sliding-window rate limiter: at most `max` acquisitions in any `window`.
//! `provisionOnDemand` is limited by Graph to 5 calls per 10 s (docs/services.md); we wait on
//! our side instead of collecting 429s.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Allows at most `max` calls in any sliding `window` (tokio time, so tests can pause it).
#[derive(Debug)]
pub struct SlidingWindowLimiter {
    max: usize,
    window: Duration,
    granted: Mutex<VecDeque<Instant>>,
}

impl SlidingWindowLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        SlidingWindowLimiter {
            max: max.max(1),
            window,
            granted: Mutex::new(VecDeque::new()),
        }
    }

    /// Graph's limit for `provisionOnDemand`: 5 per 10 seconds.
    pub fn provision_on_demand() -> Self {
        SlidingWindowLimiter::new(5, Duration::from_secs(10))
    }

    /// Waits until a call is allowed, and records it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let now = Instant::now();
                let mut granted = self
                    .granted
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                while granted
                    .front()
                    .is_some_and(|&oldest| now.duration_since(oldest) >= self.window)
                {
                    granted.pop_front();
                }
                if granted.len() < self.max {
                    granted.push_back(now);
                    return;
                }
                match granted.front() {
                    Some(&oldest) => (oldest + self.window).saturating_duration_since(now),
                    None => Duration::ZERO,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Calls still allowed right now without waiting.
    pub fn available(&self) -> usize {
        let now = Instant::now();
        let granted = self
            .granted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let recent = granted
            .iter()
            .filter(|&&at| now.duration_since(at) < self.window)
            .count();
        self.max.saturating_sub(recent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn five_per_ten_seconds_sliding() {
        let limiter = SlidingWindowLimiter::provision_on_demand();
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(limiter.available(), 0);
        // The sixth waits for the first to leave the window.
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        // Sliding, not fixed: after 3 s more, still no room (the other four were at t=0 too).
        tokio::time::advance(Duration::from_secs(3)).await;
        let before = Instant::now();
        limiter.acquire().await;
        assert_eq!(before.elapsed(), Duration::ZERO, "t=13: four from t=0 gone");
    }

    #[tokio::test(start_paused = true)]
    async fn spaced_calls_never_wait_and_bursts_queue() {
        let limiter = Arc::new(SlidingWindowLimiter::provision_on_demand());
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        // t=10: the t=0 call has left the window.
        let before = Instant::now();
        limiter.acquire().await;
        assert_eq!(before.elapsed(), Duration::ZERO);
        assert_eq!(start.elapsed(), Duration::from_secs(10));

        // Twelve concurrent callers: never more than five in any 10 s window.
        let limiter = Arc::new(SlidingWindowLimiter::provision_on_demand());
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let limiter = Arc::clone(&limiter);
            tasks.push(tokio::spawn(async move {
                limiter.acquire().await;
                start.elapsed()
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        times.sort();
        for (index, at) in times.iter().enumerate() {
            let in_window = times
                .iter()
                .filter(|other| **other >= *at && **other < *at + Duration::from_secs(10))
                .count();
            assert!(in_window <= 5, "call {index} at {at:?}: {times:?}");
        }
        assert_eq!(times[11], Duration::from_secs(20));
    }
}
