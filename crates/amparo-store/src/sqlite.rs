//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, so that a write that was
//! acknowledged survives a crash or power loss. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`) so that two transactions never deadlock upgrading a read lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Policy, RuleSet};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::db::SqliteTx;
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::model::*;
use crate::records::{self, CaseRow, DeriveContext, PersonRow, UserRow, millis};
use crate::triage;
use crate::{Backend, RULES_META_KEY, Rules, Store, sql};

const POOL_SIZE: u32 = 8;
/// Cases re-derived per transaction by a refresh.
const REFRESH_BATCH: i64 = 500;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite numbers `$N` parameters by order of first appearance, not by N; `?N` keeps the number, so
/// the shared SQL text is rewritten before it is prepared.
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// The file path a database URL names (`sqlite://PATH`, `sqlite:PATH` or a bare path).
pub fn path_from_url(url: &str) -> PathBuf {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    PathBuf::from(path)
}

struct Manager {
    path: PathBuf,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Connection) -> bool {
        false
    }
}

pub struct SqliteStore {
    pool: r2d2::Pool<Manager>,
    rules: Rules,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file. Migrations are applied by [`Store::migrate`].
    pub fn open(path: impl AsRef<Path>) -> StoreResult<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            return Err(StoreError::Backend(format!(
                "cannot create the SQLite database {}: the folder {} does not exist",
                path.display(),
                parent.display()
            )));
        }
        // Connect once outside the pool so that an unusable file is reported with its path.
        Manager { path: path.clone() }.connect_checked().map_err(|e| {
            StoreError::Backend(format!("cannot open the SQLite database {}: {e}", path.display()))
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .build(Manager { path: path.clone() })?;
        Ok(SqliteStore { pool, path, rules: Rules::builtin()? })
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> SqliteStore {
        self.rules = rules;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when SQLite finds nothing wrong.
    pub fn integrity_check(&self) -> StoreResult<()> {
        let conn = self.conn()?;
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" { Ok(()) } else { Err(StoreError::Backend(format!("integrity check: {result}"))) }
    }

    /// Copies the live database into `target` with SQLite's online backup, safe while others write.
    pub fn backup_to(&self, target: &Path) -> StoreResult<()> {
        let conn = self.conn()?;
        conn.execute("VACUUM INTO ?1", params![target.to_string_lossy()])?;
        Ok(())
    }
}

impl Manager {
    fn connect_checked(&self) -> Result<(), rusqlite::Error> {
        use r2d2::ManageConnection;
        let conn = self.connect()?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map(|_| ())
    }
}

fn user_row(row: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        org_id: row.get(1)?,
        email: row.get(2)?,
        display_name: row.get(3)?,
        role: row.get(4)?,
        language: row.get(5)?,
        created_at: row.get(6)?,
    })
}

fn case_row(row: &Row) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: row.get(0)?,
        org_id: row.get(1)?,
        reference: row.get(2)?,
        program: row.get(3)?,
        version: row.get(4)?,
        medical: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

