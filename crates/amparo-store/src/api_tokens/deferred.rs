//! A token's use recorded in the request's own write transaction: one commit and one append to the
//! audit chain per request instead of two. A request that writes checks its token without writing
//! ([`crate::Store::present_api_token_for_write`]) and runs its store calls with the use waiting
//! ([`crate::Store::with_deferred_token_use`]). The first write transaction then takes it: its
//! first statement reads the token's row, shared (the lock order at
//! [`crate::Store::lock_audit_chain`]), and its entry goes onto the chain with the transaction's
//! own first entry there, or at the end of the transaction when it appends none. A revocation that
//! committed after the check, or commits meanwhile, refuses the whole write
//! ([`StoreError::TokenRevoked`]).
//!
//! The row is shared, never updated, in the write: writers through one token hold it together and
//! never wait for each other there, and a revocation waits for them all. Were the write to stamp the
//! token's last use, two of them would each wait for the other's share to end. The stamp comes after
//! the commit instead, in a statement of its own that holds nothing else ([`STAMP_EVERY`]).
//!
//! A use that no write transaction committed (the write failed, was refused, or the request wrote
//! nothing) comes back to the caller, which records it in a transaction of its own
//! ([`crate::Store::record_token_use`]): every use is audited, as before, whether its write
//! happened or not.
//!
//! The use waits in a thread-local slot for as long as the caller's work runs: the store's calls
//! for one request run on one thread, and the slot is emptied when the work returns.

use std::cell::RefCell;

use chrono::{DateTime, Duration, Utc};

use super::presented::{stamp, target, use_entry};
use super::{ApiToken, TokenRefusal};
use crate::columns::{from_millis, millis};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::{Store, audit};

/// The token's row as a write through it holds it, while it is not revoked (parameters:
/// organisation, hash); the engine's share of the row is appended (see `Engine::share_rows`). A
/// revocation in progress is waited for, and the row then read as it left it: not found.
const HOLD_TOKEN: &str =
    "SELECT last_used_at FROM api_tokens WHERE org_id = $1 AND token_hash = $2 AND revoked_at IS NULL";

/// The token's last use moved on, after the write that used it committed, unless another did so
/// since (parameters: organisation, hash, the use's time, the oldest stamp left standing). Even a
/// token revoked since is stamped: the use committed before the revocation did (which waited for it).
const STAMP_LATER: &str = "UPDATE api_tokens SET last_used_at = $3 \
     WHERE org_id = $1 AND token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $4)";

/// How far a token's stored last use may lag behind a write made through it. The stamp after the
/// commit is a transaction of its own and waits for every write holding the token's row, so a token
/// that writes all day stamps once a minute rather than once a request (it never holds the row
/// longer than that statement). A minute is as exact as "last used" needs to be to tell a token in
/// use from a forgotten one; every use, to the millisecond, is in the audit trail.
pub(crate) const STAMP_EVERY: Duration = Duration::minutes(1);

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

    /// Holds the token's row for the rest of `tx`, shared with `share` (the engine's suffix); refused
    /// when it was revoked since it was checked. Whether its last use is to be stamped once `tx` has
    /// committed: it lags more than [`STAMP_EVERY`] behind this use.
    fn hold(&self, tx: &mut dyn Tx, share: &str) -> StoreResult<bool> {
        let params = [self.token.org_id.as_str().into(), self.token_hash.as_str().into()];
        let Some(row) = tx.query_opt(&format!("{HOLD_TOKEN}{share}"), &params)? else {
            return Err(StoreError::TokenRevoked);
        };
        Ok(row.opt_int(0)?.map(from_millis).is_none_or(|last| self.at - last > STAMP_EVERY))
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

/// Runs one write transaction's `work` with `deferred` recorded in it: the token's row held first,
/// the use armed for the transaction's audit entries and appended at its end when no entry on the
/// token's chain took it. Once it has committed, the
/// token's last use is stamped when it lagged ([`STAMP_EVERY`]); a use whose transaction did not
/// commit waits on this thread for the next.
pub(crate) fn write<T>(
    store: &Store,
    deferred: DeferredTokenUse,
    work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>,
) -> StoreResult<T> {
    let signer = store.audit_signer();
    let share = store.engine().share_rows();
    let mut lagging = false;
    let written = crate::store::run_once(
        |tx| {
            lagging = deferred.hold(tx, share)?;
            within(tx, &signer, &deferred, work)
        },
        |work| store.engine().write(work),
    );
    match &written {
        Err(_) => WAITING.set(Some(deferred)),
        Ok(_) if lagging => stamp_later(store, &deferred),
        Ok(_) => {}
    }
    written
}

/// The work of a write transaction with `deferred` armed for its audit entries, and the use
/// appended at the end of the transaction when no entry on the token's chain took it.
fn within<T>(
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
        let target = deferred.target();
        audit::append(tx, signer, deferred.entry(&target, Ok(())), deferred.at)?;
    }
    Ok(out)
}

/// Moves the token's last use on to `deferred`'s, in a transaction of its own after the write's
/// commit: it holds no other lock, so waiting for the writers that share the token's row closes no
/// cycle. Its commit does not wait for the disk, as a crash loses a stamp at most, never the use
/// (the audit trail has it). A stamp that fails leaves the write committed and is logged: the write
/// happened, and its use is audited.
fn stamp_later(store: &Store, deferred: &DeferredTokenUse) {
    let params = [
        deferred.token.org_id.as_str().into(),
        deferred.token_hash.as_str().into(),
        millis(deferred.at).into(),
        millis(deferred.at - STAMP_EVERY).into(),
    ];
    let stamped = store.write_flushed_with_next(|tx| Ok(tx.execute(STAMP_LATER, &params)?));
    if let Err(error) = stamped {
        tracing::warn!(%error, token = deferred.token.id.as_str(), "could not stamp an API token's last use");
    }
}

/// The armed use audited on `chain`, to go onto the chain just before the entry being appended
/// there; taken, so that it is recorded once. The token's row is held already.
pub(crate) fn take_armed_for(chain: &str) -> Option<DeferredTokenUse> {
    if !ARMED.with_borrow(|armed| armed.as_ref().is_some_and(|d| d.chain() == chain)) {
        return None;
    }
    ARMED.take()
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
