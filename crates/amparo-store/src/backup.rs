//! Backups: what a backup's manifest says of the copy (counts per organisation, schema version,
//! key ids, every audit chain's head, attachments and their bytes), read in the very snapshot the
//! engine copies, with the attachment objects that snapshot names; checks of a
//! copy against its manifest (the facts again, a sample of sealed fields opened with the key); and
//! putting a copy into an empty place.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::StoredObject;
use crate::audit::checkpoint::AuditCheckpoint;
use crate::db::{Backend, Tx};
use crate::error::{StoreError, StoreResult};
use crate::security::seal::{self, Field};
use crate::{ChainReport, Store, meta};

const COUNTS: &str = "SELECT o.id, o.slug, \
     (SELECT COUNT(*) FROM cases c WHERE c.org_id = o.id), \
     (SELECT COUNT(*) FROM events e WHERE e.org_id = o.id), \
     (SELECT COUNT(*) FROM audit_log a WHERE a.org_id = o.id), \
     (SELECT COUNT(*) FROM attachments f WHERE f.org_id = o.id), \
     (SELECT CAST(COALESCE(SUM(f.byte_size), 0) AS BIGINT) FROM attachments f WHERE f.org_id = o.id) \
     FROM organisations o ORDER BY o.slug";
/// The counts of a copy from before attachments, which has no table of them.
const COUNTS_BEFORE_ATTACHMENTS: &str = "SELECT o.id, o.slug, \
     (SELECT COUNT(*) FROM cases c WHERE c.org_id = o.id), \
     (SELECT COUNT(*) FROM events e WHERE e.org_id = o.id), \
     (SELECT COUNT(*) FROM audit_log a WHERE a.org_id = o.id), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
     FROM organisations o ORDER BY o.slug";
/// The migration that made the attachments table: a copy at an older version (a backup taken
/// before it, being verified) has none.
pub const ATTACHMENTS_SINCE: i64 = 23;
const SCHEMA_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM amparo_migrations";
const SAMPLE_MEDICAL: &str =
    "SELECT org_id, id, medical FROM cases WHERE medical IS NOT NULL ORDER BY org_id, id LIMIT $1";
const SAMPLE_A_NUMBERS: &str = "SELECT org_id, case_id, position, a_number FROM people \
     WHERE a_number IS NOT NULL ORDER BY org_id, case_id, position LIMIT $1";
const SAMPLE_EVENT_BODIES: &str =
    "SELECT org_id, case_id, seq, body FROM events ORDER BY org_id, case_id, seq LIMIT $1";
/// The meta key holding the key canary (see `security::reseal`).
const CANARY_META_KEY: &str = "key_canary";

/// How much one organisation holds, as counted in a backup's snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationCounts {
    pub id: String,
    pub slug: String,
    pub cases: i64,
    pub events: i64,
    pub audit_entries: i64,
    /// Attachments, and the bytes of their files (before sealing). Absent from manifests written
    /// before backups carried attachments.
    #[serde(default)]
    pub attachments: i64,
    #[serde(default)]
    pub attachment_bytes: i64,
}

impl OrganisationCounts {
    /// The counts in words, as `amparo backup` prints them.
    pub fn summary(&self) -> String {
        format!(
            "{} cases, {} events, {} audit entries, {} attachments ({} bytes)",
            self.cases, self.events, self.audit_entries, self.attachments, self.attachment_bytes
        )
    }
}

/// What a backup holds, read in the snapshot it copies: never a value of a case, never key material.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFacts {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied.
    pub schema_version: i64,
    /// The ids of the keys the backup's sealed fields and audit links are under (the current first);
    /// the keys themselves stay in the key file, which is never inside a backup.
    pub key_ids: Vec<String>,
    pub organisations: Vec<OrganisationCounts>,
    /// Every audit chain's head, MAC'd under the audit key; `None` when a chain was already broken
    /// when the backup was taken (the copy is still made: it is the data there is).
    pub audit: Option<AuditCheckpoint>,
    /// The chains that were broken when the backup was taken, each with its first break.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_chains: Vec<String>,
    /// PostgreSQL: the schema the dump holds, when the database URL named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_schema: Option<String>,
    /// The attachments whose rows are in the copy but whose objects were missing from the object
    /// store when it was taken (each as `org/case/attachment`); the copy is kept without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_attachments: Vec<String>,
}

