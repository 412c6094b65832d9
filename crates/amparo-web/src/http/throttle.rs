//! Sign-in throttling, which slows guessing down without shutting a person out of their account.
//!
//! - Per account: after [`PER_ACCOUNT`] failed attempts within [`WINDOW`], further attempts are
//!   refused until the window has passed, whether or not the password is right, so a guessing loop
//!   learns nothing.
//! - Per address: after [`SLOW_AFTER`] failures from one address, each further attempt from it
//!   waits twice as long as the one before (1 s, 2 s, 4 s, … at most [`MAX_DELAY`]). An address is
//!   slowed, never shut: behind a reverse proxy or an office's one address, many people share it.
//!   (The address is the client's as `trusted_proxies` lets `client_address` tell it.)
//! - Known devices: a browser that signed in to an account before carries a device cookie
//!   ([`DEVICE_COOKIE`]); its attempts on that account count against the device alone (again
//!   [`PER_ACCOUNT`] per window), not against the account or the address, so someone hammering an
//!   account from elsewhere cannot lock its owner out of their own computer.
//!
//! An attempt is counted before its password or code is checked ([`Throttle::reserve`], one step
//! under one lock) and handed back when it turns out right ([`Throttle::release`]). Checking first and
//! counting after the slow password hash would let a burst of parallel guesses all pass the check
//! before the first failure is counted. Kept in memory: a restart forgets failures and devices,
//! which only helps a guesser to the extent of one more window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Failed attempts allowed per account (or per known device) within [`WINDOW`].
pub const PER_ACCOUNT: u32 = 5;
/// Failed attempts from one network address before its attempts are slowed down.
pub const SLOW_AFTER: u32 = 10;
/// The longest an address is made to wait between attempts.
pub const MAX_DELAY: Duration = Duration::seconds(60);
pub const WINDOW: Duration = Duration::minutes(15);
/// The cookie that marks a browser an account signed in from.
pub const DEVICE_COOKIE: &str = "amparo_device";
/// How long a device stays known.
pub const DEVICE_LIFETIME: Duration = Duration::days(90);
/// Beyond this many tracked keys (or devices), expired ones are dropped, bounding memory under a
/// spray of names.
const PRUNE_ABOVE: usize = 10_000;

/// How one key limits attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Refused for the rest of the window once this many attempts failed.
    LockAfter(u32),
    /// Slowed down, with a delay doubling per failure, once this many attempts failed.
    SlowAfter(u32),
}

/// One key an attempt counts against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    name: String,
    limit: Limit,
}

struct Failures {
    count: u32,
    since: DateTime<Utc>,
    last: DateTime<Utc>,
}

struct Device {
    email: String,
    since: DateTime<Utc>,
}

/// Attempts per account, device and address, counted from the start of each key's window; the
/// devices accounts signed in from.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Failures>>,
    devices: Mutex<HashMap<String, Device>>,
    /// Attempts let through since start, each one password or code checked: what a guesser got.
    granted: AtomicU64,
}

fn device_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The keys one attempt counts against: the known device's alone when `device` is one, else the
/// account's and the address's.
pub fn keys(email: &str, address: Option<std::net::IpAddr>, device: Option<&KnownDevice>) -> Vec<Key> {
    if let Some(device) = device {
        return vec![Key { name: format!("device:{}", device.0), limit: Limit::LockAfter(PER_ACCOUNT) }];
    }
    let mut keys = vec![Key { name: format!("account:{email}"), limit: Limit::LockAfter(PER_ACCOUNT) }];
    if let Some(address) = address {
        keys.push(Key { name: format!("address:{address}"), limit: Limit::SlowAfter(SLOW_AFTER) });
    }
    keys
}

/// A device cookie the throttle recognises for the account being signed in to.
pub struct KnownDevice(String);

impl Failures {
    /// How long an attempt at `now` must still wait under `limit`, if at all.
    fn wait(&self, limit: Limit, now: DateTime<Utc>) -> Option<Duration> {
        if now - self.since >= WINDOW {
            return None;
        }
        match limit {
            Limit::LockAfter(limit) => (self.count >= limit).then(|| self.since + WINDOW - now),
            Limit::SlowAfter(after) => {
                let over = self.count.checked_sub(after)?;
                let delay = Duration::seconds(1i64 << over.min(6)).min(MAX_DELAY);
                let ready = self.last + delay;
                (ready > now).then(|| ready - now)
            }
        }
    }
}

