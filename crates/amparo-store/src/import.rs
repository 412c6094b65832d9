//! Writing whole cases, all or nothing, with their derivations: one refused case (a reference
//! already taken, say) leaves the database as it was. Cases are written as multi-row INSERTs, and a
//! second thread derives the next chunk while this one writes the last.

use std::borrow::Borrow;

use amparo_domain::triage::plan_escalations;
use amparo_domain::{CaseFile, Person};
use chrono::{DateTime, Utc};

use crate::accounts::today_for;
use crate::case_list::words;
use crate::cases::events::{EVENT_WIDTH, INSERT_EVENTS, event_values, seal_event_body};
use crate::cases::identifiers::{
    IDENTIFIER_WIDTH, INSERT_IDENTIFIERS, event_identifiers, person_identifiers,
};
use crate::cases::{SELECT_CASE_ID_BY_REFERENCE, rows};
use crate::cases::{history, voids};
use crate::columns::millis;
use crate::contacts::{CONTACTS_WIDTH, INSERT_CONTACTS_HEAD, contacts_values};
use crate::db::{RowLock, Tx, Value};
use crate::derivation::buffer::DerivedRows;
use crate::derivation::{self, DeriveContext, Rules};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, UserId};
use crate::notes::{INSERT_NOTES, NOTE_WIDTH, note_values};
use crate::policy::load_policy;
use crate::row_buffer::RowBuffer;
use crate::security::seal::{self, Field, Sealer};
use crate::triage::{escalations, reasons};
use crate::{CaseSource, Store};

/// A new case with its derivation, written in one row. A reference already taken is skipped (and
/// found by the caller from the count), so that the error can name it on both backends.
const INSERT_CASES: &str = "INSERT INTO cases (org_id, id, reference, program, version, medical, created_at, \
     updated_at, covered_until, derived_on, triage_score, critical_care, is_open, next_due, next_kind, \
     class_of_admission, triage, status, patient_sort, due_sort, search_terms, closed_at, closed_by, \
     close_reason, close_note, rederive_on)";
const CASE_WIDTH: usize = 26;
const SKIP_TAKEN_REFERENCE: &str = " ON CONFLICT (org_id, reference) DO NOTHING";
pub(crate) const INSERT_PEOPLE: &str = "INSERT INTO people (org_id, case_id, position, key, role, given_name, \
     family_name, birth_date, a_number, citizenship, preferred_language)";
pub(crate) const PERSON_WIDTH: usize = 11;
/// How many imported cases' ids the import's audit entry lists (the count is always there).
const IMPORT_IDS_AUDITED: usize = 1000;
/// One import transaction, with the engine's bulk-load tuning around it; `expected` is how many cases
/// are coming (a lower bound is fine).
fn bulk_import<F: Borrow<CaseFile> + Send>(
    store: &Store,
    org: &OrgId,
    source: impl Iterator<Item = StoreResult<F>> + Send,
    expected: usize,
    (actor, now): (Option<&UserId>, DateTime<Utc>),
) -> StoreResult<Vec<CaseId>> {
    let context = ImportContext { org, sealer: store.sealer(), actor, now, rules: store.rule_set() };
    let engine = store.engine();
    engine.bulk_begin()?;
    let imported = store.write(|tx| {
        if let Some(lift) = engine.lift_statement_timeout() {
            tx.execute_batch(lift)?;
        }
        // The new cases are derived under the policy as it is: none is being changed meanwhile.
        store.lock_row(tx, RowLock::Policy, &[org.as_str().into()])?;
        store.lock_audit_chain(tx, org.as_str())?;
        let deferred = engine.defer_indexes(tx, expected)?;
        let ids = import(tx, &context, source)?;
        for index in &deferred {
            tx.execute(index, &[])?;
        }
        crate::webhooks::cases_created(tx, org, &ids, millis(now))?;
        // One entry per import: the cases' ids up to a bound, so that a bulk load of a whole
        // programme does not write a row, a MAC and an anchor per case.
        let listed: Vec<&str> = ids.iter().take(IMPORT_IDS_AUDITED).map(CaseId::as_str).collect();
        let entry = crate::audit::Entry {
            chain: org.as_str(),
            actor,
            action: "cases.imported",
            target: "cases",
            detail: serde_json::json!({ "count": ids.len(), "cases": listed }),
        };
        crate::audit::append(tx, &store.audit_signer(), entry, now)?;
        Ok(ids)
    });
    engine.bulk_end()?;
    if let Ok(ids) = &imported {
        // The cases are in and committed: statistics not made now are made by the engine's own
        // worker later, so the import does not fail for them.
        if let Err(error) = engine.after_bulk_import(ids.len()) {
            tracing::warn!(%error, "could not vacuum and analyse the tables after an import");
        }
    }
    imported
}

