//! Everything the store does with the same SQL on every backend, written once against [`Tx`]. The
//! backends keep only what differs: pooling, how a write transaction starts, row locks, migrations.

use amparo_domain::{CaseFile, Event, Language, Person, Policy};
use std::borrow::Borrow;

use chrono::{DateTime, Utc};

use crate::db::{DbFailure, Row, RowBuffer, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::records::{self, CaseRow, DeriveContext, PersonRow, UserRow, from_millis, millis};
use crate::seal::{self, Field, IdentifierKind, Sealer};
use crate::{Rules, sql, triage};

fn org_and(org: &OrgId, id: &str) -> [Value; 2] {
    [org.as_str().into(), id.into()]
}

pub fn create_organisation(
    tx: &mut dyn Tx,
    new: &NewOrganisation,
    now: DateTime<Utc>,
) -> StoreResult<Organisation> {
    let org = Organisation {
        id: OrgId::generate(),
        slug: new.slug.clone(),
        name: new.name.clone(),
        created_at: now,
    };
    let params =
        [org.id.as_str().into(), org.slug.as_str().into(), org.name.as_str().into(), millis(now).into()];
    match tx.execute(sql::INSERT_ORGANISATION, &params) {
        Err(DbFailure::UniqueViolation) => {
            Err(StoreError::Duplicate(format!("an organisation with slug {} already exists", new.slug)))
        }
        other => other.map(|_| org).map_err(Into::into),
    }
}

pub fn organisations(tx: &mut dyn Tx) -> StoreResult<Vec<Organisation>> {
    tx.query(sql::SELECT_ORGANISATIONS, &[])?
        .iter()
        .map(|r| {
            Ok(Organisation {
                id: OrgId(r.text(0)?),
                slug: r.text(1)?,
                name: r.text(2)?,
                created_at: from_millis(r.int(3)?),
            })
        })
        .collect()
}

fn user_row(r: &Row) -> StoreResult<UserRow> {
    Ok(UserRow {
        id: r.text(0)?,
        org_id: r.text(1)?,
        email: r.text(2)?,
        display_name: r.text(3)?,
        role: r.text(4)?,
        language: r.text(5)?,
        created_at: r.int(6)?,
    })
}

pub fn create_user(tx: &mut dyn Tx, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
    let id = UserId::generate();
    let params = [
        org.as_str().into(),
        id.as_str().into(),
        new.email.as_str().into(),
        new.display_name.as_str().into(),
        new.role.as_str().into(),
        new.language.as_str().into(),
        new.password_hash.as_str().into(),
        millis(now).into(),
    ];
    match tx.execute(sql::INSERT_USER, &params) {
        Err(DbFailure::UniqueViolation) => {
            return Err(StoreError::Duplicate(format!("a user with email {} already exists", new.email)));
        }
        Err(DbFailure::ForeignKeyViolation) => return Err(StoreError::NotFound("organisation".into())),
        other => other?,
    };
    user(tx, org, &id)?.ok_or_else(|| StoreError::NotFound("user".into()))
}

pub fn user(tx: &mut dyn Tx, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
    tx.query_opt(&sql::select_user(), &org_and(org, id.as_str()))?
        .map(|r| user_row(&r)?.into_user())
        .transpose()
}

pub fn users(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<User>> {
    tx.query(&sql::select_users(), &[org.as_str().into()])?.iter().map(|r| user_row(r)?.into_user()).collect()
}

pub fn credentials_by_email(tx: &mut dyn Tx, email: &str) -> StoreResult<Option<Credentials>> {
    tx.query_opt(&sql::select_credentials(), &[email.into()])?
        .map(|r| {
            Ok(Credentials {
                user: user_row(&r)?.into_user()?,
                password_hash: r.text(7)?,
                second_factor: r.int(8)? > 0,
                org_requires_second_factor: r.int(9)? != 0,
            })
        })
        .transpose()
}

pub fn set_password(tx: &mut dyn Tx, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
    let changed =
        tx.execute(sql::UPDATE_PASSWORD, &[org.as_str().into(), id.as_str().into(), password_hash.into()])?;
    if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
}

/// The language a user reads the interface in.
pub fn set_user_language(tx: &mut dyn Tx, org: &OrgId, id: &UserId, language: Language) -> StoreResult<()> {
    let changed = tx.execute(
        sql::UPDATE_USER_LANGUAGE,
        &[org.as_str().into(), id.as_str().into(), language.as_str().into()],
    )?;
    if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
}

pub fn create_session(tx: &mut dyn Tx, s: &SessionRecord) -> StoreResult<()> {
    tx.execute(
        sql::INSERT_SESSION,
        &[
            s.token_hash.as_str().into(),
            s.org_id.as_str().into(),
            s.user_id.as_str().into(),
            s.csrf_token.as_str().into(),
            millis(s.created_at).into(),
            millis(s.last_seen_at).into(),
            s.stage.as_str().into(),
        ],
    )?;
    Ok(())
}

pub fn session(tx: &mut dyn Tx, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
    tx.query_opt(sql::SELECT_SESSION, &[token_hash.into()])?
        .map(|r| {
            Ok(SessionRecord {
                token_hash: r.text(0)?,
                org_id: OrgId(r.text(1)?),
                user_id: UserId(r.text(2)?),
                csrf_token: r.text(3)?,
                created_at: from_millis(r.int(4)?),
                last_seen_at: from_millis(r.int(5)?),
                stage: {
                    let stage = r.text(6)?;
                    SessionStage::parse(&stage)
                        .ok_or_else(|| StoreError::Backend(format!("unknown session stage {stage:?}")))?
                },
            })
        })
        .transpose()
}

pub fn touch_session(tx: &mut dyn Tx, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    tx.execute(sql::TOUCH_SESSION, &[token_hash.into(), millis(now).into()])?;
    Ok(())
}

pub fn delete_session(tx: &mut dyn Tx, token_hash: &str) -> StoreResult<()> {
    tx.execute(sql::DELETE_SESSION, &[token_hash.into()])?;
    Ok(())
}

pub fn load_policy(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Policy> {
    let row = tx.query_opt(sql::SELECT_POLICY, &[org.as_str().into()])?;
    let settings = row.ok_or_else(|| StoreError::NotFound("organisation".into()))?.text(0)?;
    records::policy_from_json(&settings)
}

/// Replaces the policy and re-derives every case under it.
pub fn set_policy(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    policy: &Policy,
    rules: &Rules,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let before = load_policy(tx, org)?;
    let settings = serde_json::to_string(policy)?;
    if tx.execute(sql::UPDATE_POLICY, &[org.as_str().into(), settings.into()])? != 1 {
        return Err(StoreError::NotFound("organisation".into()));
    }
    let entry = crate::audit::Entry {
        chain: org.as_str(),
        actor: None,
        action: "policy.changed",
        target: org.as_str(),
        detail: serde_json::json!({ "before": before, "after": policy }),
    };
    crate::audit::append(tx, entry, now)?;
    tx.execute(sql::INVALIDATE_DERIVED, &[org.as_str().into()])?;
    let context = DeriveContext::new(records::legal_today(now), policy, rules, now);
    refresh_stale(tx, sealer, org, &context, i64::MAX)
}

/// Changes (or, with `None`, removes) the organisation's own escalation checklists, reading the
/// current ones in the same transaction. They shape only escalations opened from now on, so nothing
/// is re-derived.
pub fn update_escalation_templates(
    tx: &mut dyn Tx,
    org: &OrgId,
    change: &dyn Fn(
        Option<amparo_domain::EscalationTemplates>,
    ) -> StoreResult<Option<amparo_domain::EscalationTemplates>>,
    actor: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let before = load_policy(tx, org)?;
    let after =
        Policy { escalation_templates: change(before.escalation_templates.clone())?, ..before.clone() };
    let settings = serde_json::to_string(&after)?;
    if tx.execute(sql::UPDATE_POLICY, &[org.as_str().into(), settings.into()])? != 1 {
        return Err(StoreError::NotFound("organisation".into()));
    }
    let id = |p: &Policy| p.escalation_templates.as_ref().map(|t| t.id.clone());
    let entry = crate::audit::Entry {
        chain: org.as_str(),
        actor,
        action: "escalation_templates.changed",
        target: org.as_str(),
        detail: serde_json::json!({ "before": id(&before), "after": id(&after) }),
    };
    crate::audit::append(tx, entry, now)?;
    Ok(())
}

fn case_row(r: &Row) -> StoreResult<CaseRow> {
    Ok(CaseRow {
        id: r.text(0)?,
        org_id: r.text(1)?,
        reference: r.text(2)?,
        program: r.text(3)?,
        version: r.int(4)?,
        medical: r.opt_text(5)?,
        created_at: r.int(6)?,
        updated_at: r.int(7)?,
    })
}

fn assemble(tx: &mut dyn Tx, sealer: &Sealer, row: Option<Row>) -> StoreResult<Option<StoredCase>> {
    let Some(row) = row else { return Ok(None) };
    let mut case = case_row(&row)?;
    let (org, id) = (case.org_id.clone(), case.id.clone());
    case.medical = sealer.open_opt(Field::CaseMedical, &org, &id, case.medical.take())?;
    let key = [org.as_str().into(), id.as_str().into()];
    let people = tx
        .query(sql::SELECT_PEOPLE, &key)?
        .iter()
        .map(|r| {
            let position = r.int(0)?;
            let row_id = seal::person_row(&id, position);
            Ok(PersonRow {
                position,
                key: r.text(1)?,
                role: r.text(2)?,
                given_name: r.text(3)?,
                family_name: r.text(4)?,
                birth_date: sealer.open_opt(Field::PersonBirthDate, &org, &row_id, r.opt_text(5)?)?,
                a_number: sealer.open_opt(Field::PersonANumber, &org, &row_id, r.opt_text(6)?)?,
                citizenship: r.opt_text(7)?,
                preferred_language: r.opt_text(8)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let events = tx
        .query(sql::SELECT_EVENT_BODIES, &key)?
        .iter()
        .map(|r| sealer.open(Field::EventBody, &org, &seal::event_row(&id, r.int(1)?), &r.text(0)?))
        .collect::<StoreResult<Vec<_>>>()?;
    records::assemble_case(case, people, events).map(Some)
}

pub fn case(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&sql::select_case(), &org_and(org, id.as_str()))?;
    assemble(tx, sealer, row)
}

pub fn case_by_reference(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    reference: &str,
) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&sql::select_case_by_reference(), &org_and(org, reference))?;
    assemble(tx, sealer, row)
}

/// Records the blind indexes of a case's identifiers, so exact search finds the case without the
/// identifiers being stored in clear.
fn index_identifiers<'a>(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    identifiers: impl IntoIterator<Item = (IdentifierKind, &'a str)>,
) -> StoreResult<()> {
    let key_id = sealer.current_key_id().to_string();
    for (kind, value) in identifiers {
        tx.execute(
            sql::INSERT_IDENTIFIER,
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
pub fn index_case_identifiers(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
) -> StoreResult<()> {
    let people = file.case.people.iter().filter_map(person_identifiers);
    let events = file.events.iter().flat_map(event_identifiers);
    index_identifiers(tx, sealer, (org, case), people.chain(events))
}

fn person_identifiers(person: &amparo_domain::Person) -> Option<(IdentifierKind, &str)> {
    person.a_number.as_ref().map(|a| (IdentifierKind::ANumber, a.as_str()))
}

fn event_identifiers(event: &Event) -> Vec<(IdentifierKind, &str)> {
    use amparo_domain::EventKind;
    match &event.kind {
        EventKind::ParoleRequested { receipt_number: Some(r) }
        | EventKind::ReParoleFiled { receipt_number: Some(r) }
        | EventKind::EadFiled { receipt_number: Some(r) } => vec![(IdentifierKind::Receipt, r.as_str())],
        EventKind::ParoleGranted { i94_number: Some(i), .. } => vec![(IdentifierKind::I94, i.as_str())],
        _ => Vec::new(),
    }
}

/// Everything an import writes under.
pub struct ImportContext<'a> {
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
pub fn import<F: Borrow<CaseFile> + Send>(
    tx: &mut dyn Tx,
    context: &ImportContext,
    source: impl Iterator<Item = StoreResult<F>> + Send,
) -> StoreResult<Vec<CaseId>> {
    // Loading the policy also proves the organisation exists.
    let policy = load_policy(tx, context.org)?;
    let derive = DeriveContext::new(records::legal_today(context.now), &policy, context.rules, context.now);
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
    cases: RowBuffer<{ sql::CASE_WIDTH }>,
    people: RowBuffer<{ sql::PERSON_WIDTH }>,
    events: RowBuffer<{ sql::EVENT_WIDTH }>,
    identifiers: RowBuffer<{ sql::IDENTIFIER_WIDTH }>,
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
            cases: RowBuffer::with_suffix(sql::INSERT_CASES, sql::SKIP_TAKEN_REFERENCE),
            people: RowBuffer::new(sql::INSERT_PEOPLE),
            events: RowBuffer::new(sql::INSERT_EVENTS),
            identifiers: RowBuffer::new(sql::INSERT_IDENTIFIERS),
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
        let medical = records::medical_to_json(&file.case.medical)?;
        // A new case has no assignments yet, so no attorney.
        let derived = records::derive_rows(file, derive.today, derive.policy, derive.rules, false)?;
        let t = derived.triage;
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
            t.reasons.into(),
            derived.list.status.into(),
            derived.list.patient_sort.into(),
            derived.list.due_sort.into(),
            derived.list.search_terms.into(),
        ]);
        for (position, person) in file.case.people.iter().enumerate() {
            self.people.push(person_values(sealer, (org, &case), (org_id, id.as_str()), person, position)?);
        }
        for (index, event) in file.events.iter().enumerate() {
            let seq = index as i64 + 1;
            let body = seal_event_body(sealer, (org_id, id.as_str()), event, seq)?;
            self.events.push(event_values((org, &case), event, (seq, body), now, context.actor)?);
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
        self.derived.add_deadlines(org, &case, derived.deadlines);
        let plan = records::plan_escalations(file, derive, &[])?;
        // A new case has nobody assigned, so nobody to notify of what it opens.
        triage::queue_escalations(&mut self.derived, (org, &case), plan.open, &[], now);
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
        self.identifiers.flush(tx)?;
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
        let stored = tx.query_opt(sql::SELECT_CASE_ID_BY_REFERENCE, &org_and(org, reference))?;
        if stored.map(|r| r.text(0)).transpose()?.as_deref() != Some(id.as_str()) {
            return Ok(StoreError::Duplicate(format!("a case with reference {reference} already exists")));
        }
    }
    Ok(StoreError::Backend("fewer cases were written than were imported".into()))
}

/// A person's row, with the birth date and A-number sealed.
fn person_values(
    sealer: &Sealer,
    (org, case): (&Value, &Value),
    (org_id, case_id): (&str, &str),
    person: &Person,
    position: usize,
) -> StoreResult<[Value; sql::PERSON_WIDTH]> {
    let p = records::person_row(person, position);
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

/// An event's body as stored: its JSON, sealed.
fn seal_event_body(
    sealer: &Sealer,
    (org_id, case_id): (&str, &str),
    event: &Event,
    seq: i64,
) -> StoreResult<String> {
    let body = serde_json::to_string(event)?;
    sealer.seal(Field::EventBody, org_id, &seal::event_row(case_id, seq), &body)
}

/// An event's row; `body` is the sealed body (see [`seal_event_body`]).
fn event_values(
    (org, case): (&Value, &Value),
    event: &Event,
    (seq, body): (i64, String),
    now_ms: i64,
    actor: Option<&UserId>,
) -> StoreResult<[Value; sql::EVENT_WIDTH]> {
    Ok([
        org.clone(),
        case.clone(),
        seq.into(),
        event.id.clone().into(),
        event.kind.type_name().into(),
        event.on.to_string().into(),
        body.into(),
        now_ms.into(),
        actor.map(UserId::as_str).into(),
    ])
}

/// Derived rows of one or more cases waiting to be written: deadlines, and the escalations and
/// checklist tasks a derivation opens.
pub struct DerivedRows {
    deadlines: RowBuffer<{ sql::DEADLINE_WIDTH }>,
    pub escalations: RowBuffer<{ sql::ESCALATION_WIDTH }>,
    pub tasks: RowBuffer<{ sql::TASK_WIDTH }>,
}

impl DerivedRows {
    pub fn new() -> Self {
        DerivedRows {
            deadlines: RowBuffer::new(sql::INSERT_DEADLINES),
            escalations: RowBuffer::new(sql::INSERT_ESCALATIONS),
            tasks: RowBuffer::new(sql::INSERT_TASKS),
        }
    }

    fn add_deadlines(&mut self, org: &Value, case: &Value, deadlines: Vec<records::DeadlineRow>) {
        for d in deadlines {
            self.deadlines.push([
                org.clone(),
                case.clone(),
                d.position.into(),
                d.kind.into(),
                d.person.into(),
                d.due.into(),
                d.window_opens.into(),
                d.rule.into(),
                d.why_variant.into(),
                d.why_facts.into(),
            ]);
        }
    }

    pub fn flush(&mut self, tx: &mut dyn Tx) -> StoreResult<()> {
        self.deadlines.flush(tx)?;
        self.escalations.flush(tx)?;
        self.tasks.flush(tx)?;
        Ok(())
    }
}

fn insert_event(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    event: &Event,
    seq: i64,
    now_ms: i64,
    actor: Option<&UserId>,
) -> StoreResult<()> {
    let body = seal_event_body(sealer, (org.as_str(), case.as_str()), event, seq)?;
    let key = (&Value::from(org.as_str()), &Value::from(case.as_str()));
    tx.execute(sql::INSERT_EVENT, &event_values(key, event, (seq, body), now_ms, actor)?)?;
    index_identifiers(tx, sealer, (org, case), event_identifiers(event))
}

/// Appends one event if the case is at `expected_version`, and refreshes its derivation. The caller
/// holds whatever lock its backend needs on the case for the whole transaction.
pub fn append_event(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    expected_version: i64,
    event: &Event,
    actor: Option<&UserId>,
    (now, rules): (DateTime<Utc>, &Rules),
) -> StoreResult<i64> {
    let mut stored = self::case(tx, sealer, org, case)?.ok_or_else(|| StoreError::NotFound("case".into()))?;
    if stored.version != expected_version {
        return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
    }
    let keys: Vec<String> = stored.file.case.people.iter().map(|p| p.key.clone()).collect();
    let ids: Vec<String> = stored.file.events.iter().filter_map(|e| e.id.clone()).collect();
    records::check_new_event(&keys, &ids, event)?;
    insert_event(tx, sealer, (org, case), event, stored.file.events.len() as i64 + 1, millis(now), actor)?;
    let bumped = tx.execute(
        sql::BUMP_CASE_VERSION,
        &[org.as_str().into(), case.as_str().into(), expected_version.into(), millis(now).into()],
    )?;
    if bumped != 1 {
        return Err(StoreError::Backend(format!("case version bump touched {bumped} rows")));
    }
    stored.file.events.push(event.clone());
    let policy = load_policy(tx, org)?;
    let context = DeriveContext::new(records::legal_today(now), &policy, rules, now);
    write_derivation(tx, (org, case), &stored.file, &context)?;
    Ok(expected_version + 1)
}

/// Replaces a case's stored derivation (deadlines, triage, escalations) with a fresh one.
pub fn write_derivation(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
) -> StoreResult<()> {
    let key = org_and(org, case.as_str());
    let attorney = triage::attorney_assigned(tx, org, case)?;
    let derived = records::derive_rows(file, context.today, context.policy, context.rules, attorney)?;
    tx.execute(sql::DELETE_DEADLINES, &key)?;
    let mut rows = DerivedRows::new();
    rows.add_deadlines(&key[0], &key[1], derived.deadlines);
    let t = derived.triage;
    tx.execute(
        sql::UPDATE_CASE_DERIVED,
        &[
            key[0].clone(),
            key[1].clone(),
            derived.covered_until.into(),
            derived.derived_on.into(),
            t.score.into(),
            t.critical_care.into(),
            t.is_open.into(),
            t.next_due.into(),
            t.next_kind.into(),
            t.class_of_admission.into(),
            t.reasons.into(),
            derived.list.status.into(),
            derived.list.patient_sort.into(),
            derived.list.due_sort.into(),
            derived.list.search_terms.into(),
        ],
    )?;
    triage::sync_escalations(tx, (org, case), file, context, &mut rows)?;
    rows.flush(tx)
}

/// Re-derives up to `limit` of the organisation's stale cases.
pub fn refresh_stale(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    context: &DeriveContext,
    limit: i64,
) -> StoreResult<usize> {
    let stale = tx
        .query(
            sql::SELECT_STALE_CASES,
            &[org.as_str().into(), context.today.to_string().into(), limit.into()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<StoreResult<Vec<_>>>()?;
    for id in &stale {
        if let Some(case) = self::case(tx, sealer, org, &CaseId(id.clone()))? {
            write_derivation(tx, (org, &case.id), &case.file, context)?;
        }
    }
    Ok(stale.len())
}

/// Stored deadlines due in the query's range, their text rendered with `rules` (the rule set the
/// store derives under, so the one every stored deadline was derived with).
pub fn deadlines_due(
    tx: &mut dyn Tx,
    org: &OrgId,
    query: &DeadlineQuery,
    rules: &amparo_domain::RuleSet,
    language: amparo_domain::Language,
) -> StoreResult<Vec<DueDeadline>> {
    let mut params = vec![org.as_str().into(), query.from.to_string().into(), query.to.to_string().into()];
    if let Some(kind) = &query.kind {
        params.push(kind.as_str().into());
    }
    tx.query(&sql::deadlines_due(query.kind.is_some()), &params)?
        .iter()
        .map(|r| {
            let rule = r.text(6)?;
            let text = records::render_deadline(rules, language, &rule, &r.text(7)?, &r.text(8)?)?;
            Ok(DueDeadline {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                kind: r.text(2)?,
                person: r.opt_text(3)?,
                due: records::stored_date(&r.text(4)?)?,
                window_opens: r.opt_text(5)?.as_deref().map(records::stored_date).transpose()?,
                rule,
                basis: text.basis.to_owned(),
                citation: text.citation,
                why: text.why,
            })
        })
        .collect()
}

pub fn upcoming_deadlines(
    tx: &mut dyn Tx,
    org: &OrgId,
    (from, to): (amparo_domain::Date, amparo_domain::Date),
    shared_with: Option<&UserId>,
    (limit, count_up_to): (i64, i64),
) -> StoreResult<UpcomingDeadlines> {
    let mut params: Vec<Value> = vec![org.as_str().into(), from.to_string().into(), to.to_string().into()];
    params.extend(shared_with.map(|u| Value::from(u.as_str())));
    let (list_sql, count_sql, cut_sql) = sql::upcoming_deadlines(shared_with.is_some());
    let mut count_params = params.clone();
    // One more than the cap, so that "more than the cap" can be told from "exactly the cap".
    count_params.push(count_up_to.max(0).saturating_add(1).into());
    let total = tx.query_int(&count_sql, &count_params)?;
    let limit = limit.max(0);
    if limit == 0 || total == 0 {
        return Ok(UpcomingDeadlines { first: Vec::new(), total });
    }
    // The first `limit` lines lie on or before the day of the `limit`th line in due order: the
    // window is narrowed to it (the later days of a large window are never joined nor sorted).
    let mut cut_params = params.clone();
    cut_params.push((limit - 1).into());
    if let Some(cut) = tx.query_opt(&cut_sql, &cut_params)? {
        params[2] = cut.text(0)?.into();
    }
    params.push(limit.into());
    let first = tx
        .query(&list_sql, &params)?
        .iter()
        .map(|r| {
            Ok(UpcomingDeadline {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                kind: r.text(2)?,
                due: records::stored_date(&r.text(3)?)?,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(UpcomingDeadlines { first, total })
}

/// A search term that is a whole identifier, in its canonical form.
pub fn exact_identifier(term: &str) -> Option<(IdentifierKind, String)> {
    use amparo_domain::identifiers::{ANumber, I94Number, ReceiptNumber};
    if let Ok(a) = ANumber::parse(term) {
        return Some((IdentifierKind::ANumber, a.as_str().to_owned()));
    }
    if let Ok(r) = ReceiptNumber::parse(term) {
        return Some((IdentifierKind::Receipt, r.as_str().to_owned()));
    }
    I94Number::parse(term).ok().map(|i| (IdentifierKind::I94, i.as_str().to_owned()))
}

pub fn case_references(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
    tx.query(sql::SELECT_CASE_REFERENCES, &[org.as_str().into()])?
        .iter()
        .map(|r| Ok((CaseId(r.text(0)?), r.text(1)?)))
        .collect()
}

/// Records `rules` as the rules behind stored deadlines, in the installation's audit trail too; on a
/// change, marks every case stale. Returns whether cases were marked. The caller holds the
/// installation chain's lock.
pub fn adopt_rules(tx: &mut dyn Tx, rules: &Rules, now: DateTime<Utc>) -> StoreResult<bool> {
    let fingerprint = rules.fingerprint.as_str();
    let recorded =
        tx.query_opt(sql::SELECT_META, &[crate::RULES_META_KEY.into()])?.map(|r| r.text(0)).transpose()?;
    if recorded.as_deref() == Some(fingerprint) {
        return Ok(false);
    }
    tx.execute(sql::DELETE_META, &[crate::RULES_META_KEY.into()])?;
    tx.execute(sql::INSERT_META, &[crate::RULES_META_KEY.into(), fingerprint.into()])?;
    // The weights of the triage live in the rule set, so this records every change to them.
    let entry = crate::audit::Entry {
        chain: crate::audit::INSTALLATION,
        actor: None,
        action: "rule_set.adopted",
        target: &rules.set.id,
        detail: serde_json::json!({ "fingerprint": fingerprint, "previous": recorded }),
    };
    crate::audit::append(tx, entry, now)?;
    // A database without a record has had no derivations under other rules; nothing to redo.
    if recorded.is_some() {
        tx.execute(sql::INVALIDATE_ALL_DERIVED, &[])?;
    }
    Ok(recorded.is_some())
}
