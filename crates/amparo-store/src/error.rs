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
    /// The case is not in the state the write needs (closing a closed case, reopening an open one).
    #[error("{0}")]
    WrongState(String),
    /// The write was refused by a domain rule; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// A write made on someone's behalf that the data rules do not allow them (`crate::access`).
    #[error(transparent)]
    Refused(#[from] crate::access::Refusal),
    /// The API token a write was made with was revoked after the request's token was checked and
    /// before its write committed: the write is refused (see `api_tokens::deferred`).
    #[error("the API token was revoked")]
    TokenRevoked,
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
    /// The database cannot be reached, did not answer in time, or cannot write (a full disk, a
    /// read-only database): a passing condition to retry later, not a fault of the request. The
    /// detail is for the log.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: nothing more can be written, audit entries included.
    #[error("the database's disk is full: {0}")]
    DiskFull(String),
}

impl StoreError {
    /// The value at `path` is refused for the reason `problem` gives.
    pub fn field(path: impl Into<String>, problem: Problem) -> Self {
        StoreError::Field { path: path.into(), problem }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match error.sqlite_error_code() {
            // The disk or the database's page limit is full, the file cannot be written, or the
            // disk fails: nothing the request did, and it passes when the operator acts.
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(error.to_string()),
            Some(ErrorCode::ReadOnly | ErrorCode::SystemIoFailure | ErrorCode::CannotOpen) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Backend(error.to_string()),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        // The Display of a server error is only "db error"; the detail is what an operator needs.
        match error.as_db_error() {
            Some(db) => {
                let detail = format!("{}: {}", db.code().code(), db.message());
                if db.code().code() == "53100" {
                    StoreError::DiskFull(detail)
                } else if unavailable_state(db.code().code()) {
                    StoreError::Unavailable(detail)
                } else {
                    StoreError::Backend(detail)
                }
            }
            None if no_answer(&error) => StoreError::Unavailable(error.to_string()),
            None => StoreError::Backend(error.to_string()),
        }
    }
}

/// No answer from the server at all: a closed connection, a failed or timed-out connect, a broken
/// socket. (A value that cannot be converted, or a refused TLS handshake, is a fault to fix instead.)
fn no_answer(error: &postgres::Error) -> bool {
    let text = error.to_string();
    if text.starts_with("error performing TLS handshake") {
        return false;
    }
    let io = std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>());
    error.is_closed() || io || text.starts_with("timeout")
}

/// SQLSTATEs that say the server cannot serve now rather than that the statement is wrong:
/// connection exceptions (08), a read-only transaction (25006, a standby or a revoked write), no
/// room (53: disk full, out of memory, too many connections), a cancelled statement (57014, the
/// statement timeout) and a server shutting down (57P).
fn unavailable_state(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || code == "57014"
        || code == "25006"
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        // The pool gives up only when no connection could be made or freed in time.
        StoreError::Unavailable(format!("connection pool: {error}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON: {error}"))
    }
}
