//! What a command can fail with, and the exit code each failure means.

use std::process::ExitCode;

use amparo_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input (a case file, an argument): exit code 2, nothing written.
    #[error("{0}")]
    Invalid(String),
    /// A write refused because of what is already there (a taken reference, a stale version): exit 3.
    #[error("{0}")]
    Conflict(String),
    /// Standard output was closed by its reader; the command stops quietly with success.
    #[error("standard output closed")]
    OutputClosed,
    /// Anything else: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Invalid(_) => ExitCode::from(2),
            CliError::Conflict(_) => ExitCode::from(3),
            CliError::Failed(_) => ExitCode::from(1),
            CliError::OutputClosed => ExitCode::SUCCESS,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(m) => CliError::Invalid(m),
            e @ (StoreError::CaseFile(_) | StoreError::Field { .. } | StoreError::ResetLinkInvalid) => {
                CliError::Invalid(e.to_string())
            }
            e @ (StoreError::Duplicate(_) | StoreError::WrongState(_) | StoreError::Conflict { .. }) => {
                CliError::Conflict(e.to_string())
            }
            e => CliError::Failed(e.to_string()),
        }
    }
}

impl From<crate::config::ConfigError> for CliError {
    fn from(error: crate::config::ConfigError) -> Self {
        CliError::Invalid(error.to_string())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
