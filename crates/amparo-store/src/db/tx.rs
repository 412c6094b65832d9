//! Values, rows and the transaction every statement runs in ([`Tx`]), each backend implementing it
//! once; and the constraint failures callers turn into specific errors ([`DbFailure`]).

use crate::error::{StoreError, StoreResult};

/// Why a statement failed, with the constraint violations callers turn into specific errors.
#[derive(Debug)]
pub enum DbFailure {
    UniqueViolation,
    ForeignKeyViolation,
    Other(StoreError),
}

impl From<DbFailure> for StoreError {
    fn from(failure: DbFailure) -> Self {
        match failure {
            DbFailure::UniqueViolation => {
                StoreError::Duplicate("a value that must be unique is already taken".into())
            }
            DbFailure::ForeignKeyViolation => StoreError::NotFound("a record this refers to".into()),
            DbFailure::Other(error) => error,
        }
    }
}

impl From<StoreError> for DbFailure {
    fn from(error: StoreError) -> Self {
        DbFailure::Other(error)
    }
}

pub type DbResult<T> = Result<T, DbFailure>;

/// A parameter or column value. The schema only uses text and 64-bit integers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    /// Text that many rows of one write repeat (an organisation's or a case's id), shared rather than
    /// copied into each row.
    Shared(std::sync::Arc<str>),
}

impl Value {
    /// The text the value holds, if it holds text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            Value::Shared(text) => Some(text),
            Value::Null | Value::Int(_) => None,
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Int(number)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// One result row.
pub struct Row(pub Vec<Value>);

impl Row {
    fn get(&self, index: usize) -> StoreResult<&Value> {
        self.0.get(index).ok_or_else(|| StoreError::Backend(format!("no column {index}")))
    }

    pub fn text(&self, index: usize) -> StoreResult<String> {
        match self.get(index)? {
            Value::Text(text) => Ok(text.clone()),
            Value::Shared(text) => Ok(text.to_string()),
            other => Err(StoreError::Backend(format!("column {index}: expected text, found {other:?}"))),
        }
    }

    pub fn opt_text(&self, index: usize) -> StoreResult<Option<String>> {
        match self.get(index)? {
            Value::Null => Ok(None),
            _ => self.text(index).map(Some),
        }
    }

    pub fn int(&self, index: usize) -> StoreResult<i64> {
        match self.get(index)? {
            Value::Int(number) => Ok(*number),
            other => {
                Err(StoreError::Backend(format!("column {index}: expected an integer, found {other:?}")))
            }
        }
    }

    pub fn opt_int(&self, index: usize) -> StoreResult<Option<i64>> {
        match self.get(index)? {
            Value::Null => Ok(None),
            _ => self.int(index).map(Some),
        }
    }
}

/// A transaction (or connection) that runs shared SQL with `$N` placeholders.
pub trait Tx {
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64>;
    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>>;

    /// The character before a parameter's number in SQL this backend reads as written: `$` for
    /// PostgreSQL; SQLite reads `?N` (shared SQL with `$N` is rewritten for it each time, which
    /// generated statements avoid by being written with this).
    fn placeholder(&self) -> char {
        '$'
    }

    /// Runs statements without parameters as they are written (migrations, several at once).
    fn execute_batch(&mut self, sql: &str) -> DbResult<()>;

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The single integer a `SELECT COUNT(*)`-like statement returns (0 without a row).
    fn query_int(&mut self, sql: &str, params: &[Value]) -> StoreResult<i64> {
        Ok(self.query_opt(sql, params)?.map(|r| r.int(0)).transpose()?.unwrap_or(0))
    }
}
