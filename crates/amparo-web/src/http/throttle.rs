//! Sign-in throttling: after too many failed attempts for one account, or from one address, within a
//! window, further attempts are refused until the window has passed — whether or not the password is
//! right, so a guessing loop learns nothing. Kept in memory: a restart forgets, which only helps a
//! guesser to the extent of one more window.
//!
//! An attempt is counted before its password or code is checked ([`Throttle::reserve`], one step
//! under one lock) and handed back when it turns out right ([`Throttle::release`]). Checking first and
//! counting after the slow password hash would let a burst of parallel guesses all pass the check
//! before the first failure is counted.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// Failed attempts allowed per account within [`WINDOW`].
pub const PER_ACCOUNT: u32 = 5;
/// Failed attempts allowed per network address within [`WINDOW`]; higher, since an office shares one.
pub const PER_ADDRESS: u32 = 50;
pub const WINDOW: Duration = Duration::minutes(15);
/// Beyond this many tracked keys, expired ones are dropped, bounding memory under a spray of names.
const PRUNE_ABOVE: usize = 10_000;

struct Failures {
    count: u32,
    since: DateTime<Utc>,
}

/// Attempts per account and per address, counted from the start of each key's window.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Failures>>,
    /// Attempts let through since start, each one password or code checked: what a guesser got.
    granted: AtomicU64,
}

/// The keys one attempt counts against.
pub fn keys(email: &str, address: Option<std::net::IpAddr>) -> Vec<(String, u32)> {
    let mut keys = vec![(format!("account:{email}"), PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), PER_ADDRESS));
    }
    keys
}

impl Throttle {
    /// Counts one attempt against every key, as a failure until [`Throttle::release`]d, if no key
    /// is at its limit; `Err(wait)` otherwise, with nothing counted. Checked and counted under one
    /// lock, so parallel attempts cannot all slip under the limit.
    pub fn reserve(&self, keys: &[(String, u32)], now: DateTime<Utc>) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let wait = keys
            .iter()
            .filter_map(|(key, limit)| {
                failures.get(key).filter(|f| f.count >= *limit && now - f.since < WINDOW)
            })
            .map(|f| f.since + WINDOW - now)
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, f| now - f.since < WINDOW);
        }
        for (key, _) in keys {
            let entry = failures.entry(key.clone()).or_insert(Failures { count: 0, since: now });
            if now - entry.since >= WINDOW {
                *entry = Failures { count: 0, since: now };
            }
            entry.count += 1;
        }
        self.granted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Hands back an attempt [`Throttle::reserve`]d for `keys` that was not a failure (a right
    /// password or code, or one never checked).
    pub fn release(&self, keys: &[(String, u32)]) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (key, _) in keys {
            if let Some(entry) = failures.get_mut(key) {
                entry.count = entry.count.saturating_sub(1);
            }
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(&format!("account:{email}"));
    }

    /// How many attempts were let through to have their password or code checked, since start.
    pub fn attempts_granted(&self) -> u64 {
        self.granted.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_its_limit_for_one_window() {
        let throttle = Throttle::default();
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None);
        for n in 0..PER_ACCOUNT {
            assert!(throttle.reserve(&ana, start).is_ok(), "attempt {n}");
        }
        let wait = throttle.reserve(&ana, start + Duration::minutes(1)).unwrap_err();
        assert_eq!(wait, Duration::minutes(14));
        assert!(throttle.reserve(&keys("bo@example.org", None), start).is_ok(), "other accounts are free");
        assert!(throttle.reserve(&ana, start + WINDOW).is_ok(), "the window passes");
        assert_eq!(throttle.attempts_granted(), u64::from(PER_ACCOUNT) + 2);
    }

    #[test]
    fn a_success_clears_the_account() {
        let throttle = Throttle::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None);
        for _ in 0..PER_ACCOUNT {
            throttle.reserve(&ana, now).unwrap();
        }
        throttle.record_success("ana@example.org");
        assert!(throttle.reserve(&ana, now).is_ok());
    }

    #[test]
    fn a_released_attempt_is_not_a_failure() {
        let throttle = Throttle::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None);
        for _ in 0..PER_ACCOUNT * 3 {
            throttle.reserve(&ana, now).unwrap();
            throttle.release(&ana);
        }
        assert!(throttle.reserve(&ana, now).is_ok());
    }

    #[test]
    fn parallel_attempts_never_pass_the_limit() {
        let throttle = std::sync::Arc::new(Throttle::default());
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", Some(std::net::Ipv4Addr::LOCALHOST.into()));
        let threads: Vec<_> = (0..100)
            .map(|_| {
                let (throttle, ana) = (throttle.clone(), ana.clone());
                std::thread::spawn(move || throttle.reserve(&ana, now).is_ok())
            })
            .collect();
        let granted = threads.into_iter().map(|t| t.join()).filter(|r| matches!(r, Ok(true))).count();
        assert_eq!(granted, PER_ACCOUNT as usize);
        assert_eq!(throttle.attempts_granted(), u64::from(PER_ACCOUNT));
    }
}
