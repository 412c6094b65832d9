//! Sweeping orphans: objects no row names, left when a process stopped between writing an object
//! and committing its row, or could not delete it after the row was refused. An object younger than
//! the grace period may be an upload whose row is about to commit, so it is never touched.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::rows;
use crate::error::{StoreError, StoreResult};
use crate::{Store, audit};

/// How old an orphan must be before it is removed, unless told otherwise: a day, far longer than
/// any upload takes between its object and its row.
pub const DEFAULT_SWEEP_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// What a sweep is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sweep {
    /// Objects written more recently than this are left alone.
    pub older_than: Duration,
    /// Count what would go without removing anything.
    pub dry_run: bool,
}

impl Default for Sweep {
    fn default() -> Sweep {
        Sweep { older_than: DEFAULT_SWEEP_GRACE, dry_run: false }
    }
}

/// What a sweep found and did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Objects in the store.
    pub objects: usize,
    /// Objects no row names, old enough to remove.
    pub orphans: usize,
    /// Their bytes.
    pub orphan_bytes: u64,
    /// Objects no row names yet, younger than the grace period: left alone.
    pub too_young: usize,
    /// Orphans removed (none in a dry run).
    pub removed: usize,
}

impl Store {
    /// Removes the objects no row names that were written longer than `sweep.older_than` before
    /// `now`, or only counts them in a dry run. A sweep that removed anything is written to the
    /// installation's audit trail (with counts, never a key).
    pub fn sweep_attachment_orphans(&self, sweep: &Sweep, now: DateTime<Utc>) -> StoreResult<SweepReport> {
        let objects = self.objects()?;
        let grace = chrono::Duration::from_std(sweep.older_than)
            .map_err(|_| StoreError::Invalid("the grace period is too long".into()))?;
        let cutoff = now - grace;
        // Listed before the rows are read: an object whose row commits in between is then known.
        let listed = objects.entries("")?;
        let known: HashSet<String> =
            self.read(|tx| tx.query(rows::SELECT_ALL_OBJECT_KEYS, &[])?.iter().map(|r| r.text(0)).collect())?;
        let mut report = SweepReport { objects: listed.len(), ..SweepReport::default() };
        for entry in listed.iter().filter(|e| !known.contains(&e.key)) {
            if entry.written_at > cutoff {
                report.too_young += 1;
                continue;
            }
            report.orphans += 1;
            report.orphan_bytes += entry.size;
            if !sweep.dry_run {
                objects.delete(&entry.key)?;
                report.removed += 1;
            }
        }
        if report.removed > 0 {
            self.write(|tx| {
                self.lock_audit_chain(tx, audit::INSTALLATION)?;
                let entry = audit::Entry {
                    chain: audit::INSTALLATION,
                    actor: None,
                    action: "attachments.swept",
                    target: "attachments",
                    detail: serde_json::json!({
                        "removed": report.removed,
                        "bytes": report.orphan_bytes,
                        "older_than_hours": sweep.older_than.as_secs() / 3600,
                    }),
                };
                audit::append(tx, &self.audit_signer(), entry, now)
            })?;
        }
        Ok(report)
    }
}
