//! How values every subject stores are written in columns: times as milliseconds since the epoch,
//! calendar dates as `YYYY-MM-DD` text, and the error for a stored value that does not read back.

use chrono::{DateTime, TimeZone, Utc};

use crate::error::{StoreError, StoreResult};

pub fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A list of columns (`"a, b"`, as the `*_COLUMNS` constants hold them) qualified by a table's alias
/// (`"t.a, t.b"`), for a query that joins that table to others.
pub fn qualified(columns: &str, alias: &str) -> String {
    columns.split(", ").map(|column| format!("{alias}.{column}")).collect::<Vec<_>>().join(", ")
}

/// A stored value that is not what its column holds.
pub fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} is not valid: {value:?}"))
}

/// A stored calendar date.
pub fn stored_date(text: &str) -> StoreResult<amparo_domain::Date> {
    text.parse().map_err(|_| corrupt("date", text))
}
