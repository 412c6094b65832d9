//! Rows waiting to be inserted into one table, written as multi-row INSERTs: one statement (and on
//! PostgreSQL one round trip) per chunk of rows instead of per row. Used by imports and derivations.

use crate::db::{DbResult, Tx, Value};

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
