//! Cases a new case file may duplicate, looked for before intake saves it: a case holding the same
//! A-number (found through its blind index, as exact search finds it), or a person of the same name
//! and birth date, open or closed. Names are stored in clear, birth dates sealed: the case row's folded search words
//! narrow the candidates by name, and only their birth dates are opened and compared.
//!
//! Only cases the acting person sees are reported, checked by the same data rule as every read, so a
//! clinician never learns that a case not shared with them exists; each case reported is written to
//! the audit trail in the same transaction, as a read of it is.

use amparo_domain::{CaseFile, Person, PersonRole};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::case_list::search_keys::{fold, word_patterns};
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId};
use crate::security::seal::{self, Field, IdentifierKind, Sealer};
use crate::{Store, audit};

/// The cases holding an identifier, by its blind indexes (every key held, a rotation may be half-way).
fn select_by_digests(count: usize) -> String {
    let list: Vec<String> = (0..count).map(|i| format!("${}", i + 3)).collect();
    format!(
        "SELECT DISTINCT case_id FROM identifiers WHERE org_id = $1 AND kind = $2 AND digest IN ({})",
        list.join(", ")
    )
}

/// The people with a birth date on cases whose search words hold both name patterns.
const SELECT_NAMESAKES: &str = "SELECT p.case_id, p.position, p.given_name, p.family_name, p.birth_date \
     FROM cases c JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id \
     WHERE c.org_id = $1 AND c.search_terms LIKE $2 AND c.search_terms LIKE $3 AND p.birth_date IS NOT NULL";

const CASE_PATIENT: &str = "SELECT c.reference, p.given_name, p.family_name, c.closed_at FROM cases c \
     JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id AND p.role = 'patient' \
     WHERE c.org_id = $1 AND c.id = $2";

/// Why an existing case looks like the one being written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DuplicateReason {
    /// A person on it has the A-number of this person of the new file (named as typed).
    SameANumber { person: String },
    /// A person on it has the name and birth date of this person of the new file.
    SameNameAndBirthDate { person: String },
}

/// An existing case the new file may duplicate, and every reason it looks so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PossibleDuplicate {
    pub id: CaseId,
    pub reference: String,
    pub patient_name: String,
    pub reasons: Vec<DuplicateReason>,
    /// Closed cases are reported too (marked so): a family coming back is the likeliest duplicate.
    pub closed: bool,
}

fn full_name(person: &Person) -> String {
    format!("{} {}", person.given_name, person.family_name)
}

/// The people of the file, the patient first (the reasons are listed in this order).
fn people_patient_first(file: &CaseFile) -> Vec<&Person> {
    let mut people: Vec<&Person> = file.case.people.iter().collect();
    people.sort_by_key(|p| p.role != PersonRole::Patient);
    people
}

fn same_a_number(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId, person: &Person) -> StoreResult<Vec<CaseId>> {
    let Some(a_number) = &person.a_number else { return Ok(Vec::new()) };
    let digests = sealer.blind_all(IdentifierKind::ANumber, a_number.as_str());
    let mut params = vec![org.as_str().into(), IdentifierKind::ANumber.as_str().into()];
    params.extend(digests.into_iter().map(Into::into));
    tx.query(&select_by_digests(params.len() - 2), &params)?.iter().map(|r| Ok(CaseId(r.text(0)?))).collect()
}

fn same_name_and_birth_date(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    person: &Person,
) -> StoreResult<Vec<CaseId>> {
    let Some(birth_date) = person.birth_date else { return Ok(Vec::new()) };
    let (given, family) = (fold(&person.given_name), fold(&person.family_name));
    let (Some(given_like), Some(family_like)) =
        (word_patterns(&given).into_iter().next(), word_patterns(&family).into_iter().next())
    else {
        return Ok(Vec::new());
    };
    let params = [org.as_str().into(), given_like.as_str().into(), family_like.as_str().into()];
    let mut found = Vec::new();
    for row in tx.query(SELECT_NAMESAKES, &params)? {
        let case = row.text(0)?;
        if fold(&row.text(2)?) != given || fold(&row.text(3)?) != family {
            continue;
        }
        let row_id = seal::person_row(&case, row.int(1)?);
        let stored = sealer.open_opt(Field::PersonBirthDate, org.as_str(), &row_id, row.opt_text(4)?)?;
        if stored.as_deref() == Some(birth_date.to_string().as_str()) {
            found.push(CaseId(case));
        }
    }
    Ok(found)
}

fn possible_duplicates(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    actor: &Actor,
    file: &CaseFile,
) -> StoreResult<Vec<PossibleDuplicate>> {
    let mut found: Vec<PossibleDuplicate> = Vec::new();
    for person in people_patient_first(file) {
        let by_a_number = same_a_number(tx, sealer, &actor.org, person)?
            .into_iter()
            .map(|case| (case, DuplicateReason::SameANumber { person: full_name(person) }));
        let by_name = same_name_and_birth_date(tx, sealer, &actor.org, person)?
            .into_iter()
            .map(|case| (case, DuplicateReason::SameNameAndBirthDate { person: full_name(person) }));
        for (case, reason) in by_a_number.chain(by_name).collect::<Vec<_>>() {
            if let Some(known) = found.iter_mut().find(|d| d.id == case) {
                if !known.reasons.contains(&reason) {
                    known.reasons.push(reason);
                }
                continue;
            }
            // A case the person may not see is never reported, so its existence is not revealed.
            if !access::sees_case(tx, actor, &case)? {
                continue;
            }
            let Some(row) = tx.query_opt(CASE_PATIENT, &[actor.org.as_str().into(), case.as_str().into()])?
            else {
                continue;
            };
            let patient_name = format!("{} {}", row.text(1)?, row.text(2)?);
            found.push(PossibleDuplicate {
                id: case,
                reference: row.text(0)?,
                patient_name,
                reasons: vec![reason],
                closed: row.opt_int(3)?.is_some(),
            });
        }
    }
    found.sort_by(|a, b| a.reference.cmp(&b.reference));
    Ok(found)
}

impl Store {
    /// The cases of `actor`'s organisation that `file` may duplicate, among those `actor` sees, in
    /// reference order; each one reported is recorded in the audit trail (`case.duplicate_shown`).
    pub fn possible_duplicates_as(
        &self,
        actor: &Actor,
        file: &CaseFile,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<PossibleDuplicate>> {
        self.write(|tx| {
            // Sharing changes commit holding the chain too, so the visibility checked is the latest.
            self.lock_audit_chain(tx, actor.org.as_str())?;
            let found = possible_duplicates(tx, self.sealer(), actor, file)?;
            for duplicate in &found {
                let entry = audit::Entry {
                    chain: actor.org.as_str(),
                    actor: Some(&actor.user),
                    action: "case.duplicate_shown",
                    target: duplicate.id.as_str(),
                    detail: serde_json::json!({ "via": "intake" }),
                };
                audit::append(tx, &self.audit_signer(), entry, now)?;
            }
            Ok(found)
        })
    }
}
