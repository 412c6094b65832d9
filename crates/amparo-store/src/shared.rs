//! Everything the store does with the same SQL on every backend, written once against [`Tx`]. The
//! backends keep only what differs: pooling, how a write transaction starts, row locks, migrations.

use amparo_domain::{CaseFile, Event, Language, Policy};
use chrono::{DateTime, Utc};

use crate::db::{DbFailure, Row, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::records::{self, CaseRow, DeriveContext, PersonRow, UserRow, from_millis, millis};
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
        .map(|r| Ok(Credentials { user: user_row(&r)?.into_user()?, password_hash: r.text(7)? }))
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
    refresh_stale(tx, org, &context, i64::MAX)
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

fn assemble(tx: &mut dyn Tx, row: Option<Row>) -> StoreResult<Option<StoredCase>> {
    let Some(row) = row else { return Ok(None) };
    let case = case_row(&row)?;
    let key = [case.org_id.as_str().into(), case.id.as_str().into()];
    let people = tx
        .query(sql::SELECT_PEOPLE, &key)?
        .iter()
        .map(|r| {
            Ok(PersonRow {
                position: r.int(0)?,
                key: r.text(1)?,
                role: r.text(2)?,
                given_name: r.text(3)?,
                family_name: r.text(4)?,
                birth_date: r.opt_text(5)?,
                a_number: r.opt_text(6)?,
                citizenship: r.opt_text(7)?,
                preferred_language: r.opt_text(8)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let events = tx
        .query(sql::SELECT_EVENT_BODIES, &key)?
        .iter()
        .map(|r| r.text(0))
        .collect::<StoreResult<Vec<_>>>()?;
    records::assemble_case(case, people, events).map(Some)
}

pub fn case(tx: &mut dyn Tx, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&sql::select_case(), &org_and(org, id.as_str()))?;
    assemble(tx, row)
}

pub fn case_by_reference(tx: &mut dyn Tx, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&sql::select_case_by_reference(), &org_and(org, reference))?;
    assemble(tx, row)
}

/// Everything an import writes under.
pub struct ImportContext<'a> {
    pub org: &'a OrgId,
    pub actor: Option<&'a UserId>,
    pub now: DateTime<Utc>,
    pub rules: &'a Rules,
}

/// Writes whole cases with their derivations in the caller's transaction.
pub fn import(tx: &mut dyn Tx, context: &ImportContext, files: &[CaseFile]) -> StoreResult<Vec<CaseId>> {
    // Loading the policy also proves the organisation exists.
    let policy = load_policy(tx, context.org)?;
    let derive = DeriveContext::new(records::legal_today(context.now), &policy, context.rules, context.now);
    files.iter().map(|file| insert_case(tx, context, &derive, file)).collect()
}

fn insert_case(
    tx: &mut dyn Tx,
    context: &ImportContext,
    derive: &DeriveContext,
    file: &CaseFile,
) -> StoreResult<CaseId> {
    let (org, now) = (context.org, derive.now_ms);
    let id = CaseId::generate();
    let reference = file.case.reference.as_str();
    let params = [
        org.as_str().into(),
        id.as_str().into(),
        reference.into(),
        file.case.program.as_str().into(),
        1i64.into(),
        records::medical_to_json(&file.case.medical)?.into(),
        now.into(),
        now.into(),
    ];
    match tx.execute(sql::INSERT_CASE, &params) {
        Err(DbFailure::UniqueViolation) => {
            return Err(StoreError::Duplicate(format!("a case with reference {reference} already exists")));
        }
        other => other?,
    };
    for (position, person) in file.case.people.iter().enumerate() {
        let p = records::person_row(person, position);
        tx.execute(
            sql::INSERT_PERSON,
            &[
                org.as_str().into(),
                id.as_str().into(),
                p.position.into(),
                p.key.into(),
                p.role.into(),
                p.given_name.into(),
                p.family_name.into(),
                p.birth_date.into(),
                p.a_number.into(),
                p.citizenship.into(),
                p.preferred_language.into(),
            ],
        )?;
    }
    for (index, event) in file.events.iter().enumerate() {
        insert_event(tx, (org, &id), event, index as i64 + 1, now, context.actor)?;
    }
    write_derivation(tx, (org, &id), file, derive, false)?;
    Ok(id)
}

fn insert_event(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    event: &Event,
    seq: i64,
    now_ms: i64,
    actor: Option<&UserId>,
) -> StoreResult<()> {
    let e = records::event_row(event, seq)?;
    tx.execute(
        sql::INSERT_EVENT,
        &[
            org.as_str().into(),
            case.as_str().into(),
            e.seq.into(),
            e.event_id.into(),
            e.event_type.into(),
            e.on_date.into(),
            e.body.into(),
            now_ms.into(),
            actor.map(UserId::as_str).into(),
        ],
    )?;
    Ok(())
}

/// Appends one event if the case is at `expected_version`, and refreshes its derivation. The caller
/// holds whatever lock its backend needs on the case for the whole transaction.
pub fn append_event(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    expected_version: i64,
    event: &Event,
    actor: Option<&UserId>,
    (now, rules): (DateTime<Utc>, &Rules),
) -> StoreResult<i64> {
    let mut stored = self::case(tx, org, case)?.ok_or_else(|| StoreError::NotFound("case".into()))?;
    if stored.version != expected_version {
        return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
    }
    let keys: Vec<String> = stored.file.case.people.iter().map(|p| p.key.clone()).collect();
    let ids: Vec<String> = stored.file.events.iter().filter_map(|e| e.id.clone()).collect();
    records::check_new_event(&keys, &ids, event)?;
    insert_event(tx, (org, case), event, stored.file.events.len() as i64 + 1, millis(now), actor)?;
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
    write_derivation(tx, (org, case), &stored.file, &context, true)?;
    Ok(expected_version + 1)
}

/// Replaces a case's stored derivation (deadlines, triage, escalations) with a fresh one.
/// `replacing` is false for a case being created, which has nothing stored yet.
pub fn write_derivation(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    replacing: bool,
) -> StoreResult<()> {
    let key = org_and(org, case.as_str());
    let attorney = replacing && triage::attorney_assigned(tx, org, case)?;
    let derived = records::derive_rows(file, context.today, context.policy, context.rules, attorney)?;
    if replacing {
        tx.execute(sql::DELETE_DEADLINES, &key)?;
    }
    for d in derived.deadlines {
        tx.execute(
            sql::INSERT_DEADLINE,
            &[
                key[0].clone(),
                key[1].clone(),
                d.position.into(),
                d.kind.into(),
                d.person.into(),
                d.due.into(),
                d.window_opens.into(),
                d.rule.into(),
                d.basis.into(),
                d.citation.into(),
                d.why.into(),
            ],
        )?;
    }
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
        ],
    )?;
    triage::sync_escalations(tx, (org, case), file, context, replacing)
}