/// Everything an import writes under.
pub(crate) struct ImportContext<'a> {
    pub org: &'a OrgId,
    pub sealer: &'a Sealer,
    pub actor: Option<&'a UserId>,
    pub now: DateTime<Utc>,
    pub rules: &'a Rules,
}

/// Cases written per round of multi-row INSERTs: enough rows per statement to make each count,
/// few enough that the rows waiting in memory stay small.
const IMPORT_CHUNK: usize = 512;

/// Writes whole cases with their derivations in the caller's transaction, as `source` yields them.
/// Deriving a case is pure work and writing it is the database's, so a second thread takes the cases
/// from `source` and derives the next chunk while this one writes the last.
pub(crate) fn import<F: Borrow<CaseFile> + Send>(
    tx: &mut dyn Tx,
    context: &ImportContext,
    source: impl Iterator<Item = StoreResult<F>> + Send,
) -> StoreResult<Vec<CaseId>> {
    // Loading the policy also proves the organisation exists.
    let policy = load_policy(tx, context.org)?;
    let derive = DeriveContext::new(
        today_for(tx, context.org, context.now)?,
        &policy,
        context.rules,
        context.now,
        context.sealer,
    );
    let mut ids = Vec::new();
    std::thread::scope(|scope| {
        // One chunk derived ahead is enough to keep the writer busy.
        let (prepared, ready) = std::sync::mpsc::sync_channel(1);
        let derive = &derive;
        scope.spawn(move || {
            let mut source = source.peekable();
            while source.peek().is_some() {
                let chunk = NewCases::prepare(context, derive, source.by_ref().take(IMPORT_CHUNK));
                let failed = chunk.is_err();
                // A closed channel means the writer stopped on an error: nothing more is wanted.
                if prepared.send(chunk).is_err() || failed {
                    return;
                }
            }
        });
        for cases in ready {
            let mut cases = cases?;
            cases.write(tx, context.org)?;
            ids.append(&mut cases.ids);
        }
        Ok::<(), StoreError>(())
    })?;
    Ok(ids)
}

/// New cases, with their people, events and derivation, as rows ready to be written together.
struct NewCases {
    ids: Vec<CaseId>,
    references: Vec<String>,
    cases: RowBuffer<{ CASE_WIDTH }>,
    people: RowBuffer<{ PERSON_WIDTH }>,
    events: RowBuffer<{ EVENT_WIDTH }>,
    identifiers: RowBuffer<{ IDENTIFIER_WIDTH }>,
    search_words: RowBuffer<{ words::WORD_WIDTH }>,
    notes: RowBuffer<{ NOTE_WIDTH }>,
    contacts: RowBuffer<{ CONTACTS_WIDTH }>,
    /// The optional sections a file may carry: its history and its voided events.
    history: RowBuffer<{ history::HISTORY_WIDTH }>,
    voids: RowBuffer<{ voids::VOID_WIDTH }>,
    derived: DerivedRows,
}