impl Throttle {
    /// Counts one attempt against every key, as a failure until [`Throttle::release`]d, if no key
    /// holds it back; `Err(wait)` otherwise, with nothing counted. Checked and counted under one
    /// lock, so parallel attempts cannot all slip under the limit.
    pub fn reserve(&self, keys: &[Key], now: DateTime<Utc>) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let wait = keys.iter().filter_map(|key| failures.get(&key.name)?.wait(key.limit, now)).max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, f| now - f.since < WINDOW);
        }
        for key in keys {
            let entry =
                failures.entry(key.name.clone()).or_insert(Failures { count: 0, since: now, last: now });
            if now - entry.since >= WINDOW {
                *entry = Failures { count: 0, since: now, last: now };
            }
            entry.count += 1;
            entry.last = now;
        }
        self.granted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Hands back an attempt [`Throttle::reserve`]d for `keys` that was not a failure (a right
    /// password or code, or one never checked).
    pub fn release(&self, keys: &[Key]) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in keys {
            if let Some(entry) = failures.get_mut(&key.name) {
                entry.count = entry.count.saturating_sub(1);
            }
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(&format!("account:{email}"));
    }

    /// The device a cookie names, if it signed in to `email` within [`DEVICE_LIFETIME`].
    pub fn known_device(&self, token: &str, email: &str, now: DateTime<Utc>) -> Option<KnownDevice> {
        let id = device_id(token);
        let devices = self.devices.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let device = devices.get(&id)?;
        (device.email == email && now - device.since < DEVICE_LIFETIME).then_some(KnownDevice(id))
    }

    /// Remembers a browser that has just signed in to `email`: the cookie value to give it.
    pub fn remember_device(&self, email: &str, now: DateTime<Utc>) -> Result<String, getrandom::Error> {
        let token = super::cookies::random_token()?;
        let mut devices = self.devices.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if devices.len() > PRUNE_ABOVE {
            devices.retain(|_, d| now - d.since < DEVICE_LIFETIME);
        }
        devices.insert(device_id(&token), Device { email: email.to_owned(), since: now });
        Ok(token)
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
        let ana = keys("ana@example.org", None, None);
        for n in 0..PER_ACCOUNT {
            assert!(throttle.reserve(&ana, start).is_ok(), "attempt {n}");
        }
        let wait = throttle.reserve(&ana, start + Duration::minutes(1)).unwrap_err();
        assert_eq!(wait, Duration::minutes(14));
        assert!(
            throttle.reserve(&keys("bo@example.org", None, None), start).is_ok(),
            "other accounts are free"
        );
        assert!(throttle.reserve(&ana, start + WINDOW).is_ok(), "the window passes");
        assert_eq!(throttle.attempts_granted(), u64::from(PER_ACCOUNT) + 2);
    }

    #[test]
    fn a_success_clears_the_account() {
        let throttle = Throttle::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None, None);
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
        let ana = keys("ana@example.org", None, None);
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
        let ana = keys("ana@example.org", Some(std::net::Ipv4Addr::LOCALHOST.into()), None);
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

    #[test]
    fn an_address_is_slowed_down_never_shut() {
        let throttle = Throttle::default();
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let proxy = Some(std::net::Ipv4Addr::new(10, 0, 0, 5).into());
        let mut now = start;
        for n in 0..SLOW_AFTER {
            throttle.reserve(&keys(&format!("person{n}@example.org"), proxy, None), now).unwrap();
        }
        // From then on each attempt waits twice as long after the last as the one before did.
        for (n, delay) in [1, 2, 4, 8, 16, 32, 60, 60].into_iter().enumerate() {
            let someone = keys(&format!("other{n}@example.org"), proxy, None);
            assert_eq!(throttle.reserve(&someone, now).unwrap_err(), Duration::seconds(delay), "step {n}");
            now += Duration::seconds(delay);
            throttle.reserve(&someone, now).unwrap();
        }
        assert!(now - start < WINDOW);
    }

    #[test]
    fn a_known_device_counts_against_itself_alone() {
        let throttle = Throttle::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ana = keys("ana@example.org", None, None);
        let token = throttle.remember_device("ana@example.org", now).unwrap();
        for _ in 0..PER_ACCOUNT {
            throttle.reserve(&ana, now).unwrap();
        }
        assert!(throttle.reserve(&ana, now).is_err(), "the account is locked for strangers");
        let device = throttle.known_device(&token, "ana@example.org", now).unwrap();
        assert!(throttle.reserve(&keys("ana@example.org", None, Some(&device)), now).is_ok());
        assert!(throttle.known_device(&token, "bo@example.org", now).is_none(), "for its own account only");
        assert!(throttle.known_device("forged", "ana@example.org", now).is_none());
        assert!(throttle.known_device(&token, "ana@example.org", now + DEVICE_LIFETIME).is_none());
        let device = throttle.known_device(&token, "ana@example.org", now).unwrap();
        for _ in 1..PER_ACCOUNT {
            throttle.reserve(&keys("ana@example.org", None, Some(&device)), now).unwrap();
        }
        assert!(
            throttle.reserve(&keys("ana@example.org", None, Some(&device)), now).is_err(),
            "a stolen device cookie gets no more guesses than the account"
        );
    }
}
