//! Where attachments' sealed bytes live: an `object_store` — a folder beside the SQLite file by
//! default, the folder `attachments_url` names, or the S3-compatible bucket an `s3://bucket/prefix`
//! URL names (`super::s3`). Only sealed objects ever reach it: this module moves opaque bytes and
//! knows nothing of keys or cases.
//!
//! `object_store` is asynchronous and the store blocks, so the backend owns a small runtime of its
//! own and waits on it; callers are already on a blocking thread (see [`crate::Store`]).

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::s3::S3Settings;
use crate::error::{StoreError, StoreResult};

/// The object store attachments are kept in.
#[derive(Clone)]
pub struct Objects {
    inner: Arc<dyn ObjectStore>,
    prefix: Path,
    runtime: Arc<tokio::runtime::Runtime>,
    /// What it is, for `amparo config show` and errors (a folder or a URL without credentials).
    description: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Objects({})", self.description)
    }
}

/// One object as listed: its key, size and when it was last written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub written_at: chrono::DateTime<chrono::Utc>,
}

fn failed(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("attachment storage: {what}: {e}"))
}

fn runtime() -> StoreResult<Arc<tokio::runtime::Runtime>> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("amparo-objects")
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(|e| failed("cannot start its I/O thread", e))
}

impl Objects {
    /// A folder (created with mode 0700 when missing).
    pub fn folder(dir: &FsPath) -> StoreResult<Objects> {
        create_private_dir(dir)
            .map_err(|e| failed(&format!("cannot create the folder {}", dir.display()), e))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| failed(&format!("cannot use the folder {}", dir.display()), e))?;
        Ok(Objects {
            inner: Arc::new(local),
            prefix: Path::default(),
            runtime: runtime()?,
            description: dir.display().to_string(),
        })
    }

    /// The store a URL names: `file:///path` or a bare path for a folder, `s3://bucket/prefix` for S3,
    /// reached and signed in as `s3` says (then as the AWS environment variables say).
    pub fn open(url: &str, s3: &S3Settings) -> StoreResult<Objects> {
        if !url.contains("://") {
            return Objects::folder(&PathBuf::from(url));
        }
        let parsed = url::Url::parse(url).map_err(|e| {
            StoreError::Invalid(format!("attachments_url: not a URL ({e}); expected s3://bucket/prefix"))
        })?;
        match parsed.scheme() {
            "file" => {
                let dir = parsed.to_file_path().map_err(|()| {
                    StoreError::Invalid("attachments_url: a file:// URL must name an absolute folder".into())
                })?;
                Objects::folder(&dir)
            }
            "s3" => Objects::s3(&parsed, s3),
            other => Err(StoreError::Invalid(format!(
                "attachments_url: unsupported scheme {other:?} (expected a folder, file:// or s3://)"
            ))),
        }
    }

    /// The bucket and prefix `url` names, reached as `settings` say.
    fn s3(url: &url::Url, settings: &S3Settings) -> StoreResult<Objects> {
        let location = super::s3::location(url)?;
        let bucket = super::s3::open(&location, settings)?;
        Ok(Objects {
            inner: Arc::new(bucket),
            description: format!("s3://{}/{}", location.bucket, location.prefix),
            prefix: location.prefix,
            runtime: runtime()?,
        })
    }

    fn key(&self, key: &str) -> Path {
        let parts = key.split('/').filter(|p| !p.is_empty()).map(object_store::path::PathPart::from);
        let mut path = self.prefix.clone();
        for part in parts {
            path = path.clone().join(part);
        }
        path
    }

    /// Writes an object whole (replacing one of the same key).
    pub fn put(&self, key: &str, bytes: Vec<u8>) -> StoreResult<()> {
        let path = self.key(key);
        self.runtime
            .block_on(self.inner.put(&path, PutPayload::from(bytes)))
            .map(|_| ())
            .map_err(|e| failed("cannot write an object", e))
    }

    /// Reads an object whole; `NotFound` when there is none.
    pub fn get(&self, key: &str) -> StoreResult<Vec<u8>> {
        let path = self.key(key);
        self.runtime.block_on(async {
            match self.inner.get(&path).await {
                Ok(found) => {
                    found.bytes().await.map(|b| b.to_vec()).map_err(|e| failed("cannot read an object", e))
                }
                Err(object_store::Error::NotFound { .. }) => {
                    Err(StoreError::NotFound("the attachment's stored file".into()))
                }
                Err(e) => Err(failed("cannot read an object", e)),
            }
        })
    }

    /// Deletes an object; one already gone is not an error.
    pub fn delete(&self, key: &str) -> StoreResult<()> {
        let path = self.key(key);
        match self.runtime.block_on(self.inner.delete(&path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed("cannot delete an object", e)),
        }
    }

    /// Every object's key under `under` (a key prefix, `org/case`), relative to the store's prefix.
    pub fn keys(&self, under: &str) -> StoreResult<Vec<String>> {
        Ok(self.entries(under)?.into_iter().map(|entry| entry.key).collect())
    }

    /// An object's size in bytes; `None` when there is none.
    pub fn size(&self, key: &str) -> StoreResult<Option<u64>> {
        let path = self.key(key);
        match self.runtime.block_on(self.inner.head(&path)) {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(failed("cannot read an object's size", e)),
        }
    }

    /// Every object under `under` with its size and when it was last written, keys relative to the
    /// store's prefix (as [`Objects::keys`]).
    pub fn entries(&self, under: &str) -> StoreResult<Vec<ObjectEntry>> {
        let base = self.key(under);
        let prefix = self.prefix.clone();
        self.runtime.block_on(async {
            let metas: Vec<_> = self
                .inner
                .list(Some(&base))
                .try_collect()
                .await
                .map_err(|e| failed("cannot list objects", e))?;
            Ok(metas
                .into_iter()
                .filter_map(|m| {
                    let parts = m.location.prefix_match(&prefix)?;
                    let key = parts.map(|p| p.as_ref().to_owned()).collect::<Vec<_>>().join("/");
                    Some(ObjectEntry { key, size: m.size, written_at: m.last_modified })
                })
                .collect())
        })
    }

    /// What it is, without credentials.
    pub fn describe(&self) -> &str {
        &self.description
    }
}

/// Creates a folder (and its parents) readable by its owner only; an existing one is left as it is.
fn create_private_dir(dir: &FsPath) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
