//! Keeping the object store in step with the table: re-sealing objects under the current key after
//! `amparo key rotate` (each object replaced whole by the same bytes sealed anew, then its row's
//! `key_id` updated). Orphans are swept in `sweep`.

use super::{rows, sealed};
use crate::Store;
use crate::error::StoreResult;

/// Attachments re-sealed per query of the table.
const RESEAL_BATCH: i64 = 100;

impl Store {
    /// Re-seals every attachment object not under the current key; returns how many it rewrote. An
    /// object is replaced whole (readers see the old or the new one, both readable while the old key
    /// is held) before its row records the new key.
    pub fn reseal_attachments(&self) -> StoreResult<usize> {
        let Some(objects) = self.objects_if_any() else { return Ok(0) };
        let current = self.sealer().current_key_id().to_string();
        let mut rewritten = 0;
        loop {
            let batch = self.read(|tx| {
                tx.query(rows::SELECT_UNDER_OLD_KEY, &[current.as_str().into(), RESEAL_BATCH.into()])?
                    .iter()
                    .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.text(3)?)))
                    .collect::<StoreResult<Vec<_>>>()
            })?;
            if batch.is_empty() {
                return Ok(rewritten);
            }
            for (org, case, id, key) in batch {
                let object = objects.get(&key)?;
                if let Some(fresh) = sealed::reseal(self.sealer(), (&org, &case, &id), &object)? {
                    objects.put(&key, fresh)?;
                    rewritten += 1;
                }
                let update =
                    [org.as_str().into(), case.as_str().into(), id.as_str().into(), current.as_str().into()];
                self.write(|tx| {
                    tx.execute(rows::UPDATE_KEY_ID, &update)?;
                    Ok(())
                })?;
            }
        }
    }
}