impl NewCases {
    /// Derives each case of `files` and builds its rows; touches no database.
    fn prepare<F: Borrow<CaseFile>>(
        context: &ImportContext,
        derive: &DeriveContext,
        files: impl Iterator<Item = StoreResult<F>>,
    ) -> StoreResult<NewCases> {
        let mut out = NewCases {
            ids: Vec::with_capacity(IMPORT_CHUNK),
            references: Vec::with_capacity(IMPORT_CHUNK),
            cases: RowBuffer::with_suffix(INSERT_CASES, SKIP_TAKEN_REFERENCE),
            people: RowBuffer::new(INSERT_PEOPLE),
            events: RowBuffer::new(INSERT_EVENTS),
            identifiers: RowBuffer::new(INSERT_IDENTIFIERS),
            search_words: RowBuffer::new(words::INSERT_WORDS),
            notes: RowBuffer::new(INSERT_NOTES),
            contacts: RowBuffer::new(INSERT_CONTACTS_HEAD),
            history: RowBuffer::new(history::INSERT_HISTORY),
            voids: RowBuffer::new(voids::INSERT_VOIDS),
            derived: DerivedRows::new(),
        };
        let org = Value::Shared(context.org.as_str().into());
        for file in files {
            let file = file?;
            let file = file.borrow();
            let id = out.add(&org, context, derive, file)?;
            out.ids.push(id);
            out.references.push(file.case.reference.to_string());
        }
        Ok(out)
    }

    fn add(
        &mut self,
        org: &Value,
        context: &ImportContext,
        derive: &DeriveContext,
        file: &CaseFile,
    ) -> StoreResult<CaseId> {
        let now = derive.now_ms;
        let id = CaseId::generate();
        let case = Value::Shared(id.as_str().into());
        let (sealer, org_id) = (context.sealer, context.org.as_str());
        let medical = rows::medical_to_json(&file.case.medical)?;
        // Derivation leaves voided events out.
        let live = file.in_force();
        let live = live.as_ref();
        // A new case has no assignments yet, so no attorney.
        let derived = derivation::rows::derive_rows(live, derive.today, derive.policy, derive.rules, false)?;
        let t = derived.triage;
        let closure = file.extensions.closure.as_ref();
        for row in words::word_rows(org, &case, &derived.list.search_terms) {
            self.search_words.push(row);
        }
        self.cases.push([
            org.clone(),
            case.clone(),
            file.case.reference.as_str().into(),
            file.case.program.as_str().into(),
            1i64.into(),
            sealer.seal_opt(Field::CaseMedical, org_id, id.as_str(), medical.as_deref())?.into(),
            now.into(),
            now.into(),
            derived.covered_until.into(),
            derived.derived_on.into(),
            t.score.into(),
            t.critical_care.into(),
            t.is_open.into(),
            t.next_due.into(),
            t.next_kind.into(),
            t.class_of_admission.into(),
            reasons::seal_triage(sealer, (org_id, id.as_str()), t.scored_on, &t.components)?.into(),
            derived.list.status.into(),
            derived.list.patient_sort.into(),
            derived.list.due_sort.into(),
            derived.list.search_terms.into(),
            closure.map(|c| millis(c.closed_at)).into(),
            // A closure read from a file is recorded as closed by whoever imports it.
            closure.and(context.actor.map(UserId::as_str)).into(),
            closure.map(|c| c.reason.as_str()).into(),
            sealer
                .seal_opt(Field::CaseCloseNote, org_id, id.as_str(), closure.and_then(|c| c.note.as_deref()))?
                .into(),
            derived.rederive_on.into(),
        ]);
        for (position, person) in file.case.people.iter().enumerate() {
            self.people.push(person_values(sealer, (org, &case), (org_id, id.as_str()), person, position)?);
        }
        for (index, event) in file.events.iter().enumerate() {
            let seq = index as i64 + 1;
            let body = seal_event_body(sealer, (org_id, id.as_str()), event, seq)?;
            self.events.push(event_values((org, &case), event, (seq, body), now, context.actor)?);
        }
        for void in &file.extensions.voids {
            self.voids.push(voids::void_values(sealer, (org_id, id.as_str()), void)?);
        }
        for (seq, entry) in (1..).zip(&file.extensions.history) {
            self.history.push(history::history_values(sealer, (org_id, id.as_str()), seq, entry)?);
        }
        let key_id: Value = sealer.current_key_id().to_string().into();
        let people = file.case.people.iter().filter_map(person_identifiers);
        for (kind, value) in people.chain(file.events.iter().flat_map(event_identifiers)) {
            self.identifiers.push([
                org.clone(),
                case.clone(),
                kind.as_str().into(),
                sealer.blind(kind, value).into(),
                key_id.clone(),
            ]);
        }
        // A file's notes keep their numbers, times and authors' names; who wrote them is not known
        // here (the writer's id belongs to the organisation the file came from).
        for note in &file.extensions.notes {
            self.notes.push(note_values(sealer, (org_id, id.as_str()), note, None)?);
        }
        if let Some(contacts) = file.extensions.contacts.as_ref().filter(|c| !c.is_empty()) {
            let by = context.actor.map(UserId::as_str);
            self.contacts.push(contacts_values(sealer, (org_id, id.as_str()), contacts, context.now, by)?);
        }
        self.derived.add_deadlines(org, &case, derived.deadlines);
        // A case imported closed opens no escalation (as a closed case derives none).
        let open =
            if closure.is_none() { plan_escalations(live, derive.plan(), &[]).open } else { Vec::new() };
        // A new case has nobody assigned, so nobody to notify of what it opens.
        let sealing = (sealer, org_id);
        escalations::queue_escalations(&mut self.derived, (org, &case), sealing, open, &[], now)?;
        Ok(id)
    }

