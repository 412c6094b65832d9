//! The store's one error type. Messages of the client-facing variants are safe to show; `Backend`
//! carries detail for the log only.

use amparo_domain::{CaseFileError, Problem};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    /// The write was based on a version of the case that is no longer current.
    #[error("the case changed since it was read (expected version {expected}, it is now {actual})")]
    Conflict { expected: i64, actual: i64 },
    /// A unique value (case reference, email, slug) is already taken.
    #[error("{0}")]
    Duplicate(String),
    /// The write was refused by a domain rule; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// A write made on someone's behalf that the data rules do not allow them (`crate::access`).
    #[error(transparent)]
    Refused(#[from] crate::access::Refusal),
    /// A password-reset link that is used, expired or mistyped: one refusal for all three, so a
    /// link's state is not revealed.
    #[error("{}", crate::security::resets::INVALID_LINK)]
    ResetLinkInvalid,
    /// A value was refused: where, and what is wrong as data the web app words in each language.
    #[error("{path}: {problem}")]
    Field { path: String, problem: Problem },
    #[error(transparent)]
    CaseFile(#[from] CaseFileError),
    #[error(
        "the database schema is at version {found}, newer than this binary knows ({supported}); \
         upgrade amparo before using this database"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// The configured keys cannot read what this database holds: another key file was given.
    #[error(
        "the configured key does not match this database: its encrypted fields were written under key \
         {expected}; point AMPARO_KEY_FILE (or `key_file`) at the key file that holds it"
    )]
    WrongKey { expected: String },
    /// Key material could not be loaded or used; the message never carries key bytes.
    #[error("encryption key: {0}")]
    Key(String),
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// The value at `path` is refused for the reason `problem` gives.
    pub fn field(path: impl Into<String>, problem: Problem) -> Self {
        StoreError::Field { path: path.into(), problem }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Backend(error.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        // The Display of a server error is only "db error"; the detail is what an operator needs.
        match error.as_db_error() {
            Some(db) => StoreError::Backend(format!("{}: {}", db.code().code(), db.message())),
            None => StoreError::Backend(error.to_string()),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        StoreError::Backend(format!("connection pool: {error}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON: {error}"))
    }
}
