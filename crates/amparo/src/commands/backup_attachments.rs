//! The attachments' side of backups: which objects the snapshot's rows name are present to copy (the
//! missing ones are named in the manifest); the checks of an unpacked backup's objects (each one
//! the copy's rows name present with the size its row implies, none without a row, a sample opened
//! with the key); and writing them into the target's object store on restore.

use std::collections::HashSet;

use amparo_store::DatabaseOptions;
use amparo_store::Store;
use amparo_store::attachments::{Objects, StoredObject, objects_for};

use super::backup_archive::Unpacked;
use super::progress::Stage;
use crate::config::redact_url;
use crate::error::{CliError, CliResult};

/// How many objects a verification opens with the key, spread over the whole backup.
const OPENED_SAMPLE: usize = 25;
/// How many problems a failed verification lists before it only counts them.
const PROBLEMS_SHOWN: usize = 10;

/// Splits the objects a snapshot names into those the object store holds and the keys of those it
/// lacks (a lost file: the backup is still taken, and says so).
pub fn present(store: &Store, objects: Vec<StoredObject>) -> CliResult<(Vec<StoredObject>, Vec<String>)> {
    let mut found = Vec::with_capacity(objects.len());
    let mut missing = Vec::new();
    for object in objects {
        match store.stored_object_size(&object)? {
            Some(_) => found.push(object),
            None => missing.push(object.key),
        }
    }
    Ok((found, missing))
}

/// What a verification found of the attachments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Objects present with the size their rows imply.
    pub present: usize,
    /// Objects opened with the key.
    pub opened: usize,
}

/// Checks the objects of `unpacked` against the rows of its database copy, opened as `store`.
pub fn check(store: &Store, unpacked: &Unpacked) -> Result<Checked, String> {
    // A copy from before attachments names none (and has no table to ask).
    let named = if unpacked.manifest.facts.schema_version < amparo_store::backup::ATTACHMENTS_SINCE {
        Vec::new()
    } else {
        store.stored_objects().map_err(|e| e.to_string())?
    };
    let stage = Stage::counted("verify", "checking the attachments", named.len() as u64);
    let mut problems = Vec::new();
    let mut checked = Checked::default();
    for object in &named {
        match std::fs::metadata(unpacked.object_path(&object.key)) {
            Ok(meta) if meta.len() == object.sealed_len() => checked.present += 1,
            Ok(meta) => problems.push(format!(
                "{object}: its object holds {} bytes, its row implies {}",
                meta.len(),
                object.sealed_len()
            )),
            Err(_) => problems.push(format!("{object}: its object is missing from the backup")),
        }
        stage.step();
    }
    let keys: HashSet<&str> = named.iter().map(|o| o.key.as_str()).collect();
    let strays = unpacked.objects.iter().filter(|key| !keys.contains(key.as_str())).count();
    if strays > 0 {
        problems.push(format!("the backup holds {strays} attachment objects that no row of its copy names"));
    }
    let every = named.len().div_ceil(OPENED_SAMPLE).max(1);
    for object in named.iter().step_by(every) {
        let Ok(sealed) = std::fs::read(unpacked.object_path(&object.key)) else { continue };
        match store.open_stored_object(object, &sealed) {
            Ok(()) => checked.opened += 1,
            Err(e) => problems.push(format!("{object}: does not open with the key file: {e}")),
        }
    }
    if problems.is_empty() {
        stage.done();
        return Ok(checked);
    }
    let more = problems.len().saturating_sub(PROBLEMS_SHOWN);
    problems.truncate(PROBLEMS_SHOWN);
    if more > 0 {
        problems.push(format!("and {more} more"));
    }
    Err(problems.join("; "))
}

/// The objects a restore wrote, and where: removed again when the database cannot be written.
pub struct Written {
    objects: Option<Objects>,
    keys: Vec<String>,
}

impl Written {
    /// Where the objects went, when there were any.
    pub fn place(&self) -> Option<&str> {
        self.objects.as_ref().filter(|_| !self.keys.is_empty()).map(Objects::describe)
    }

    /// Removes what was written; what cannot be removed is left as orphans for the sweep.
    pub fn remove(&self) {
        let Some(objects) = &self.objects else { return };
        for key in &self.keys {
            if let Err(error) = objects.delete(key) {
                tracing::warn!(%error, "a restored attachment's object was left behind");
            }
        }
    }
}

impl Written {
    /// Nothing written (a backup without attachments).
    pub fn none() -> Written {
        Written { objects: None, keys: Vec::new() }
    }
}

/// Where the backup's objects go: the object store of the database `url` names (`attachments_url`,
/// else the folder beside a SQLite file), which must hold none; `None` when the backup has no
/// objects.
pub fn target(unpacked: &Unpacked, url: &str, options: &DatabaseOptions) -> CliResult<Option<Objects>> {
    if unpacked.objects.is_empty() {
        return Ok(None);
    }
    let objects =
        objects_for(url, options.attachments_url.as_deref(), &options.attachments_s3)?.ok_or_else(|| {
            CliError::Invalid(format!(
                "the backup holds {} attachments and {} keeps none: say where they go with attachments_url \
             (AMPARO_ATTACHMENTS_URL)",
                unpacked.objects.len(),
                redact_url(url)
            ))
        })?;
    if !objects.keys("")?.is_empty() {
        return Err(CliError::Invalid(format!(
            "the attachment storage {} is not empty: a backup is restored only into an empty place",
            objects.describe()
        )));
    }
    Ok(Some(objects))
}

/// Writes the backup's objects into `objects`; on a failure, those written are removed again.
pub fn write(unpacked: &Unpacked, objects: Objects) -> CliResult<Written> {
    let stage = Stage::counted("restore", "writing the attachments", unpacked.objects.len() as u64);
    let mut written =
        Written { objects: Some(objects.clone()), keys: Vec::with_capacity(unpacked.objects.len()) };
    for key in &unpacked.objects {
        let path = unpacked.object_path(key);
        let put = std::fs::read(&path)
            .map_err(|e| crate::private_file::cannot(&path, "read", e))
            .and_then(|sealed| Ok(objects.put(key, sealed)?));
        if let Err(error) = put {
            written.remove();
            return Err(error);
        }
        written.keys.push(key.clone());
        stage.step();
    }
    stage.done();
    Ok(written)
}