/// A database copy's facts and the attachment objects its rows name, both read in its snapshot.
#[derive(Clone, Debug)]
pub struct BackupCopy {
    pub facts: BackupFacts,
    /// Every attachment's object the copy's rows name; the caller copies them after the database,
    /// so each one named was written (objects come before their rows) and none is without its row.
    pub objects: Vec<StoredObject>,
}

impl BackupFacts {
    /// What differs between the facts a manifest recorded and those read from a copy, in words;
    /// empty when they agree. Key ids are not compared: a copy restored under a rotated key file
    /// still opens.
    pub fn differences(&self, copy: &BackupFacts) -> Vec<String> {
        let mut found = Vec::new();
        if self.schema_version != copy.schema_version {
            found.push(format!(
                "schema version {} in the manifest, {} in the copy",
                self.schema_version, copy.schema_version
            ));
        }
        for org in &self.organisations {
            match copy.organisations.iter().find(|o| o.id == org.id) {
                None => found.push(format!("organisation {} is missing from the copy", org.slug)),
                Some(other) if other != org => found.push(format!(
                    "organisation {}: the manifest counts {}; the copy {}",
                    org.slug,
                    org.summary(),
                    other.summary()
                )),
                Some(_) => {}
            }
        }
        for org in copy.organisations.iter().filter(|o| !self.organisations.iter().any(|m| m.id == o.id)) {
            found.push(format!("organisation {} is in the copy but not in the manifest", org.slug));
        }
        found
    }
}

fn chain_breaks(reports: &[ChainReport]) -> Vec<String> {
    reports
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|why| format!("{}: {why}", display_chain(&r.chain))))
        .collect()
}

fn display_chain(chain: &str) -> &str {
    if chain.is_empty() { "installation" } else { chain }
}

