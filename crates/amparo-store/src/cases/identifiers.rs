//! Blind indexes of a case's identifiers (A-numbers, receipt and I-94 numbers), so that exact search
//! finds the case without the identifiers being stored in clear.

use amparo_domain::{CaseFile, Event};

use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId};
use crate::security::seal::{IdentifierKind, Sealer};

/// Multi-row INSERT head of identifiers (see `RowBuffer`), and its column count.
pub(crate) const INSERT_IDENTIFIERS: &str = "INSERT INTO identifiers (org_id, case_id, kind, digest, key_id)";
pub(crate) const IDENTIFIER_WIDTH: usize = 5;
const INSERT_IDENTIFIER: &str =
    "INSERT INTO identifiers (org_id, case_id, kind, digest, key_id) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const DELETE_IDENTIFIERS: &str = "DELETE FROM identifiers WHERE org_id = $1 AND case_id = $2";

/// Records the blind indexes of a case's identifiers, so exact search finds the case without the
/// identifiers being stored in clear.
pub(crate) fn index_identifiers<'a>(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    identifiers: impl IntoIterator<Item = (IdentifierKind, &'a str)>,
) -> StoreResult<()> {
    let key_id = sealer.current_key_id().to_string();
    for (kind, value) in identifiers {
        tx.execute(
            INSERT_IDENTIFIER,
            &[
                org.as_str().into(),
                case.as_str().into(),
                kind.as_str().into(),
                sealer.blind(kind, value).into(),
                key_id.as_str().into(),
            ],
        )?;
    }
    Ok(())
}

/// Indexes every identifier of a case (used when the indexes are rebuilt under a new key).
pub(crate) fn index_case_identifiers(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
) -> StoreResult<()> {
    let people = file.case.people.iter().filter_map(person_identifiers);
    let events = file.events.iter().flat_map(event_identifiers);
    index_identifiers(tx, sealer, (org, case), people.chain(events))
}

pub(crate) fn person_identifiers(person: &amparo_domain::Person) -> Option<(IdentifierKind, &str)> {
    person.a_number.as_ref().map(|a| (IdentifierKind::ANumber, a.as_str()))
}

pub(crate) fn event_identifiers(event: &Event) -> Vec<(IdentifierKind, &str)> {
    use amparo_domain::EventKind;
    match &event.kind {
        EventKind::ParoleRequested { receipt_number: Some(r) }
        | EventKind::ReParoleFiled { receipt_number: Some(r) }
        | EventKind::EadFiled { receipt_number: Some(r) } => vec![(IdentifierKind::Receipt, r.as_str())],
        EventKind::ParoleGranted { i94_number: Some(i), .. } => vec![(IdentifierKind::I94, i.as_str())],
        _ => Vec::new(),
    }
}

/// A search term that is a whole identifier, in its canonical form.
pub(crate) fn exact_identifier(term: &str) -> Option<(IdentifierKind, String)> {
    use amparo_domain::identifiers::{ANumber, I94Number, ReceiptNumber};
    if let Ok(a) = ANumber::parse(term) {
        return Some((IdentifierKind::ANumber, a.as_str().to_owned()));
    }
    if let Ok(r) = ReceiptNumber::parse(term) {
        return Some((IdentifierKind::Receipt, r.as_str().to_owned()));
    }
    I94Number::parse(term).ok().map(|i| (IdentifierKind::I94, i.as_str().to_owned()))
}
