//! A small backend-neutral way to run the shared SQL of `sql.rs`: values, rows and a transaction
//! trait that each backend implements once. Features written against [`Tx`] (triage, escalations,
//! tasks) exist once instead of once per backend.

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

impl From<rusqlite::Error> for DbFailure {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &error {
            rusqlite::Error::SqliteFailure(e, _)
                if e.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                DbFailure::UniqueViolation
            }
            rusqlite::Error::SqliteFailure(e, _) if e.extended_code == ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                DbFailure::ForeignKeyViolation
            }
            _ => DbFailure::Other(error.into()),
        }
    }
}

impl From<postgres::Error> for DbFailure {
    fn from(error: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match error.as_db_error().map(|db| db.code()) {
            Some(code) if *code == SqlState::UNIQUE_VIOLATION => DbFailure::UniqueViolation,
            Some(code) if *code == SqlState::FOREIGN_KEY_VIOLATION => DbFailure::ForeignKeyViolation,
            _ => DbFailure::Other(error.into()),
        }
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

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The single integer a `SELECT COUNT(*)`-like statement returns (0 without a row).
    fn query_int(&mut self, sql: &str, params: &[Value]) -> StoreResult<i64> {
        Ok(self.query_opt(sql, params)?.map(|r| r.int(0)).transpose()?.unwrap_or(0))
    }
}

/// Statements never bind more parameters than this: SQLite's limit (32,766) and PostgreSQL's
/// (65,535) are both above it.
const MAX_PARAMETERS: usize = 30_000;
/// The row counts one multi-row INSERT is made of. A flush of any number of rows uses only these
/// few statement shapes, so each stays prepared instead of every remainder making a new one.
const ROWS_PER_STATEMENT: [usize; 5] = [256, 64, 16, 4, 1];

/// Rows waiting to be inserted into one table, `WIDTH` values each, written as multi-row INSERTs:
/// one statement (and on PostgreSQL one round trip) per chunk of rows instead of per row.
pub struct RowBuffer<const WIDTH: usize> {
    /// `INSERT INTO table (columns…)`, to which the VALUES lists and `suffix` are added.
    head: &'static str,
    /// Anything after the VALUES lists, such as an `ON CONFLICT` clause.
    suffix: &'static str,
    values: Vec<Value>,
    /// The SQL text per row count, built once.
    statements: Vec<(usize, String)>,
}

impl<const WIDTH: usize> RowBuffer<WIDTH> {
    pub fn new(head: &'static str) -> Self {
        Self::with_suffix(head, "")
    }

    pub fn with_suffix(head: &'static str, suffix: &'static str) -> Self {
        RowBuffer { head, suffix, values: Vec::new(), statements: Vec::new() }
    }

    pub fn push(&mut self, row: [Value; WIDTH]) {
        self.values.extend(row);
    }

    /// The statement for `rows` rows, with parameters written `{placeholder}N`. A buffer is flushed
    /// on one backend only, so the text is built once per row count.
    fn statement(&mut self, rows: usize, placeholder: char) -> &str {
        let index = match self.statements.iter().position(|(n, _)| *n == rows) {
            Some(index) => index,
            None => {
                let mut sql = String::with_capacity(self.head.len() + rows * WIDTH * 6 + self.suffix.len());
                sql.push_str(self.head);
                sql.push_str(" VALUES ");
                for row in 0..rows {
                    sql.push_str(if row == 0 { "(" } else { ", (" });
                    for column in 0..WIDTH {
                        if column > 0 {
                            sql.push_str(", ");
                        }
                        sql.push(placeholder);
                        sql.push_str(&(row * WIDTH + column + 1).to_string());
                    }
                    sql.push(')');
                }
                sql.push_str(self.suffix);
                self.statements.push((rows, sql));
                self.statements.len() - 1
            }
        };
        &self.statements[index].1
    }

    /// Inserts every waiting row and empties the buffer; returns the number of rows the statements
    /// changed (fewer than were waiting when `suffix` skips some).
    pub fn flush(&mut self, tx: &mut dyn Tx) -> DbResult<u64> {
        let values = std::mem::take(&mut self.values);
        let mut changed = 0;
        let mut rest = &values[..];
        while !rest.is_empty() {
            let waiting = rest.len() / WIDTH;
            let rows = ROWS_PER_STATEMENT
                .into_iter()
                .find(|&n| n <= waiting && n * WIDTH <= MAX_PARAMETERS)
                .unwrap_or(1);
            let (now, later) = rest.split_at(rows * WIDTH);
            let placeholder = tx.placeholder();
            changed += tx.execute(self.statement(rows, placeholder), now)?;
            rest = later;
        }
        // The allocation is kept for the next rows.
        self.values = values;
        self.values.clear();
        Ok(changed)
    }
}

/// SQLite: a connection or transaction (a `rusqlite::Transaction` dereferences to one).
pub struct SqliteTx<'a>(pub &'a rusqlite::Connection);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(number) => ToSqlOutput::Borrowed(ValueRef::Integer(*number)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Shared(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
        })
    }
}

impl Tx for SqliteTx<'_> {
    fn placeholder(&self) -> char {
        '?'
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let mut statement = self.0.prepare_cached(&crate::sqlite::numbered(sql))?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let mut statement = self.0.prepare_cached(&crate::sqlite::numbered(sql))?;
        let width = statement.column_count();
        let rows = statement.query_map(rusqlite::params_from_iter(params.iter()), |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(n) => Value::Int(n),
                        rusqlite::types::ValueRef::Real(r) => Value::Int(r as i64),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            Value::Text(String::from_utf8_lossy(t).into_owned())
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(Row)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Prepared statements of one PostgreSQL connection, by SQL text. Preparing costs a round trip, so
/// each statement is prepared once per connection (prepared statements outlive transactions).
#[derive(Default)]
pub struct PgStatements(std::collections::HashMap<String, postgres::Statement>);

/// PostgreSQL: anything that runs queries (a client or a transaction), with its connection's
/// statement cache.
pub struct PgTx<'a, C: postgres::GenericClient> {
    pub client: &'a mut C,
    pub statements: &'a mut PgStatements,
}

impl<C: postgres::GenericClient> PgTx<'_, C> {
    fn statement(&mut self, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(statement) = self.statements.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(number) => match *ty {
                Type::INT4 => i32::try_from(*number)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*number)?.to_sql(ty, out),
                _ => number.to_sql(ty, out),
            },
            Value::Text(text) => text.as_str().to_sql(ty, out),
            Value::Shared(text) => {
                let text: &str = text;
                text.to_sql(ty, out)
            }
        }
    }

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_value(row: &postgres::Row, index: usize) -> StoreResult<Value> {
    use postgres::types::Type;
    let ty = row.columns()[index].type_().clone();
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map_or(Value::Null, Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map_or(Value::Null, |n| Value::Int(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map_or(Value::Null, |n| Value::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map_or(Value::Null, |b| Value::Int(b.into())),
        _ => row.try_get::<_, Option<String>>(index)?.map_or(Value::Null, Value::Text),
    })
}

impl<C: postgres::GenericClient> Tx for PgTx<'_, C> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let statement = self.statement(sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(self.client.execute(&statement, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let statement = self.statement(sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(self
            .client
            .query(&statement, &refs)?
            .iter()
            .map(|row| (0..row.len()).map(|i| pg_value(row, i)).collect::<StoreResult<Vec<_>>>().map(Row))
            .collect::<StoreResult<Vec<_>>>()?)
    }
}
