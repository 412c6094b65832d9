//! The installation's own facts (`amparo_meta`, a key-value table): the fingerprint of the rules
//! behind stored deadlines, the key canary, whether values written before encryption are sealed.

use crate::db::Tx;
use crate::error::StoreResult;

const SELECT_META: &str = "SELECT value FROM amparo_meta WHERE key = $1";
const DELETE_META: &str = "DELETE FROM amparo_meta WHERE key = $1";
const INSERT_META: &str = "INSERT INTO amparo_meta (key, value) VALUES ($1, $2)";
const UPDATE_META: &str = "UPDATE amparo_meta SET value = $2 WHERE key = $1";

/// The value recorded under `key`.
pub fn get(tx: &mut dyn Tx, key: &str) -> StoreResult<Option<String>> {
    tx.query_opt(SELECT_META, &[key.into()])?.map(|r| r.text(0)).transpose()
}

/// Records `value` under a key that has none yet.
pub fn insert(tx: &mut dyn Tx, key: &str, value: &str) -> StoreResult<()> {
    tx.execute(INSERT_META, &[key.into(), value.into()])?;
    Ok(())
}

/// Replaces the value under `key`; returns whether there was one.
pub fn update(tx: &mut dyn Tx, key: &str, value: &str) -> StoreResult<bool> {
    Ok(tx.execute(UPDATE_META, &[key.into(), value.into()])? > 0)
}

pub fn delete(tx: &mut dyn Tx, key: &str) -> StoreResult<()> {
    tx.execute(DELETE_META, &[key.into()])?;
    Ok(())
}
