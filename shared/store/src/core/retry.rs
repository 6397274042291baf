//! Retrying by time, not by count: a request that loses races keeps trying
//! for a fixed budget, well inside the Lambda time-out (10 s), then gives up
//! (the caller answers 503 with `Retry-After`).

use std::time::{Duration, Instant};

/// How long one request may spend retrying a transaction, unless
/// `RETRY_BUDGET_MS` says otherwise: the local stack serves DynamoDB one
/// request at a time, so races there resolve many times slower than in AWS.
pub const RETRY_BUDGET: Duration = Duration::from_secs(3);

fn budget() -> Duration {
    static BUDGET: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::env::var("RETRY_BUDGET_MS").ok().and_then(|v| v.parse().ok()).map_or(RETRY_BUDGET, Duration::from_millis)
    })
}
/// The longest pause between two tries.
const MAX_PAUSE_MS: u64 = 50;

pub struct Retry {
    deadline: Instant,
    tries: u32,
}

impl Default for Retry {
    fn default() -> Self {
        Self::within(budget())
    }
}

impl Retry {
    pub fn within(budget: Duration) -> Self {
        Retry { deadline: Instant::now() + budget, tries: 0 }
    }

    /// Call before each try: `false` once the budget is spent. The first try
    /// and the first retry (usually a fresh read) go at once; later ones wait
    /// a random, growing pause so racing requests spread out.
    pub async fn attempt(&mut self) -> bool {
        self.tries += 1;
        if self.tries > 2 {
            let cap = (1u64 << (self.tries - 2).min(6)).min(MAX_PAUSE_MS);
            tokio::time::sleep(Duration::from_millis(rand::random_range(0..=cap))).await;
        }
        self.tries == 1 || Instant::now() < self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_try_always_goes_and_retries_stop_when_the_budget_is_spent() {
        let mut r = Retry::within(Duration::ZERO);
        assert!(r.attempt().await, "the first try");
        assert!(!r.attempt().await, "no time left for a retry");
        let mut r = Retry::within(Duration::from_secs(60));
        for _ in 0..10 {
            assert!(r.attempt().await);
        }
    }
}
