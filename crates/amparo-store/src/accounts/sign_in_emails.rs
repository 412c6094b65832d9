//! The one table sign-in reads before it knows the organisation: each account's email with its
//! organisation and id. It is a reference table on a distributed engine (copied to every node), so
//! that finding the organisation costs one local read and everything after reads one
//! organisation's rows. It is written in the transaction that writes the account, and keeps an
//! email unique across the installation.

use crate::db::{DbResult, Tx};
use crate::error::StoreResult;
use crate::model::{OrgId, UserId};

const INSERT_EMAIL: &str = "INSERT INTO sign_in_emails (email, org_id, user_id) VALUES ($1, $2, $3)";
const SELECT_ACCOUNT: &str = "SELECT org_id, user_id FROM sign_in_emails WHERE email = $1";
const COUNT_EMAIL: &str = "SELECT COUNT(*) FROM sign_in_emails WHERE email = $1";

/// Records that `email` is the account `user` of `org`; a unique violation when anyone on the
/// installation already has it.
pub(crate) fn claim(tx: &mut dyn Tx, email: &str, org: &OrgId, user: &UserId) -> DbResult<()> {
    tx.execute(INSERT_EMAIL, &[email.into(), org.as_str().into(), user.as_str().into()])?;
    Ok(())
}

/// The organisation and account an email signs in to, if any.
pub(crate) fn account(tx: &mut dyn Tx, email: &str) -> StoreResult<Option<(OrgId, UserId)>> {
    tx.query_opt(SELECT_ACCOUNT, &[email.into()])?
        .map(|row| Ok((OrgId(row.text(0)?), UserId(row.text(1)?))))
        .transpose()
}

/// Whether anyone on the installation has `email`.
pub(crate) fn taken(tx: &mut dyn Tx, email: &str) -> StoreResult<bool> {
    Ok(tx.query_int(COUNT_EMAIL, &[email.into()])? > 0)
}
