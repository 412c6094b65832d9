//! The `attachments` table: its SQL, written once, the mapping of a row to an [`Attachment`], and
//! bringing its sealed columns (title, file name) under the current key.

use amparo_domain::attachments::{AttachmentKind, ContentType};

use super::Attachment;
use crate::columns::{corrupt, from_millis, stored_date};
use crate::db::{Row, Tx};
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId, UserId};
use crate::security::seal::{self, Field, Sealer};

pub(crate) const INSERT: &str = "INSERT INTO attachments (org_id, case_id, id, kind, title, file_name, \
     content_type, byte_size, dated, event_id, person_key, object_key, key_id, uploaded_at, uploaded_by) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
const COLUMNS: &str = "id, kind, title, file_name, content_type, byte_size, dated, event_id, person_key, \
     uploaded_at, uploaded_by";
const ORDER: &str = "ORDER BY uploaded_at, id";
const SELECT_SEALED: &str =
    "SELECT id, title, file_name FROM attachments WHERE org_id = $1 AND case_id = $2 ORDER BY id";
const UPDATE_SEALED: &str =
    "UPDATE attachments SET title = $4, file_name = $5 WHERE org_id = $1 AND case_id = $2 AND id = $3";
pub(crate) const SELECT_UNDER_OLD_KEY: &str = "SELECT org_id, case_id, id, object_key FROM attachments \
     WHERE key_id <> $1 ORDER BY org_id, case_id, id LIMIT $2";
pub(crate) const UPDATE_KEY_ID: &str =
    "UPDATE attachments SET key_id = $4 WHERE org_id = $1 AND case_id = $2 AND id = $3";
pub(crate) const SELECT_ALL_OBJECT_KEYS: &str = "SELECT object_key FROM attachments ORDER BY object_key";

fn select_case() -> String {
    format!("SELECT {COLUMNS} FROM attachments WHERE org_id = $1 AND case_id = $2 {ORDER}")
}

fn select_one() -> String {
    format!("SELECT {COLUMNS} FROM attachments WHERE org_id = $1 AND case_id = $2 AND id = $3")
}

fn attachment(sealer: &Sealer, (org, case): (&OrgId, &CaseId), r: &Row) -> StoreResult<Attachment> {
    let id = r.text(0)?;
    let row_id = seal::attachment_row(case.as_str(), &id);
    let kind = r.text(1)?;
    let content_type = r.text(4)?;
    let size = r.int(5)?;
    Ok(Attachment {
        kind: AttachmentKind::parse(&kind).map_err(|_| corrupt("attachment kind", &kind))?,
        title: sealer.open(Field::AttachmentTitle, org.as_str(), &row_id, &r.text(2)?)?,
        file_name: sealer.open_opt(Field::AttachmentFileName, org.as_str(), &row_id, r.opt_text(3)?)?,
        content_type: ContentType::from_mime(&content_type)
            .ok_or_else(|| corrupt("attachment type", &content_type))?,
        byte_size: u64::try_from(size).map_err(|_| corrupt("attachment size", &size.to_string()))?,
        dated: r.opt_text(6)?.map(|d| stored_date(&d)).transpose()?,
        event: r.opt_text(7)?,
        person: r.opt_text(8)?,
        uploaded_at: from_millis(r.int(9)?),
        uploaded_by: r.opt_text(10)?.map(UserId),
        case: case.clone(),
        id,
    })
}

/// A case's attachments, oldest first.
pub(crate) fn of_case(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
) -> StoreResult<Vec<Attachment>> {
    tx.query(&select_case(), &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| attachment(sealer, (org, case), r))
        .collect()
}

/// One attachment of a case, if it has it.
pub(crate) fn one(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
    id: &str,
) -> StoreResult<Option<Attachment>> {
    tx.query_opt(&select_one(), &[org.as_str().into(), case.as_str().into(), id.into()])?
        .map(|r| attachment(sealer, (org, case), &r))
        .transpose()
}

/// Brings a case's attachment titles and file names under the current key; how many rows it rewrote.
pub(crate) fn reseal(tx: &mut dyn Tx, sealer: &Sealer, (org, case): (&str, &str)) -> StoreResult<usize> {
    let mut rewritten = 0;
    for row in tx.query(SELECT_SEALED, &[org.into(), case.into()])? {
        let (id, title, file_name) = (row.text(0)?, row.text(1)?, row.opt_text(2)?);
        let stale_name = file_name.as_deref().is_some_and(|n| sealer.needs_reseal(n));
        if !sealer.needs_reseal(&title) && !stale_name {
            continue;
        }
        let row_id = seal::attachment_row(case, &id);
        let title = sealer.open(Field::AttachmentTitle, org, &row_id, &title)?;
        let title = sealer.seal(Field::AttachmentTitle, org, &row_id, &title)?;
        let file_name = sealer.open_opt(Field::AttachmentFileName, org, &row_id, file_name)?;
        let file_name = sealer.seal_opt(Field::AttachmentFileName, org, &row_id, file_name.as_deref())?;
        tx.execute(UPDATE_SEALED, &[org.into(), case.into(), id.into(), title.into(), file_name.into()])?;
        rewritten += 1;
    }
    Ok(rewritten)
}
