//! How the store connects to its database, beyond the URL: pool size, how long to wait for the
//! database, TLS to PostgreSQL, and the disk the SQLite file lives on. The command line resolves
//! each from the settings; [`DatabaseOptions::default`] is what a store opened from a URL alone gets.

use std::path::PathBuf;
use std::time::Duration;

/// Connection and disk settings for one store.
#[derive(Clone, Debug)]
pub struct DatabaseOptions {
    /// Connections kept open at most.
    pub pool_size: u32,
    /// How long to wait for a connection (a new one to the server, or a free one from the pool)
    /// before answering that the database is unavailable.
    pub connect_timeout: Duration,
    /// PostgreSQL: how long one statement may run before the server cancels it (zero: no limit).
    pub statement_timeout: Duration,
    /// PostgreSQL: how the connection is encrypted. A `sslmode` in the URL wins over this one.
    pub ssl_mode: Option<SslMode>,
    /// PostgreSQL: the certificate authorities (PEM) a server's certificate is checked against,
    /// instead of the public ones. A `sslrootcert` in the URL wins over this one.
    pub ssl_root_cert: Option<PathBuf>,
    /// SQLite: bytes kept free beside the database for the audit trail (see `sqlite_disk`).
    pub audit_reserve_bytes: u64,
    /// SQLite: free space on the database's file system under which the log and the administrators
    /// are warned.
    pub low_space_warning_bytes: u64,
    /// Where attachments are kept: a folder, a `file://` URL or `s3://bucket/prefix`; `None` for a
    /// folder beside a SQLite file (PostgreSQL then has no attachment storage).
    pub attachments_url: Option<String>,
    /// How an `s3://` `attachments_url` is reached (unset values from the AWS variables).
    pub attachments_s3: crate::S3Settings,
    /// The largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
}

/// Default size of the pool of connections.
pub const DEFAULT_POOL_SIZE: u32 = 8;
/// Default wait for a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default longest statement. Reads of one page and writes of one case take milliseconds; an import
/// runs many short statements, so none of them comes near.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default room kept for the audit trail: 16 MiB, tens of thousands of audit entries.
pub const DEFAULT_AUDIT_RESERVE_BYTES: u64 = 16 * 1024 * 1024;
/// Default free space under which to warn: 512 MiB.
pub const DEFAULT_LOW_SPACE_WARNING_BYTES: u64 = 512 * 1024 * 1024;

impl Default for DatabaseOptions {
    fn default() -> Self {
        DatabaseOptions {
            pool_size: DEFAULT_POOL_SIZE,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            statement_timeout: DEFAULT_STATEMENT_TIMEOUT,
            ssl_mode: None,
            ssl_root_cert: None,
            audit_reserve_bytes: DEFAULT_AUDIT_RESERVE_BYTES,
            low_space_warning_bytes: DEFAULT_LOW_SPACE_WARNING_BYTES,
            attachments_url: None,
            attachments_s3: crate::S3Settings::default(),
            attachment_max_bytes: amparo_domain::attachments::DEFAULT_MAX_BYTES,
        }
    }
}

/// How a PostgreSQL connection is encrypted, as libpq's `sslmode` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Never encrypted.
    Disable,
    /// Encrypted when the server offers it, else not; the certificate is not checked (libpq's default).
    Prefer,
    /// Always encrypted; the certificate is checked only when a root certificate is given.
    Require,
    /// Always encrypted, with a certificate signed by a trusted authority, whatever name it carries.
    VerifyCa,
    /// Always encrypted, with a certificate signed by a trusted authority for the host connected to.
    VerifyFull,
}

impl SslMode {
    /// Parses libpq's names (`allow` is not offered: it would try plain text first).
    pub fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// The names accepted, for messages.
    pub const NAMES: &'static str = "disable, prefer, require, verify-ca, verify-full";
}
