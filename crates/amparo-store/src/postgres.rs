//! PostgreSQL, for deployments that outgrow one machine. Same SQL as SQLite where it can be; the
//! differences (row locks with `FOR UPDATE`, advisory locks around migrations, error codes) live here.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Policy, RuleSet};
use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, NoTls, Row, Transaction};

use crate::db::PgTx;
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::model::*;
use crate::records::{self, CaseRow, DeriveContext, PersonRow, UserRow, millis};
use crate::triage;
use crate::{Backend, RULES_META_KEY, Rules, Store, sql};

const POOL_SIZE: u32 = 8;
/// Cases re-derived per transaction by a refresh.
const REFRESH_BATCH: i64 = 500;
/// Serialises concurrent `migrate` runs from several processes (an arbitrary, fixed number).
const MIGRATION_LOCK: i64 = 0x616d_7061_726f;

struct Manager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Client;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Client, postgres::Error> {
        self.config.connect(NoTls)
    }

    fn is_valid(&self, client: &mut Client) -> Result<(), postgres::Error> {
        client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, client: &mut Client) -> bool {
        client.is_closed()
    }
}

pub struct PgStore {
    pool: r2d2::Pool<Manager>,
    rules: Rules,
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names. Server settings ride in the URL as libpq
    /// does it, e.g. `?options=-c%20search_path%3Dtenant_a` to work inside one schema.
    pub fn open(url: &str) -> StoreResult<PgStore> {
        let config: postgres::Config =
            url.parse().map_err(|e| StoreError::Backend(format!("not a usable PostgreSQL URL: {e}")))?;
        let manager = Manager { config };
        // Connect once up front so that a wrong URL fails now, with the server's reason.
        r2d2::ManageConnection::connect(&manager)
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        let pool = r2d2::Pool::builder().max_size(POOL_SIZE).min_idle(Some(1)).build(manager)?;
        Ok(PgStore { pool, rules: Rules::builtin()? })
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> PgStore {
        self.rules = rules;
        self
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }
}

fn sql_state(error: &postgres::Error) -> Option<&SqlState> {
    error.as_db_error().map(|db| db.code())
}

fn is_unique_violation(error: &postgres::Error) -> bool {
    sql_state(error) == Some(&SqlState::UNIQUE_VIOLATION)
}

fn user_row(row: &Row) -> Result<UserRow, postgres::Error> {
    Ok(UserRow {
        id: row.try_get(0)?,
        org_id: row.try_get(1)?,
        email: row.try_get(2)?,
        display_name: row.try_get(3)?,
        role: row.try_get(4)?,
        language: row.try_get(5)?,
        created_at: row.try_get(6)?,
    })
}

fn case_row(row: &Row) -> Result<CaseRow, postgres::Error> {
    Ok(CaseRow {
        id: row.try_get(0)?,
        org_id: row.try_get(1)?,
        reference: row.try_get(2)?,
        program: row.try_get(3)?,
        version: row.try_get(4)?,
        medical: row.try_get(5)?,
        created_at: row.try_get(6)?,
        updated_at: row.try_get(7)?,
    })
}

fn person_row(row: &Row) -> Result<PersonRow, postgres::Error> {
    Ok(PersonRow {
        position: row.try_get(0)?,
        key: row.try_get(1)?,
        role: row.try_get(2)?,
        given_name: row.try_get(3)?,
        family_name: row.try_get(4)?,
        birth_date: row.try_get(5)?,
        a_number: row.try_get(6)?,
        citizenship: row.try_get(7)?,
        preferred_language: row.try_get(8)?,
    })
}

fn load_case<C: GenericClient>(client: &mut C, case: Option<CaseRow>) -> StoreResult<Option<StoredCase>> {
    let Some(case) = case else { return Ok(None) };
    let people = client
        .query(sql::SELECT_PEOPLE, &[&case.org_id, &case.id])?
        .iter()
        .map(person_row)
        .collect::<Result<Vec<_>, _>>()?;
    let events = client
        .query(sql::SELECT_EVENT_BODIES, &[&case.org_id, &case.id])?
        .iter()
        .map(|r| r.try_get::<_, String>(0))
        .collect::<Result<Vec<_>, _>>()?;
    records::assemble_case(case, people, events).map(Some)
}

fn load_policy<C: GenericClient>(client: &mut C, org: &OrgId) -> StoreResult<Policy> {
    let settings: String = client
        .query_opt(sql::SELECT_POLICY, &[&org.as_str()])?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?
        .try_get(0)?;
    records::policy_from_json(&settings)
}

/// Replaces a case's stored derivation (deadlines, triage, escalations) with a fresh one.
fn write_derivation(
    tx: &mut Transaction,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    replacing: bool,
) -> StoreResult<()> {
    let attorney = replacing && triage::attorney_assigned(&mut PgTx(tx), org, case)?;
    let derived = records::derive_rows(file, context.today, context.policy, context.rules, attorney)?;
    let (org_id, case_id) = (org.as_str(), case.as_str());
    if replacing {
        tx.execute(sql::DELETE_DEADLINES, &[&org_id, &case_id])?;
    }
    let insert = tx.prepare(sql::INSERT_DEADLINE)?;
    for d in &derived.deadlines {
        tx.execute(
            &insert,
            &[
                &org_id,
                &case_id,
                &d.position,
                &d.kind,
                &d.person,
                &d.due,
                &d.window_opens,
                &d.rule,
                &d.basis,
                &d.citation,
                &d.why,
            ],
        )?;
    }
    let t = &derived.triage;
    tx.execute(
        sql::UPDATE_CASE_DERIVED,
        &[
            &org_id,
            &case_id,
            &derived.covered_until,
            &derived.derived_on,
            &t.score,
            &t.critical_care,
            &t.is_open,
            &t.next_due,
            &t.next_kind,
            &t.class_of_admission,
            &t.reasons,
        ],
    )?;
    let basis = (context.today, context.policy, context.rules);
    triage::sync_escalations(&mut PgTx(tx), (org, case), file, basis, context.now_ms, replacing)
}

/// Re-derives up to `limit` of the organisation's stale cases inside the caller's transaction.
fn refresh_stale(
    tx: &mut Transaction,
    org: &OrgId,
    context: &DeriveContext,
    limit: i64,
) -> StoreResult<usize> {
    let stale: Vec<String> = tx
        .query(sql::SELECT_STALE_CASES, &[&org.as_str(), &context.today.to_string(), &limit])?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    for id in &stale {
        let row = tx.query_opt(&sql::select_case(), &[&org.as_str(), id])?;
        let case = row.map(|r| case_row(&r)).transpose()?;
        if let Some(case) = load_case(tx, case)? {
            write_derivation(tx, (org, &case.id), &case.file, context, true)?;
        }
    }
    Ok(stale.len())
}

struct ImportContext<'a> {
    org: &'a OrgId,
    actor: Option<&'a UserId>,
    now: i64,
    today: Date,
    policy: Policy,
    rules: &'a RuleSet,
}

