//! Every attachment's object as the rows name it, for copies of a whole installation: a backup lists
//! them in the snapshot it copies and carries each sealed object as it is (the key stays behind); a
//! check sizes each object against its row without the key and opens a sample with it; a restore
//! writes them into the target's object store, which [`objects_for`] finds as the store itself does.

use std::path::Path;

use super::{Objects, sealed};
use crate::Store;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};

const SELECT_ALL: &str =
    "SELECT org_id, case_id, id, object_key, byte_size FROM attachments ORDER BY org_id, case_id, id";

/// An attachment's object as its row names it: whose it is, where it is kept, how long its file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub org: String,
    pub case: String,
    pub id: String,
    /// The object's key in the store (`org/case/attachment`).
    pub key: String,
    /// The file's length, before sealing.
    pub byte_size: u64,
}

impl StoredObject {
    /// The length of its sealed object.
    pub fn sealed_len(&self) -> u64 {
        amparo_trust::stream::sealed_len(self.byte_size)
    }
}

impl std::fmt::Display for StoredObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "attachment {} of case {} (organisation {})", self.id, self.case, self.org)
    }
}

/// Every attachment's object as `tx` sees the rows.
pub(crate) fn all_in(tx: &mut dyn Tx) -> StoreResult<Vec<StoredObject>> {
    tx.query(SELECT_ALL, &[])?
        .iter()
        .map(|r| {
            let size = r.int(4)?;
            Ok(StoredObject {
                org: r.text(0)?,
                case: r.text(1)?,
                id: r.text(2)?,
                key: r.text(3)?,
                byte_size: u64::try_from(size)
                    .map_err(|_| crate::columns::corrupt("attachment size", &size.to_string()))?,
            })
        })
        .collect()
}

impl Store {
    /// Every attachment's object as the rows name it now.
    pub fn stored_objects(&self) -> StoreResult<Vec<StoredObject>> {
        self.read(all_in)
    }

    /// The size of an attachment's sealed object in the store; `None` when it is missing.
    pub fn stored_object_size(&self, object: &StoredObject) -> StoreResult<Option<u64>> {
        self.objects()?.size(&object.key)
    }

    /// An attachment's sealed object, as kept (never opened).
    pub fn stored_object(&self, object: &StoredObject) -> StoreResult<Vec<u8>> {
        self.objects()?.get(&object.key)
    }

    /// Opens a sealed object with this store's keys and checks that it holds the file its row
    /// describes; the plaintext is dropped at once.
    pub fn open_stored_object(&self, object: &StoredObject, sealed_bytes: &[u8]) -> StoreResult<()> {
        let plain = sealed::open(self.sealer(), (&object.org, &object.case, &object.id), sealed_bytes)?;
        if u64::try_from(plain.len()).ok() != Some(object.byte_size) {
            return Err(StoreError::Key(format!(
                "{object}: opens to {} bytes, its row says {}",
                plain.len(),
                object.byte_size
            )));
        }
        Ok(())
    }
}

/// The object store a database keeps its attachments in: the one `attachments_url` names, else, for
/// SQLite, the folder beside the database file (`FILE.attachments`); PostgreSQL without
/// `attachments_url` has none.
pub fn objects_for(
    database_url: &str,
    attachments_url: Option<&str>,
    s3: &super::S3Settings,
) -> StoreResult<Option<Objects>> {
    match attachments_url {
        Some(url) => Objects::open(url, s3).map(Some),
        None if !crate::is_postgres_url(database_url) => {
            let mut dir = crate::sqlite_path_from_url(database_url).into_os_string();
            dir.push(".attachments");
            Objects::folder(Path::new(&dir)).map(Some)
        }
        None => Ok(None),
    }
}
