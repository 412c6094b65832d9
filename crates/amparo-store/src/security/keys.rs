//! The store's side of key management: refusing keys that cannot read the database, sealing values
//! written before encryption, following a rotation done by another process, and re-encrypting every
//! value under the current key.

use crate::db::RowLock;
use crate::error::StoreResult;
use crate::security::reseal::{self, Cursor};
use crate::security::second_factors;
use crate::{Store, audit, meta};

/// Cases brought under the current key per transaction by a re-encryption pass.
const RESEAL_BATCH: i64 = 200;
/// The meta key recording that values written before encryption have all been sealed.
const SEALED_META_KEY: &str = "fields_sealed";

impl Store {
    /// Refuses keys that cannot read this database (a canary written at its first start under a
    /// key); seals any value written before encryption.
    pub fn adopt_keys(&self) -> StoreResult<()> {
        self.write(|tx| reseal::adopt_keys(tx, self.sealer()))?;
        let sealed = self.read(|tx| Ok(meta::get(tx, SEALED_META_KEY)?.is_some()))?;
        if !sealed {
            self.reseal()?;
            self.write(|tx| {
                if meta::get(tx, SEALED_META_KEY)?.is_none() {
                    meta::insert(tx, SEALED_META_KEY, "1")?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Re-reads the key file, for a rotation done by another process; returns whether it changed.
    pub fn reload_keys(&self) -> StoreResult<bool> {
        self.sealer().reload()
    }

    /// The id of the key new values are written under.
    pub fn current_key_id(&self) -> String {
        self.sealer().current_key_id().to_string()
    }

    /// One pass over every case, re-encrypting values not under the current key (and rebuilding
    /// their blind indexes), a batch of cases per transaction; returns how many values it rewrote.
    pub fn reseal(&self) -> StoreResult<usize> {
        let mut cursor = Cursor::default();
        let mut rewritten = 0;
        loop {
            let (count, last) = self.write(|tx| {
                let batch = reseal::next_cases(tx, &cursor, RESEAL_BATCH)?;
                let mut count = 0;
                for case in &batch {
                    // An append to the same case waits, so its new identifiers are not lost when
                    // the case's indexes are rebuilt.
                    let key = [case.org_id.as_str().into(), case.case_id.as_str().into()];
                    self.lock_row(tx, RowLock::Case, &key)?;
                    count += reseal::reseal_case(tx, self.sealer(), case)?;
                }
                Ok((count, batch.last().cloned()))
            })?;
            rewritten += count;
            match last {
                Some(last) => cursor = last,
                None => {
                    rewritten += self.write(|tx| second_factors::reseal_all(tx, self.sealer()))?;
                    rewritten += self.reseal_attachments()?;
                    rewritten += self.write(|tx| crate::webhooks::reseal_all(tx, self.sealer()))?;
                    if rewritten > 0 {
                        self.engine().after_reseal()?;
                    }
                    return Ok(rewritten);
                }
            }
        }
    }

    /// Rewrites the key canary under the current key (after a complete re-encryption).
    pub fn renew_key_canary(&self) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, audit::INSTALLATION)?;
            reseal::renew_canary(tx, self.sealer(), &self.audit_signer(), self.clock())
        })
    }
}