fn insert_case(tx: &mut Transaction, context: &ImportContext, file: &CaseFile) -> StoreResult<CaseId> {
    let (org, actor, now) = (context.org, context.actor, context.now);
    let id = CaseId::generate();
    let reference = file.case.reference.as_str();
    let medical = records::medical_to_json(&file.case.medical)?;
    let program = file.case.program.as_str();
    let inserted = tx.execute(
        sql::INSERT_CASE,
        &[&org.as_str(), &id.as_str(), &reference, &program, &1i64, &medical, &now, &now],
    );
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Duplicate(format!("a case with reference {reference} already exists")));
        }
        other => other?,
    };
    let insert_person = tx.prepare(sql::INSERT_PERSON)?;
    for (position, person) in file.case.people.iter().enumerate() {
        let p = records::person_row(person, position);
        tx.execute(
            &insert_person,
            &[
                &org.as_str(),
                &id.as_str(),
                &p.position,
                &p.key,
                &p.role,
                &p.given_name,
                &p.family_name,
                &p.birth_date,
                &p.a_number,
                &p.citizenship,
                &p.preferred_language,
            ],
        )?;
    }
    let insert_event = tx.prepare(sql::INSERT_EVENT)?;
    let actor = actor.map(UserId::as_str);
    for (index, event) in file.events.iter().enumerate() {
        let e = records::event_row(event, index as i64 + 1)?;
        tx.execute(
            &insert_event,
            &[
                &org.as_str(),
                &id.as_str(),
                &e.seq,
                &e.event_id,
                &e.event_type,
                &e.on_date,
                &e.body,
                &now,
                &actor,
            ],
        )?;
    }
    let derive =
        DeriveContext { today: context.today, policy: &context.policy, rules: context.rules, now_ms: now };
    write_derivation(tx, (org, &id), file, &derive, false)?;
    Ok(id)
}

impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.simple_query("SELECT 1")?;
        Ok(())
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(migrate::CREATE_MIGRATIONS_TABLE)?;
        let from: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM amparo_migrations", &[])?
            .try_get(0)?;
        let supported = migrate::latest(migrate::POSTGRES);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        let mut applied = Vec::new();
        for migration in migrate::POSTGRES.iter().filter(|m| m.version > from) {
            tx.batch_execute(migration.sql)?;
            tx.execute(
                "INSERT INTO amparo_migrations (version, name, applied_at) \
                 VALUES ($1, $2, (extract(epoch FROM now()) * 1000)::BIGINT)",
                &[&migration.version, &migration.name],
            )?;
            applied.push(format!("{:04}_{}", migration.version, migration.name));
        }
        tx.commit()?;
        Ok(MigrationReport { from, to: from.max(supported), applied })
    }

    fn rules(&self) -> &RuleSet {
        &self.rules.set
    }

    fn adopt_rules(&self) -> StoreResult<bool> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        let recorded: Option<String> =
            tx.query_opt(sql::SELECT_META, &[&RULES_META_KEY])?.map(|r| r.try_get(0)).transpose()?;
        if recorded.as_deref() == Some(self.rules.fingerprint.as_str()) {
            return Ok(false);
        }
        tx.execute(sql::DELETE_META, &[&RULES_META_KEY])?;
        tx.execute(sql::INSERT_META, &[&RULES_META_KEY, &self.rules.fingerprint])?;
        // A database without a record has had no derivations under other rules; nothing to redo.
        if recorded.is_some() {
            tx.execute(sql::INVALIDATE_ALL_DERIVED, &[])?;
        }
        tx.commit()?;
        Ok(recorded.is_some())
    }

    fn create_organisation(&self, new: &NewOrganisation, now: DateTime<Utc>) -> StoreResult<Organisation> {
        let org = Organisation {
            id: OrgId::generate(),
            slug: new.slug.clone(),
            name: new.name.clone(),
            created_at: now,
        };
        let inserted = self
            .conn()?
            .execute(sql::INSERT_ORGANISATION, &[&org.id.as_str(), &org.slug, &org.name, &millis(now)]);
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::Duplicate(format!("an organisation with slug {} already exists", new.slug)))
            }
            other => other.map(|_| org).map_err(Into::into),
        }
    }

    fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        let rows = self.conn()?.query(sql::SELECT_ORGANISATIONS, &[])?;
        rows.iter()
            .map(|r| {
                Ok(Organisation {
                    id: OrgId(r.try_get(0)?),
                    slug: r.try_get(1)?,
                    name: r.try_get(2)?,
                    created_at: records::from_millis(r.try_get(3)?),
                })
            })
            .collect()
    }

    fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        let id = UserId::generate();
        let params: [&(dyn ToSql + Sync); 8] = [
            &org.as_str(),
            &id.as_str(),
            &new.email,
            &new.display_name,
            &new.role.as_str(),
            &new.language.as_str(),
            &new.password_hash,
            &millis(now),
        ];
        match self.conn()?.execute(sql::INSERT_USER, &params) {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate(format!("a user with email {} already exists", new.email)));
            }
            Err(e) if sql_state(&e) == Some(&SqlState::FOREIGN_KEY_VIOLATION) => {
                return Err(StoreError::NotFound("organisation".into()));
            }
            other => other?,
        };
        self.user(org, &id)?.ok_or_else(|| StoreError::NotFound("user".into()))
    }

    fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
        let row = self.conn()?.query_opt(&sql::select_user(), &[&org.as_str(), &id.as_str()])?;
        row.map(|r| user_row(&r)?.into_user()).transpose()
    }

    fn users(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        let rows = self.conn()?.query(&sql::select_users(), &[&org.as_str()])?;
        rows.iter().map(|r| user_row(r)?.into_user()).collect()
    }

    fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>> {
        let row = self.conn()?.query_opt(&sql::select_credentials(), &[&email])?;
        row.map(|r| Ok(Credentials { user: user_row(&r)?.into_user()?, password_hash: r.try_get(7)? }))
            .transpose()
    }

    fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
        let changed =
            self.conn()?.execute(sql::UPDATE_PASSWORD, &[&org.as_str(), &id.as_str(), &password_hash])?;
        if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
    }

    fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        self.conn()?.execute(
            sql::INSERT_SESSION,
            &[
                &s.token_hash,
                &s.org_id.as_str(),
                &s.user_id.as_str(),
                &s.csrf_token,
                &millis(s.created_at),
                &millis(s.last_seen_at),
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = self.conn()?.query_opt(sql::SELECT_SESSION, &[&token_hash])?;
        row.map(|r| {
            Ok(SessionRecord {
                token_hash: r.try_get(0)?,
                org_id: OrgId(r.try_get(1)?),
                user_id: UserId(r.try_get(2)?),
                csrf_token: r.try_get(3)?,
                created_at: records::from_millis(r.try_get(4)?),
                last_seen_at: records::from_millis(r.try_get(5)?),
            })
        })
        .transpose()
    }

    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.conn()?.execute(sql::TOUCH_SESSION, &[&token_hash, &millis(now)])?;
        Ok(())
    }

    fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.conn()?.execute(sql::DELETE_SESSION, &[&token_hash])?;
        Ok(())
    }

    fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        // Loading the policy also proves the organisation exists.
        let policy = load_policy(&mut tx, org)?;
        let context = ImportContext {
            org,
            actor,
            now: millis(now),
            today: records::legal_today(now),
            policy,
            rules: &self.rules.set,
        };
        let ids =
            files.iter().map(|file| insert_case(&mut tx, &context, file)).collect::<StoreResult<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    fn append_event(
        &self,
        org: &OrgId,
        case: &CaseId,
        expected_version: i64,
        event: &Event,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        let (org_id, case_id) = (org.as_str(), case.as_str());
        // The row lock makes concurrent appends to one case queue up; the loser then sees the new version.
        let row = tx.query_opt(&format!("{} FOR UPDATE", sql::select_case()), &[&org_id, &case_id])?;
        let case_row = row.map(|r| case_row(&r)).transpose()?;
        let mut stored = load_case(&mut tx, case_row)?.ok_or_else(|| StoreError::NotFound("case".into()))?;
        if stored.version != expected_version {
            return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
        }
        let keys: Vec<String> = stored.file.case.people.iter().map(|p| p.key.clone()).collect();
        let ids: Vec<String> = stored.file.events.iter().filter_map(|e| e.id.clone()).collect();
        records::check_new_event(&keys, &ids, event)?;
        let row = records::event_row(event, stored.file.events.len() as i64 + 1)?;
        let actor = actor.map(UserId::as_str);
        tx.execute(
            sql::INSERT_EVENT,
            &[
                &org_id,
                &case_id,
                &row.seq,
                &row.event_id,
                &row.event_type,
                &row.on_date,
                &row.body,
                &millis(now),
                &actor,
            ],
        )?;
        let bumped =
            tx.execute(sql::BUMP_CASE_VERSION, &[&org_id, &case_id, &expected_version, &millis(now)])?;
        if bumped != 1 {
            return Err(StoreError::Backend(format!("case version bump touched {bumped} rows")));
        }
        stored.file.events.push(event.clone());
        let policy = load_policy(&mut tx, org)?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy: &policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        write_derivation(&mut tx, (org, case), &stored.file, &context, true)?;
        tx.commit()?;
        Ok(expected_version + 1)
    }

    fn policy(&self, org: &OrgId) -> StoreResult<Policy> {
        load_policy(&mut *self.conn()?, org)
    }

    fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        let settings = serde_json::to_string(policy)?;
        if tx.execute(sql::UPDATE_POLICY, &[&org.as_str(), &settings])? != 1 {
            return Err(StoreError::NotFound("organisation".into()));
        }
        tx.execute(sql::INVALIDATE_DERIVED, &[&org.as_str()])?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        let count = refresh_stale(&mut tx, org, &context, i64::MAX)?;
        tx.commit()?;
        Ok(count)
    }

    fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut client = self.conn()?;
        let mut total = 0;
        // In batches, each its own transaction, so that a large refresh never holds row locks long.
        loop {
            let mut tx = client.transaction()?;
            let policy = load_policy(&mut tx, org)?;
            let context =
                DeriveContext { today, policy: &policy, rules: &self.rules.set, now_ms: millis(now) };
            let count = refresh_stale(&mut tx, org, &context, REFRESH_BATCH)?;
            tx.commit()?;
            total += count;
            if count < REFRESH_BATCH as usize {
                return Ok(total);
            }
        }
    }

    fn deadlines_due(&self, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
        let mut client = self.conn()?;
        let (from, to) = (query.from.to_string(), query.to.to_string());
        let statement = sql::deadlines_due(query.kind.is_some());
        let rows = match &query.kind {
            Some(kind) => client.query(&statement, &[&org.as_str(), &from, &to, kind])?,
            None => client.query(&statement, &[&org.as_str(), &from, &to])?,
        };
        rows.iter()
            .map(|r| {
                records::due_from_columns((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                    r.try_get(8)?,
                    r.try_get(9)?,
                ))
            })
            .collect()
    }

    fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        triage::assign(&mut PgTx(&mut tx), org, case, role, user, millis(now))?;
        let policy = load_policy(&mut tx, org)?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy: &policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        refresh_stale(&mut tx, org, &context, i64::MAX)?;
        tx.commit()?;
        Ok(())
    }

    fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
        triage::assignments(&mut PgTx(&mut *self.conn()?), org, case)
    }

    fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
        triage::board(&mut PgTx(&mut *self.conn()?), org, filter)
    }

    fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
        triage::escalations(&mut PgTx(&mut *self.conn()?), org, case)
    }

    fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
        triage::case_tasks(&mut PgTx(&mut *self.conn()?), org, case)
    }

    fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
        triage::open_tasks(&mut PgTx(&mut *self.conn()?), org, user)
    }

    fn task(&self, org: &OrgId, task: &TaskId) -> StoreResult<Option<Task>> {
        triage::task(&mut PgTx(&mut *self.conn()?), org, task)
    }

    fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        // The task's row lock keeps two people from completing it at once.
        tx.execute(
            "SELECT 1 FROM tasks WHERE org_id = $1 AND id = $2 FOR UPDATE",
            &[&org.as_str(), &task.as_str()],
        )?;
        triage::complete_task(&mut PgTx(&mut tx), org, task, by, note, millis(now))?;
        tx.commit()?;
        Ok(())
    }

    fn reassign_task(&self, org: &OrgId, task: &TaskId, to: &UserId) -> StoreResult<()> {
        triage::reassign_task(&mut PgTx(&mut *self.conn()?), org, task, to)
    }

    fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
        triage::select_cases(&mut PgTx(&mut *self.conn()?), org, selection)
    }

    fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        let mut client = self.conn()?;
        let mut tx = client.transaction()?;
        let outcome =
            triage::open_review_tasks(&mut PgTx(&mut tx), org, selection, review, actor, millis(now))?;
        tx.commit()?;
        Ok(outcome)
    }

    fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
        let mut client = self.conn()?;
        let row = client.query_opt(&sql::select_case(), &[&org.as_str(), &id.as_str()])?;
        let case = row.map(|r| case_row(&r)).transpose()?;
        load_case(&mut *client, case)
    }

    fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
        let mut client = self.conn()?;
        let row = client.query_opt(&sql::select_case_by_reference(), &[&org.as_str(), &reference])?;
        let case = row.map(|r| case_row(&r)).transpose()?;
        load_case(&mut *client, case)
    }

    fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        let mut client = self.conn()?;
        let search = query.search.as_deref().filter(|s| !s.trim().is_empty()).map(sql::search_pattern);
        let (list_sql, count_sql) = sql::list_cases(search.is_some());
        let org_id = org.as_str();
        let (rows, total) = match &search {
            Some(pattern) => (
                client.query(&list_sql, &[&org_id, pattern, &query.limit, &query.offset])?,
                client.query_one(&count_sql, &[&org_id, pattern])?.try_get(0)?,
            ),
            None => (
                client.query(&list_sql, &[&org_id, &query.limit, &query.offset])?,
                client.query_one(&count_sql, &[&org_id])?.try_get(0)?,
            ),
        };
        let cases = rows
            .iter()
            .map(|r| -> StoreResult<CaseSummary> {
                records::summary_from_columns((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                ))
            })
            .collect::<StoreResult<_>>()?;
        Ok(CasePage { cases, total })
    }

    fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
        let rows = self.conn()?.query(sql::SELECT_CASE_REFERENCES, &[&org.as_str()])?;
        rows.iter().map(|r| Ok((CaseId(r.try_get(0)?), r.try_get(1)?))).collect()
    }
}