fn person_row(row: &Row) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        position: row.get(0)?,
        key: row.get(1)?,
        role: row.get(2)?,
        given_name: row.get(3)?,
        family_name: row.get(4)?,
        birth_date: row.get(5)?,
        a_number: row.get(6)?,
        citizenship: row.get(7)?,
        preferred_language: row.get(8)?,
    })
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn load_case(conn: &Connection, case: Option<CaseRow>) -> StoreResult<Option<StoredCase>> {
    let Some(case) = case else { return Ok(None) };
    let people = conn
        .prepare_cached(&numbered(sql::SELECT_PEOPLE))?
        .query_map(params![case.org_id, case.id], person_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let events = conn
        .prepare_cached(&numbered(sql::SELECT_EVENT_BODIES))?
        .query_map(params![case.org_id, case.id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    records::assemble_case(case, people, events).map(Some)
}

fn load_policy(conn: &Connection, org: &OrgId) -> StoreResult<Policy> {
    let settings: String = conn
        .prepare_cached(&numbered(sql::SELECT_POLICY))?
        .query_row(params![org.as_str()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?;
    records::policy_from_json(&settings)
}

/// Whether a case may already have stored deadlines to replace (not so for one being imported).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Existing {
    Replace,
    None,
}

/// Replaces a case's stored derivation (deadlines, triage, escalations) with a fresh one.
fn write_derivation(
    conn: &Connection,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    existing: Existing,
) -> StoreResult<()> {
    let replacing = existing == Existing::Replace;
    let attorney = replacing && triage::attorney_assigned(&mut SqliteTx(conn), org, case)?;
    let derived = records::derive_rows(file, context.today, context.policy, context.rules, attorney)?;
    if replacing {
        conn.prepare_cached(&numbered(sql::DELETE_DEADLINES))?
            .execute(params![org.as_str(), case.as_str()])?;
    }
    let mut insert = conn.prepare_cached(&numbered(sql::INSERT_DEADLINE))?;
    for d in &derived.deadlines {
        insert.execute(params![
            org.as_str(),
            case.as_str(),
            d.position,
            d.kind,
            d.person,
            d.due,
            d.window_opens,
            d.rule,
            d.basis,
            d.citation,
            d.why
        ])?;
    }
    let t = &derived.triage;
    conn.prepare_cached(&numbered(sql::UPDATE_CASE_DERIVED))?.execute(params![
        org.as_str(),
        case.as_str(),
        derived.covered_until,
        derived.derived_on,
        t.score,
        t.critical_care,
        t.is_open,
        t.next_due,
        t.next_kind,
        t.class_of_admission,
        t.reasons
    ])?;
    let basis = (context.today, context.policy, context.rules);
    triage::sync_escalations(&mut SqliteTx(conn), (org, case), file, basis, context.now_ms, replacing)
}

/// Re-derives up to `limit` of the organisation's stale cases inside the caller's transaction.
fn refresh_stale(conn: &Connection, org: &OrgId, context: &DeriveContext, limit: i64) -> StoreResult<usize> {
    let stale = conn
        .prepare_cached(&numbered(sql::SELECT_STALE_CASES))?
        .query_map(params![org.as_str(), context.today.to_string(), limit], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut select = conn.prepare_cached(&numbered(&sql::select_case()))?;
    for id in &stale {
        let row = select.query_row(params![org.as_str(), id], case_row).optional()?;
        if let Some(case) = load_case(conn, row)? {
            write_derivation(conn, (org, &case.id), &case.file, context, Existing::Replace)?;
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

fn insert_case(tx: &rusqlite::Transaction, context: &ImportContext, file: &CaseFile) -> StoreResult<CaseId> {
    let (org, actor, now) = (context.org, context.actor, context.now);
    let id = CaseId::generate();
    let reference = file.case.reference.as_str();
    let inserted = tx.prepare_cached(&numbered(sql::INSERT_CASE))?.execute(params![
        org.as_str(),
        id.as_str(),
        reference,
        file.case.program.as_str(),
        1i64,
        records::medical_to_json(&file.case.medical)?,
        now,
        now
    ]);
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Duplicate(format!("a case with reference {reference} already exists")));
        }
        other => other?,
    };
    let mut insert_person = tx.prepare_cached(&numbered(sql::INSERT_PERSON))?;
    for (position, person) in file.case.people.iter().enumerate() {
        let p = records::person_row(person, position);
        insert_person.execute(params![
            org.as_str(),
            id.as_str(),
            p.position,
            p.key,
            p.role,
            p.given_name,
            p.family_name,
            p.birth_date,
            p.a_number,
            p.citizenship,
            p.preferred_language
        ])?;
    }
    let mut insert_event = tx.prepare_cached(&numbered(sql::INSERT_EVENT))?;
    for (index, event) in file.events.iter().enumerate() {
        let e = records::event_row(event, index as i64 + 1)?;
        insert_event.execute(params![
            org.as_str(),
            id.as_str(),
            e.seq,
            e.event_id,
            e.event_type,
            e.on_date,
            e.body,
            now,
            actor.map(UserId::as_str)
        ])?;
    }
    let derive =
        DeriveContext { today: context.today, policy: &context.policy, rules: context.rules, now_ms: now };
    write_derivation(tx, (org, &id), file, &derive, Existing::None)?;
    Ok(id)
}

/// Writes every case or none: one transaction holding the write lock from the start.
fn import_in_transaction(
    conn: &mut Connection,
    rules: &RuleSet,
    org: &OrgId,
    files: &[CaseFile],
    actor: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<CaseId>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Loading the policy also proves the organisation exists.
    let context = ImportContext {
        org,
        actor,
        now: millis(now),
        today: records::legal_today(now),
        policy: load_policy(&tx, org)?,
        rules,
    };
    let ids = files.iter().map(|file| insert_case(&tx, &context, file)).collect::<StoreResult<Vec<_>>>()?;
    tx.commit()?;
    Ok(ids)
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(migrate::CREATE_MIGRATIONS_TABLE)?;
        let from: i64 =
            tx.query_row("SELECT COALESCE(MAX(version), 0) FROM amparo_migrations", [], |r| r.get(0))?;
        let supported = migrate::latest(migrate::SQLITE);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        let mut applied = Vec::new();
        for migration in migrate::SQLITE.iter().filter(|m| m.version > from) {
            tx.execute_batch(migration.sql)?;
            tx.execute(
                "INSERT INTO amparo_migrations (version, name, applied_at) \
                 VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER) * 1000)",
                params![migration.version, migration.name],
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
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let recorded: Option<String> =
            tx.query_row(&numbered(sql::SELECT_META), params![RULES_META_KEY], |r| r.get(0)).optional()?;
        if recorded.as_deref() == Some(self.rules.fingerprint.as_str()) {
            return Ok(false);
        }
        tx.execute(&numbered(sql::DELETE_META), params![RULES_META_KEY])?;
        tx.execute(&numbered(sql::INSERT_META), params![RULES_META_KEY, self.rules.fingerprint])?;
        // A database without a record has had no derivations under other rules; nothing to redo.
        if recorded.is_some() {
            tx.execute(sql::INVALIDATE_ALL_DERIVED, [])?;
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
        let conn = self.conn()?;
        match conn.execute(
            &numbered(sql::INSERT_ORGANISATION),
            params![org.id.as_str(), org.slug, org.name, millis(now)],
        ) {
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::Duplicate(format!("an organisation with slug {} already exists", new.slug)))
            }
            other => other.map(|_| org).map_err(Into::into),
        }
    }

    fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&numbered(sql::SELECT_ORGANISATIONS))?;
        let rows = stmt.query_map([], |r| {
            Ok(Organisation {
                id: OrgId(r.get(0)?),
                slug: r.get(1)?,
                name: r.get(2)?,
                created_at: records::from_millis(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        let id = UserId::generate();
        let conn = self.conn()?;
        let inserted = conn.execute(
            &numbered(sql::INSERT_USER),
            params![
                org.as_str(),
                id.as_str(),
                new.email,
                new.display_name,
                new.role.as_str(),
                new.language.as_str(),
                new.password_hash,
                millis(now)
            ],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate(format!("a user with email {} already exists", new.email)));
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(StoreError::NotFound("organisation".into()));
            }
            other => other?,
        };
        self.user(org, &id)?.ok_or_else(|| StoreError::NotFound("user".into()))
    }

    fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(&numbered(&sql::select_user()))?
            .query_row(params![org.as_str(), id.as_str()], user_row)
            .optional()?;
        row.map(UserRow::into_user).transpose()
    }

    fn users(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&numbered(&sql::select_users()))?;
        let rows = stmt.query_map(params![org.as_str()], user_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(&numbered(&sql::select_credentials()))?
            .query_row(params![email], |r| Ok((user_row(r)?, r.get::<_, String>(7)?)))
            .optional()?;
        row.map(|(user, password_hash)| Ok(Credentials { user: user.into_user()?, password_hash }))
            .transpose()
    }

    fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
        let changed = self
            .conn()?
            .execute(&numbered(sql::UPDATE_PASSWORD), params![org.as_str(), id.as_str(), password_hash])?;
        if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
    }

    fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        self.conn()?.execute(
            &numbered(sql::INSERT_SESSION),
            params![
                s.token_hash,
                s.org_id.as_str(),
                s.user_id.as_str(),
                s.csrf_token,
                millis(s.created_at),
                millis(s.last_seen_at)
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(&numbered(sql::SELECT_SESSION))?
            .query_row(params![token_hash], |r| {
                Ok(SessionRecord {
                    token_hash: r.get(0)?,
                    org_id: OrgId(r.get(1)?),
                    user_id: UserId(r.get(2)?),
                    csrf_token: r.get(3)?,
                    created_at: records::from_millis(r.get(4)?),
                    last_seen_at: records::from_millis(r.get(5)?),
                })
            })
            .optional()?;
        Ok(row)
    }

    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.conn()?
            .prepare_cached(&numbered(sql::TOUCH_SESSION))?
            .execute(params![token_hash, millis(now)])?;
        Ok(())
    }

    fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.conn()?.execute(&numbered(sql::DELETE_SESSION), params![token_hash])?;
        Ok(())
    }

    fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        let mut conn = self.conn()?;
        // A bulk import touches far more pages than SQLite's default 2 MiB cache holds; this connection
        // gets up to 256 MiB while it imports (the pages are freed when the cache shrinks back).
        conn.execute_batch("PRAGMA cache_size = -262144")?;
        let imported = import_in_transaction(&mut conn, &self.rules.set, org, files, actor, now);
        conn.execute_batch("PRAGMA cache_size = -2000")?;
        imported
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
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = tx
            .prepare_cached(&numbered(&sql::select_case()))?
            .query_row(params![org.as_str(), case.as_str()], case_row)
            .optional()?;
        let mut stored = load_case(&tx, row)?.ok_or_else(|| StoreError::NotFound("case".into()))?;
        if stored.version != expected_version {
            return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
        }
        let keys: Vec<String> = stored.file.case.people.iter().map(|p| p.key.clone()).collect();
        let ids: Vec<String> = stored.file.events.iter().filter_map(|e| e.id.clone()).collect();
        records::check_new_event(&keys, &ids, event)?;
        let seq = stored.file.events.len() as i64 + 1;
        let row = records::event_row(event, seq)?;
        tx.prepare_cached(numbered(sql::INSERT_EVENT).as_str())?.execute(params![
            org.as_str(),
            case.as_str(),
            row.seq,
            row.event_id,
            row.event_type,
            row.on_date,
            row.body,
            millis(now),
            actor.map(UserId::as_str)
        ])?;
        let bumped = tx.prepare_cached(&numbered(sql::BUMP_CASE_VERSION))?.execute(params![
            org.as_str(),
            case.as_str(),
            expected_version,
            millis(now)
        ])?;
        if bumped != 1 {
            return Err(StoreError::Backend(format!("case version bump touched {bumped} rows")));
        }
        stored.file.events.push(event.clone());
        let policy = load_policy(&tx, org)?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy: &policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        write_derivation(&tx, (org, case), &stored.file, &context, Existing::Replace)?;
        tx.commit()?;
        Ok(expected_version + 1)
    }

    fn policy(&self, org: &OrgId) -> StoreResult<Policy> {
        load_policy(&*self.conn()?, org)
    }

    fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let settings = serde_json::to_string(policy)?;
        if tx.execute(&numbered(sql::UPDATE_POLICY), params![org.as_str(), settings])? != 1 {
            return Err(StoreError::NotFound("organisation".into()));
        }
        tx.execute(&numbered(sql::INVALIDATE_DERIVED), params![org.as_str()])?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        let count = refresh_stale(&tx, org, &context, i64::MAX)?;
        tx.commit()?;
        Ok(count)
    }

    fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut conn = self.conn()?;
        let mut total = 0;
        // In batches, each its own transaction, so that a day's refresh of a large organisation never
        // holds the write lock long enough to make other writers wait.
        loop {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let policy = load_policy(&tx, org)?;
            let context =
                DeriveContext { today, policy: &policy, rules: &self.rules.set, now_ms: millis(now) };
            let count = refresh_stale(&tx, org, &context, REFRESH_BATCH)?;
            tx.commit()?;
            total += count;
            if count < REFRESH_BATCH as usize {
                return Ok(total);
            }
        }
    }

    fn deadlines_due(&self, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&numbered(&sql::deadlines_due(query.kind.is_some())))?;
        let columns = |r: &Row| -> rusqlite::Result<records::DueColumns> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        };
        let (from, to) = (query.from.to_string(), query.to.to_string());
        let rows = match &query.kind {
            Some(kind) => stmt
                .query_map(params![org.as_str(), from, to, kind], columns)?
                .collect::<Result<Vec<_>, _>>()?,
            None => {
                stmt.query_map(params![org.as_str(), from, to], columns)?.collect::<Result<Vec<_>, _>>()?
            }
        };
        rows.into_iter().map(records::due_from_columns).collect()
    }

    fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        triage::assign(&mut SqliteTx(&tx), org, case, role, user, millis(now))?;
        let policy = load_policy(&tx, org)?;
        let context = DeriveContext {
            today: records::legal_today(now),
            policy: &policy,
            rules: &self.rules.set,
            now_ms: millis(now),
        };
        refresh_stale(&tx, org, &context, i64::MAX)?;
        tx.commit()?;
        Ok(())
    }

    fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
        triage::assignments(&mut SqliteTx(&*self.conn()?), org, case)
    }

    fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
        triage::board(&mut SqliteTx(&*self.conn()?), org, filter)
    }

    fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
        triage::escalations(&mut SqliteTx(&*self.conn()?), org, case)
    }

    fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
        triage::case_tasks(&mut SqliteTx(&*self.conn()?), org, case)
    }

    fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
        triage::open_tasks(&mut SqliteTx(&*self.conn()?), org, user)
    }

    fn task(&self, org: &OrgId, task: &TaskId) -> StoreResult<Option<Task>> {
        triage::task(&mut SqliteTx(&*self.conn()?), org, task)
    }

    fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        triage::complete_task(&mut SqliteTx(&tx), org, task, by, note, millis(now))?;
        tx.commit()?;
        Ok(())
    }

    fn reassign_task(&self, org: &OrgId, task: &TaskId, to: &UserId) -> StoreResult<()> {
        triage::reassign_task(&mut SqliteTx(&*self.conn()?), org, task, to)
    }

    fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
        triage::select_cases(&mut SqliteTx(&*self.conn()?), org, selection)
    }

    fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome =
            triage::open_review_tasks(&mut SqliteTx(&tx), org, selection, review, actor, millis(now))?;
        tx.commit()?;
        Ok(outcome)
    }

    fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(&numbered(&sql::select_case()))?
            .query_row(params![org.as_str(), id.as_str()], case_row)
            .optional()?;
        load_case(&conn, row)
    }

    fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached(&numbered(&sql::select_case_by_reference()))?
            .query_row(params![org.as_str(), reference], case_row)
            .optional()?;
        load_case(&conn, row)
    }

    fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        let conn = self.conn()?;
        let search = query.search.as_deref().filter(|s| !s.trim().is_empty()).map(sql::search_pattern);
        let (list_sql, count_sql) = sql::list_cases(search.is_some());
        let (list_sql, count_sql) = (numbered(&list_sql), numbered(&count_sql));
        let summary = |r: &Row| -> rusqlite::Result<records::SummaryColumns> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        };
        let (rows, total) = match &search {
            Some(pattern) => (
                conn.prepare_cached(&list_sql)?
                    .query_map(params![org.as_str(), pattern, query.limit, query.offset], summary)?
                    .collect::<Result<Vec<_>, _>>()?,
                conn.prepare_cached(&count_sql)?.query_row(params![org.as_str(), pattern], |r| r.get(0))?,
            ),
            None => (
                conn.prepare_cached(&list_sql)?
                    .query_map(params![org.as_str(), query.limit, query.offset], summary)?
                    .collect::<Result<Vec<_>, _>>()?,
                conn.prepare_cached(&count_sql)?.query_row(params![org.as_str()], |r| r.get(0))?,
            ),
        };
        let cases = rows.into_iter().map(records::summary_from_columns).collect::<StoreResult<_>>()?;
        Ok(CasePage { cases, total })
    }

    fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
        let conn = self.conn()?;
        let rows = conn
            .prepare_cached(&numbered(sql::SELECT_CASE_REFERENCES))?
            .query_map(params![org.as_str()], |r| Ok((CaseId(r.get(0)?), r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
