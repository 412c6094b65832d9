//! Sign-in throttling: after too many failed attempts for one account, or from one address, within a
//! window, further attempts are refused until the window has passed — whether or not the password is
//! right, so a guessing loop learns nothing. Kept in memory: a restart forgets, which only helps a
//! guesser to the extent of one more window.

use std::collections::HashMap;
use std::sync::Mutex;

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

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Failures>>,
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
    /// `Err(wait)` while any key is over its limit.
    pub fn check(&self, keys: &[(String, u32)], now: DateTime<Utc>) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let wait = keys
            .iter()
            .filter_map(|(key, limit)| {
                failures.get(key).filter(|f| f.count >= *limit && now - f.since < WINDOW)
            })
            .map(|f| f.since + WINDOW - now)
            .max();
        match wait {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, keys: &[(String, u32)], now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(&format!("account:{email}"));
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
            assert!(throttle.check(&ana, start).is_ok(), "attempt {n}");
            throttle.record_failure(&ana, start);
        }
        let wait = throttle.check(&ana, start + Duration::minutes(1)).unwrap_err();
        assert_eq!(wait, Duration::minutes(14));
        assert!(throttle.check(&keys("bo@example.org", None), start).is_ok(), "other accounts are free");
        assert!(throttle.check(&ana, start + WINDOW).is_ok(), "the window passes");
        throttle.record_failure(&ana, start + WINDOW);
        assert!(throttle.check(&ana, start + WINDOW).is_ok(), "a new window starts from one failure");
    }

    #[test]
    fn a_success_clears_the_account() {
        let throttle = Throttle::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None);
        for _ in 0..PER_ACCOUNT - 1 {
            throttle.record_failure(&ana, now);
        }
        throttle.record_success("ana@example.org");
        throttle.record_failure(&ana, now);
        assert!(throttle.check(&ana, now).is_ok());
    }
}