impl Store {
    /// The facts of the database as `tx` sees it.
    fn facts_in(&self, tx: &mut dyn Tx, now: DateTime<Utc>) -> StoreResult<BackupFacts> {
        let keys = self.sealer().keys();
        let schema_version = tx.query_int(SCHEMA_VERSION, &[])?;
        let counts = if schema_version < ATTACHMENTS_SINCE { COUNTS_BEFORE_ATTACHMENTS } else { COUNTS };
        let organisations = tx
            .query(counts, &[])?
            .iter()
            .map(|r| {
                Ok(OrganisationCounts {
                    id: r.text(0)?,
                    slug: r.text(1)?,
                    cases: r.int(2)?,
                    events: r.int(3)?,
                    audit_entries: r.int(4)?,
                    attachments: r.int(5)?,
                    attachment_bytes: r.int(6)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let (audit, broken_chains) = match crate::audit::checkpoint_in(tx, &keys, now)? {
            Ok(checkpoint) => (Some(checkpoint), Vec::new()),
            Err(reports) => (None, chain_breaks(&reports)),
        };
        Ok(BackupFacts {
            backend: match self.backend() {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
            .to_owned(),
            schema_version,
            key_ids: keys.keys().map(|k| k.key_id().to_string()).collect(),
            organisations,
            audit,
            broken_chains,
            pg_schema: None,
            missing_attachments: Vec::new(),
        })
    }

    /// Copies the whole database into the new file `out` while writers carry on (SQLite: a database
    /// file; PostgreSQL: a `pg_dump` custom-format archive) and returns the facts of that copy and
    /// the attachment objects its rows name, read in the same snapshot. `pg_schema` is filled in by
    /// the caller, who knows the URL.
    pub fn backup_to(&self, out: &Path, now: DateTime<Utc>) -> StoreResult<BackupCopy> {
        let mut copy = None;
        self.engine().backup(out, &mut |tx| {
            let facts = self.facts_in(tx, now)?;
            copy = Some(BackupCopy { facts, objects: crate::attachments::stored::all_in(tx)? });
            Ok(())
        })?;
        copy.ok_or_else(|| StoreError::Backend("the backup's snapshot was not read".into()))
    }

    /// The facts of this database as it is now (of a restored copy, to compare with its manifest).
    pub fn backup_facts(&self, now: DateTime<Utc>) -> StoreResult<BackupFacts> {
        self.read(|tx| self.facts_in(tx, now))
    }

    /// Opens up to `per_field` stored values of each of a few sealed columns (diagnoses, A-numbers,
    /// event bodies) with this store's keys, after checking the key canary: a wrong key file is a
    /// [`StoreError::Key`]. Returns how many values were opened; none is kept or shown.
    pub fn open_sealed_sample(&self, per_field: i64) -> StoreResult<usize> {
        let sealer = self.sealer();
        self.read(|tx| {
            if let Some(canary) = meta::get(tx, CANARY_META_KEY)? {
                sealer.check_canary(&canary)?;
            }
            let mut opened = 0;
            for r in tx.query(SAMPLE_MEDICAL, &[per_field.into()])? {
                sealer.open(Field::CaseMedical, &r.text(0)?, &r.text(1)?, &r.text(2)?)?;
                opened += 1;
            }
            for r in tx.query(SAMPLE_A_NUMBERS, &[per_field.into()])? {
                let row = seal::person_row(&r.text(1)?, r.int(2)?);
                sealer.open(Field::PersonANumber, &r.text(0)?, &row, &r.text(3)?)?;
                opened += 1;
            }
            for r in tx.query(SAMPLE_EVENT_BODIES, &[per_field.into()])? {
                let row = seal::event_row(&r.text(1)?, r.int(2)?);
                sealer.open(Field::EventBody, &r.text(0)?, &row, &r.text(3)?)?;
                opened += 1;
            }
            Ok(opened)
        })
    }
}

/// Puts a backup's database copy into the empty place `url` names: for SQLite, the database file
/// `copy` at the URL's path (which must not exist or be empty); for PostgreSQL, the `pg_dump`
/// archive `copy` (of `pg_schema`, or the whole database) into an empty database or schema, in one
/// transaction. Refused with [`StoreError::Invalid`] when the place is not empty; nothing is
/// written then, nor when the restore fails.
pub fn restore_into(url: &str, copy: &Path, pg_schema: Option<&str>) -> StoreResult<()> {
    if crate::is_postgres_url(url) {
        crate::db::pg_dump::restore(url, copy, pg_schema)?;
        // The copy is restored without its privileges (another server's roles may differ): the
        // application's role is granted its own here, as `amparo migrate` grants them.
        let engine = crate::db::postgres::PgEngine::open(url, &crate::DatabaseOptions::default())?;
        crate::db::Engine::write(&engine, &mut |tx| {
            tx.execute_batch(crate::db::pg_roles::LEAVE_APPLICATION_ROLE)?;
            crate::db::pg_roles::grant_application_role(tx).map(|_| ())
        })
    } else {
        crate::db::sqlite_backup::restore(copy, &crate::sqlite_path_from_url(url))
    }
}

/// The schema a PostgreSQL URL's `options=-c search_path=…` names, which a backup of it holds.
pub fn postgres_schema_of(url: &str) -> Option<String> {
    crate::db::pg_dump::schema_of(url)
}

/// Checks a SQLite database file's own structures without opening it as a store.
pub fn check_sqlite_file(path: &Path) -> StoreResult<()> {
    crate::db::sqlite_backup::check_file(path)
}