/// Re-derives up to `limit` of the organisation's stale cases.
pub fn refresh_stale(
    tx: &mut dyn Tx,
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
        if let Some(case) = self::case(tx, org, &CaseId(id.clone()))? {
            write_derivation(tx, (org, &case.id), &case.file, context, true)?;
        }
    }
    Ok(stale.len())
}

pub fn deadlines_due(tx: &mut dyn Tx, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
    let mut params = vec![org.as_str().into(), query.from.to_string().into(), query.to.to_string().into()];
    if let Some(kind) = &query.kind {
        params.push(kind.as_str().into());
    }
    tx.query(&sql::deadlines_due(query.kind.is_some()), &params)?
        .iter()
        .map(|r| {
            Ok(DueDeadline {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                kind: r.text(2)?,
                person: r.opt_text(3)?,
                due: records::stored_date(&r.text(4)?)?,
                window_opens: r.opt_text(5)?.as_deref().map(records::stored_date).transpose()?,
                rule: r.text(6)?,
                basis: r.text(7)?,
                citation: r.text(8)?,
                why: r.text(9)?,
            })
        })
        .collect()
}

pub fn list_cases(tx: &mut dyn Tx, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
    let search = query.search.as_deref().filter(|s| !s.trim().is_empty()).map(sql::search_pattern);
    let (list_sql, count_sql) = sql::list_cases(search.is_some());
    let mut params: Vec<Value> = vec![org.as_str().into()];
    params.extend(search.map(Value::from));
    let total = tx.query_int(&count_sql, &params)?;
    params.extend([query.limit.into(), query.offset.into()]);
    let cases = tx
        .query(&list_sql, &params)?
        .iter()
        .map(|r| {
            let program = r.text(2)?;
            Ok(CaseSummary {
                id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                program: amparo_domain::Program::parse(&program).ok_or_else(|| {
                    StoreError::Backend(format!("stored program is not valid: {program:?}"))
                })?,
                version: r.int(3)?,
                updated_at: from_millis(r.int(4)?),
                patient_name: format!("{} {}", r.text(5)?, r.text(6)?),
                people: r.int(7)?,
                critical_care: r.int(8)? != 0,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(CasePage { cases, total })
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
