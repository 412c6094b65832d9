//! Rate limits per API token: at most a number of requests per token in each minute (a fixed
//! window per token, started by its first request). Past it, requests are answered 429 with the
//! seconds left in the window as `Retry-After`, before the token is looked up. Counted by the
//! token's hash, in memory: a restart starts every window again.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Requests a token may make per window unless the server is told otherwise.
pub const DEFAULT_PER_MINUTE: u32 = 600;
const WINDOW: Duration = Duration::seconds(60);
/// Beyond this many tracked tokens, finished windows are dropped, bounding memory.
const PRUNE_ABOVE: usize = 10_000;

/// Whether a request may go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Go,
    /// Refused: try again in this many seconds.
    Wait(u64),
}

struct Window {
    since: DateTime<Utc>,
    count: u32,
}

/// Each token's requests in its current window.
pub struct TokenLimits {
    per_minute: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl Default for TokenLimits {
    fn default() -> Self {
        TokenLimits::new(DEFAULT_PER_MINUTE)
    }
}

impl TokenLimits {
    /// At most `per_minute` requests per token in each minute (at least one).
    pub fn new(per_minute: u32) -> TokenLimits {
        TokenLimits { per_minute: per_minute.max(1), windows: Mutex::default() }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Counts a request of the token whose hash is `key` at `now`.
    pub fn admit(&self, key: &str, now: DateTime<Utc>) -> Verdict {
        let mut windows = match self.windows.lock() {
            Ok(windows) => windows,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, w| now - w.since < WINDOW);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window { since: now, count: 0 });
        if now - window.since >= WINDOW {
            *window = Window { since: now, count: 0 };
        }
        if window.count >= self.per_minute {
            let left = (window.since + WINDOW - now).num_milliseconds();
            // Rounded up, so a client that waits as told finds the new window open.
            return Verdict::Wait(u64::try_from((left + 999) / 1000).unwrap_or(1).max(1));
        }
        window.count += 1;
        Verdict::Go
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_token_past_its_rate_waits_for_its_window_and_others_do_not() {
        let limits = TokenLimits::new(3);
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        for _ in 0..3 {
            assert_eq!(limits.admit("a", t0), Verdict::Go);
        }
        assert_eq!(limits.admit("a", t0 + Duration::seconds(20)), Verdict::Wait(40));
        assert_eq!(limits.admit("a", t0 + Duration::milliseconds(59_500)), Verdict::Wait(1));
        assert_eq!(limits.admit("b", t0), Verdict::Go);
        assert_eq!(limits.admit("a", t0 + Duration::seconds(60)), Verdict::Go);
    }
}
