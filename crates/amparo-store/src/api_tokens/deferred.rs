//! A token's use recorded in the request's own write transaction: one commit and one append to the
//! audit chain per request instead of two. A request that writes checks its token without writing
//! ([`crate::Store::present_api_token_for_write`]) and runs its store calls with the use waiting
//! ([`crate::Store::with_deferred_token_use`]). The first write transaction then takes it: the
//! token's row is stamped just before the chain's lock (the lock order at
//! [`crate::Store::lock_audit_chain`]) and its entry goes onto the chain with the transaction's own
//! first entry there, or at the end of the transaction when it appends none. A revocation that
//! committed after the check refuses the whole write ([`StoreError::TokenRevoked`]).
//!
//! A use that no write transaction committed (the write failed, was refused, or the request wrote
//! nothing) comes back to the caller, which records it in a transaction of its own
//! ([`crate::Store::record_token_use`]): every use is audited, as before, whether its write
//! happened or not.
//!
//! The use waits in a thread-local slot for as long as the caller's work runs: the store's calls
//! for one request run on one thread, and the slot is emptied when the work returns.

use std::cell::RefCell;

use chrono::{DateTime, Utc};

use super::presented::{stamp, target, use_entry};
use super::{ApiToken, TokenRefusal};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::{Store, audit};

/// A live token's use by one request, checked but not yet recorded.
#[derive(Clone, Debug)]
pub struct DeferredTokenUse {
    token: ApiToken,
    token_hash: String,
    method: String,
    path: String,
    at: DateTime<Utc>,
}

thread_local! {
    /// The use waiting for the first write transaction of the work running on this thread.
    static WAITING: RefCell<Option<DeferredTokenUse>> = const { RefCell::new(None) };
    /// The use the running write transaction records with its first entry on the token's chain.
    static ARMED: RefCell<Option<DeferredTokenUse>> = const { RefCell::new(None) };
}

impl DeferredTokenUse {
    pub(super) fn new(
        token: &ApiToken,
        token_hash: &str,
        method: &str,
        path: &str,
        at: DateTime<Utc>,
    ) -> Self {
        DeferredTokenUse {
            token: token.clone(),
            token_hash: token_hash.to_owned(),
            method: method.to_owned(),
            path: path.to_owned(),
            at,
        }
    }

    /// The chain the use is audited on: its organisation's.
    fn chain(&self) -> &str {
        self.token.org_id.as_str()
    }

    /// Stamps the token in `tx`; refused when it was revoked since it was checked.
    fn stamp(&self, tx: &mut dyn Tx) -> StoreResult<()> {
        if stamp(tx, &self.token.org_id, &self.token_hash, self.at)? {
            Ok(())
        } else {
            Err(StoreError::TokenRevoked)
        }
    }

    /// The use's audit entry, or its refusal's; `target` is [`target`] of the token.
    pub(crate) fn entry<'a>(
        &'a self,
        target: &'a str,
        outcome: Result<(), TokenRefusal>,
    ) -> audit::Entry<'a> {
        use_entry(&self.token, target, &self.method, &self.path, outcome)
    }

    /// The target of the use's audit entry.
    pub(crate) fn target(&self) -> String {
        target(&self.token.id)
    }

    /// When the token was used.
    pub(crate) fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// The use waiting on this thread, taken for a write transaction (see [`crate::Store::write`]).
pub(crate) fn take_waiting() -> Option<DeferredTokenUse> {
    WAITING.take()
}

/// Puts back a use whose transaction did not commit.
pub(crate) fn put_back(deferred: DeferredTokenUse) {
    WAITING.set(Some(deferred));
}

/// Runs one write transaction's `work` with `deferred` armed for its audit entries, and records the
/// use at the end of the transaction when no entry on the token's chain took it.
pub(crate) fn within<T>(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    deferred: &DeferredTokenUse,
    work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>,
) -> StoreResult<T> {
    ARMED.set(Some(deferred.clone()));
    let out = work(tx);
    let unspent = ARMED.take();
    let out = out?;
    if let Some(deferred) = unspent {
        deferred.stamp(tx)?;
        let target = deferred.target();
        audit::append(tx, signer, deferred.entry(&target, Ok(())), deferred.at)?;
    }
    Ok(out)
}

/// The armed use audited on `chain`, stamped, to go onto the chain just before the entry being
/// appended there; taken, so that it is recorded once.
pub(crate) fn take_armed_for(tx: &mut dyn Tx, chain: &str) -> StoreResult<Option<DeferredTokenUse>> {
    if !ARMED.with_borrow(|armed| armed.as_ref().is_some_and(|d| d.chain() == chain)) {
        return Ok(None);
    }
    let Some(deferred) = ARMED.take() else { return Ok(None) };
    deferred.stamp(tx)?;
    Ok(Some(deferred))
}

impl Store {
    /// Runs `work` (the store calls of one request that writes) with the token's use waiting for
    /// the first write transaction, which records it with its own writes. Hands back the use when no
    /// write transaction committed it: record it then with [`Store::record_token_use`].
    pub fn with_deferred_token_use<T>(
        &self,
        deferred: DeferredTokenUse,
        work: impl FnOnce(&Store) -> T,
    ) -> (T, Option<DeferredTokenUse>) {
        let outer = WAITING.replace(Some(deferred));
        let out = work(self);
        let unspent = WAITING.replace(outer);
        (out, unspent)
    }

    /// Records a use no write transaction took, in a transaction of its own: the token stamped and
    /// the use audited, or, when the token was revoked since it was checked, the refusal audited.
    pub fn record_token_use(&self, deferred: DeferredTokenUse) -> StoreResult<Result<(), TokenRefusal>> {
        self.write(|tx| {
            let outcome = match deferred.stamp(tx) {
                Ok(()) => Ok(()),
                Err(StoreError::TokenRevoked) => Err(TokenRefusal::Revoked),
                Err(other) => return Err(other),
            };
            let target = deferred.target();
            audit::append(tx, &self.audit_signer(), deferred.entry(&target, outcome), deferred.at)?;
            Ok(outcome)
        })
    }
}