    /// Writes the rows: the cases first, so that a reference already taken is found before anything
    /// refers to the case.
    fn write(&mut self, tx: &mut dyn Tx, org: &OrgId) -> StoreResult<()> {
        let written = self.cases.flush(tx)?;
        if written != self.ids.len() as u64 {
            return Err(taken_reference(tx, org, &self.references, &self.ids)?);
        }
        self.people.flush(tx)?;
        self.events.flush(tx)?;
        self.voids.flush(tx)?;
        self.history.flush(tx)?;
        self.identifiers.flush(tx)?;
        self.search_words.flush(tx)?;
        self.notes.flush(tx)?;
        self.contacts.flush(tx)?;
        self.derived.flush(tx)?;
        Ok(())
    }
}

/// The error for the first of `references` that belongs to another case than the one just created
/// for it (already stored, or earlier in the same import).
fn taken_reference(
    tx: &mut dyn Tx,
    org: &OrgId,
    references: &[String],
    ids: &[CaseId],
) -> StoreResult<StoreError> {
    for (reference, id) in references.iter().zip(ids) {
        let stored =
            tx.query_opt(SELECT_CASE_ID_BY_REFERENCE, &[org.as_str().into(), reference.as_str().into()])?;
        if stored.map(|r| r.text(0)).transpose()?.as_deref() != Some(id.as_str()) {
            return Ok(StoreError::Duplicate(format!("a case with reference {reference} already exists")));
        }
    }
    Ok(StoreError::Backend("fewer cases were written than were imported".into()))
}

/// A person's row, with the birth date and A-number sealed.
pub(crate) fn person_values(
    sealer: &Sealer,
    (org, case): (&Value, &Value),
    (org_id, case_id): (&str, &str),
    person: &Person,
    position: usize,
) -> StoreResult<[Value; PERSON_WIDTH]> {
    let p = rows::person_row(person, position);
    let row_id = seal::person_row(case_id, p.position);
    let birth_date = sealer.seal_opt(Field::PersonBirthDate, org_id, &row_id, p.birth_date.as_deref())?;
    let a_number = sealer.seal_opt(Field::PersonANumber, org_id, &row_id, p.a_number.as_deref())?;
    Ok([
        org.clone(),
        case.clone(),
        p.position.into(),
        p.key.into(),
        p.role.into(),
        p.given_name.into(),
        p.family_name.into(),
        birth_date.into(),
        a_number.into(),
        p.citizenship.into(),
        p.preferred_language.into(),
    ])
}

impl Store {
    /// Writes whole cases, all or nothing, with their derived deadlines: one refused case (a reference
    /// already taken, say) leaves the database as it was.
    pub fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        bulk_import(self, org, files.iter().map(Ok), files.len(), (actor, now))
    }

    /// The same, taking the cases as `source` yields them, so that reading and checking the files
    /// overlaps with writing them. An error from `source` stops the import, which then writes
    /// nothing and returns that error.
    pub fn import_stream(
        &self,
        org: &OrgId,
        source: &mut CaseSource<'_>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        let expected = source.size_hint().0;
        bulk_import(self, org, source, expected, (actor, now))
    }
}
