//! Amparo's persistence. One [`Store`] trait, two implementations — SQLite, the embedded default, and
//! PostgreSQL — that pass the same contract suite. Backend differences (SQL dialect, pooling,
//! transaction modes) live inside each implementation and nowhere else.
//!
//! Every write is one transaction. Every case carries a version; a write based on a stale version is
//! refused with [`StoreError::Conflict`] and nothing is merged. Every row carries its organisation id
//! and every query is scoped by it.

mod audit;
mod audit_page;
mod case_list;
mod db;
mod engine;
mod error;
mod migrate;
#[macro_use]
mod model;
mod notice_model;
mod notice_sql;
mod notices;
pub mod postgres;
mod records;
mod reseal;
mod resets;
pub mod seal;
mod search;
mod second_factors;
mod shared;
mod sharing;
mod sql;
pub mod sqlite;
mod staff;
#[cfg(feature = "testing")]
pub mod testing;
mod triage;

use std::sync::Arc;

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, EscalationTemplates, Event, Language, Policy, RuleSet};
use chrono::{DateTime, Utc};

pub use audit::INSTALLATION as AUDIT_INSTALLATION_CHAIN;
pub use audit_page::{AuditCursor, AuditPage, AuditQuery, RecentChainCheck};
pub use error::{StoreError, StoreResult};
pub use migrate::MigrationReport;
pub use model::*;
pub use notice_model::*;
pub use notices::{DIGEST_DAYS, Notices};
pub use resets::INVALID_LINK as INVALID_RESET_LINK;
pub use seal::Sealer;
pub use second_factors::{CODE_ALREADY_USED, Enrolment, Promotion, SecondFactor, stage_after_password};
pub use staff::{LAST_ADMIN, RoleActor, RoleChange};

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one interface the rest of Amparo uses to persist and read data. Methods block; async callers
/// run them on a blocking thread.
pub trait Store: Notices + Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for health checks).
    fn ping(&self) -> StoreResult<()>;

    /// Applies every embedded migration not yet applied; refuses a schema newer than this binary.
    fn migrate(&self) -> StoreResult<MigrationReport>;

    /// The rule set this store derives deadlines under.
    fn rules(&self) -> &RuleSet;

    /// The escalation checklists this store opens (the built-in ones or the operator's file).
    fn escalation_templates(&self) -> &EscalationTemplates;
    /// Records this store's rule set as the one behind stored deadlines; when it differs from the one
    /// recorded, marks every case of every organisation for re-derivation. Returns whether it did.
    fn adopt_rules(&self) -> StoreResult<bool>;

    /// Refuses keys that cannot read this database (a canary written at its first start under a
    /// key); seals any value written before encryption.
    fn adopt_keys(&self) -> StoreResult<()>;
    /// Re-reads the key file, for a rotation done by another process; returns whether it changed.
    fn reload_keys(&self) -> StoreResult<bool>;
    /// The id of the key new values are written under.
    fn current_key_id(&self) -> String;
    /// One pass over every case, re-encrypting values not under the current key (and rebuilding
    /// their blind indexes), a batch of cases per transaction; returns how many values it rewrote.
    fn reseal(&self) -> StoreResult<usize>;
    /// Rewrites the key canary under the current key (after a complete re-encryption).
    fn renew_key_canary(&self) -> StoreResult<()>;

    fn create_organisation(&self, new: &NewOrganisation, now: DateTime<Utc>) -> StoreResult<Organisation>;
    fn organisations(&self) -> StoreResult<Vec<Organisation>>;

    fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User>;
    fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>>;
    fn users(&self, org: &OrgId) -> StoreResult<Vec<User>>;
    /// Sign-in looks a user up by email across organisations: an email belongs to one person.
    fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>>;
    fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()>;

    /// Gives a member another role, ends their sessions (but `actor.session`) so that they sign in
    /// again under it, and records the change, in one transaction. Refused with [`LAST_ADMIN`] when
    /// it would leave the organisation without an administrator; the same role changes nothing.
    fn set_user_role(
        &self,
        org: &OrgId,
        user: &UserId,
        role: UserRole,
        actor: RoleActor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<RoleChange>;

    /// The language a user reads the interface in; `NotFound` for a user not in `org`.
    fn set_user_language(&self, org: &OrgId, id: &UserId, language: Language) -> StoreResult<()>;

    fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Issues a one-time password-reset link for a user (stored as `token_hash`), retiring earlier
    /// unused ones; audited.
    fn issue_password_reset(
        &self,
        org: &OrgId,
        user: &UserId,
        token_hash: &str,
        by: Option<&UserId>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user a reset link is for while it is unused and unexpired.
    fn password_reset_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>>;
    /// Uses a reset link: sets the new password hash and ends every session of the user, at once.
    fn complete_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;
    /// Ends every session of a user ("sign out everywhere", a password reset); returns how many.
    fn delete_sessions_of(&self, org: &OrgId, user: &UserId) -> StoreResult<usize>;

    /// A user's TOTP second factor, its secret opened.
    fn second_factor(&self, org: &OrgId, user: &UserId) -> StoreResult<Option<SecondFactor>>;
    /// The enrolment to show a user: their pending secret, or `fresh_secret` stored as pending.
    fn second_factor_enrolment(
        &self,
        org: &OrgId,
        user: &UserId,
        fresh_secret: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Enrolment>;
    /// Confirms a pending factor with the step of a checked code; ends the user's other sessions
    /// and replaces this one; audited.
    fn confirm_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Accepts a sign-in code's step if no later or equal step was accepted before, and completes the
    /// sign-in by replacing the pending session.
    fn accept_second_factor_code(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
    ) -> StoreResult<()>;
    /// Removes a user's factor, by themself, or by an administrator or the operator (`None`), who
    /// thereby end the user's sessions; audited. Returns whether there was one.
    fn remove_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Whether the organisation requires a second factor of every member.
    fn org_requires_second_factor(&self, org: &OrgId) -> StoreResult<bool>;
    /// Sets that requirement; turning it on holds the sessions of members without a factor; audited.
    fn set_second_factor_requirement(
        &self,
        org: &OrgId,
        required: bool,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Writes whole cases, all or nothing, with their derived deadlines: one refused case (a reference already taken, say) leaves
    /// the database as it was.
    fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>>;

    /// The same, taking the cases as `source` yields them, so that reading and checking the files
    /// overlaps with writing them. An error from `source` stops the import, which then writes
    /// nothing and returns that error.
    fn import_stream(
        &self,
        org: &OrgId,
        source: &mut CaseSource<'_>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>>;

    /// Appends one event to a case's timeline if the case is still at `expected_version`, and refreshes
    /// the case's derived deadlines in the same transaction; returns the new version.
    fn append_event(
        &self,
        org: &OrgId,
        case: &CaseId,
        expected_version: i64,
        event: &Event,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// The organisation's policy (lead days, refresh days, critical-care threshold, closure days).
    fn policy(&self, org: &OrgId) -> StoreResult<Policy>;
    /// Replaces the policy and re-derives every case of the organisation in the same transaction;
    /// returns how many cases were re-derived.
    fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Changes the organisation's own escalation checklists in one transaction: `change` is given
    /// the current ones (`None`: the server's are in force) and returns the new (`None`: back to the
    /// server's), so two administrators editing two checklists at once both keep their change.
    /// Audited; only escalations opened afterwards follow them.
    fn update_escalation_templates(
        &self,
        org: &OrgId,
        change: &dyn Fn(Option<EscalationTemplates>) -> StoreResult<Option<EscalationTemplates>>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Re-derives the cases whose stored deadlines were computed before `today` (some deadlines, such
    /// as days of unlawful presence, appear only as days pass); returns how many.
    fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Stored deadlines due in a range across the organisation's cases: one indexed query.
    /// Stored deadlines due in the query's range, each *why* in English.
    fn deadlines_due(&self, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
        self.deadlines_due_in(org, query, amparo_domain::Language::En)
    }
    /// As [`Store::deadlines_due`], each *why* written in `language`.
    fn deadlines_due_in(
        &self,
        org: &OrgId,
        query: &DeadlineQuery,
        language: amparo_domain::Language,
    ) -> StoreResult<Vec<DueDeadline>>;
    /// The first `limit` lines of a window of deadlines (one per case, kind and day), without their
    /// explanations, and the number of lines in all, counted up to `count_up_to` (a larger total
    /// reads as `count_up_to + 1`); `shared_with` keeps a clinician's cases only.
    fn upcoming_deadlines(
        &self,
        org: &OrgId,
        window: (Date, Date),
        shared_with: Option<&UserId>,
        limit_and_count_up_to: (i64, i64),
    ) -> StoreResult<UpcomingDeadlines>;

    /// Assigns `user` to the case in `role` (attorney, advocate or clinician), or clears the role with
    /// `None`; the case's triage is re-derived in the same transaction.
    fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>>;
    /// Shares a case with a clinician of the organisation (`shared`), or stops sharing it; recorded
    /// in the audit trail in the same transaction. Only clinicians are shared with.
    fn set_case_shared(
        &self,
        org: &OrgId,
        case: &CaseId,
        clinician: &UserId,
        shared: bool,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The clinicians a case is shared with.
    fn case_shares(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<UserId>>;
    fn is_case_shared(&self, org: &OrgId, case: &CaseId, user: &UserId) -> StoreResult<bool>;
    /// Open cases ranked by triage score, most urgent first.
    fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage>;
    /// A case's escalations with their tasks, newest first; closed ones stay on the record.
    fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>>;
    /// The organisation's open escalations, critical care first, then newest first; at most `limit`.
    fn open_escalations(&self, org: &OrgId, limit: i64) -> StoreResult<Vec<OpenEscalation>>;
    /// Open tasks owned by `user`, earliest due (so overdue) first; tasks of closed escalations are
    /// no longer open.
    fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>>;
    /// Every task of a case, done or not, including reviews outside escalations.
    fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>>;
    fn task(&self, org: &OrgId, task: &TaskId) -> StoreResult<Option<Task>>;
    /// Marks a task done with an optional note; an escalation whose tasks are all done closes.
    fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Gives a task to someone else, who is notified in the same transaction.
    fn reassign_task(&self, org: &OrgId, task: &TaskId, to: &UserId, now: DateTime<Utc>) -> StoreResult<()>;
    /// The cases a programme-wide change touches.
    fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>>;
    /// Opens `review` on every selected case that does not have it yet, in one transaction.
    fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome>;

    /// The audit trail of an organisation, or of the installation with `None`, oldest first.
    fn audit_log(&self, org: Option<&OrgId>) -> StoreResult<Vec<AuditRecord>>;
    /// Appends one entry to an organisation's audit trail (a read of a case, an export, a sign-out
    /// everywhere): ids and field names only, never sensitive values.
    fn record_audit(&self, org: &OrgId, event: &AuditEvent, now: DateTime<Utc>) -> StoreResult<()>;
    /// A page of an organisation's audit trail, newest first, filtered and paged by `query`.
    fn audit_page(&self, org: &OrgId, query: &AuditQuery) -> StoreResult<AuditPage>;
    /// Checks the `max` most recent entries of an organisation's chain (all of it when shorter).
    fn check_recent_audit(&self, org: &OrgId, max: usize) -> StoreResult<RecentChainCheck>;
    /// Checks every chain of the audit trail; a report per chain.
    fn verify_audit(&self) -> StoreResult<Vec<ChainReport>>;

    fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>>;
    fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>>;
    fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage>;
    /// Every case of the organisation in reference order, for export.
    fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>>;
}

/// The rule set stored deadlines are derived under, with a fingerprint of its text so that a change
/// is noticed and every case re-derived, and the checklists escalations open with.
/// Cases to import, one at a time, read on another thread than the caller's.
pub type CaseSource<'a> = dyn Iterator<Item = StoreResult<CaseFile>> + Send + 'a;

#[derive(Clone)]
pub struct Rules {
    pub set: Arc<RuleSet>,
    pub templates: Arc<EscalationTemplates>,
    pub fingerprint: String,
}

impl Rules {
    pub fn builtin() -> StoreResult<Rules> {
        Rules::from_toml(amparo_domain::rules::BUILTIN_TOML, amparo_domain::triage::BUILTIN_ESCALATION_TOML)
    }

    /// An operator's rule-set and escalation-template files; errors name the file's problem.
    pub fn from_toml(rules: &str, templates: &str) -> StoreResult<Rules> {
        let set = RuleSet::from_toml(rules).map_err(|e| StoreError::Invalid(format!("rule set: {e}")))?;
        let templates = EscalationTemplates::from_toml(templates)
            .map_err(|e| StoreError::Invalid(format!("escalation templates: {e}")))?;
        // Templates only shape checklists of escalations opened from now on; stored deadlines and
        // scores do not depend on them, so only the rules enter the fingerprint.
        let fingerprint = format!("{:016x}", fnv1a(rules.as_bytes()));
        Ok(Rules { set: Arc::new(set), templates: Arc::new(templates), fingerprint })
    }
}

/// FNV-1a: enough to notice that a rule-set file changed; not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The meta key under which the fingerprint of the rules behind stored deadlines is kept.
pub(crate) const RULES_META_KEY: &str = "rule_set";

/// Opens the store a URL names: `postgres://` or `postgresql://` for PostgreSQL, `sqlite://PATH`,
/// `sqlite:PATH` or a bare path for SQLite, with the built-in rule set. Migrations are applied
/// before it is returned.
pub fn open(url: &str, sealer: Sealer) -> StoreResult<Arc<dyn Store>> {
    open_with_rules(url, Rules::builtin()?, sealer)
}

/// As [`open`], deriving deadlines under `rules`; when they differ from the rules the stored
/// deadlines were derived under, every case is marked for re-derivation.
pub fn open_with_rules(url: &str, rules: Rules, sealer: Sealer) -> StoreResult<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if is_postgres_url(url) {
        Arc::new(postgres::PgStore::open(url, sealer)?.with_rules(rules))
    } else {
        Arc::new(sqlite::SqliteStore::open(sqlite::path_from_url(url), sealer)?.with_rules(rules))
    };
    store.migrate()?;
    store.adopt_keys()?;
    store.adopt_rules()?;
    Ok(store)
}

/// Whether a database URL names PostgreSQL (anything else is a SQLite file).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Checks a role string coming from outside (CLI, forms).
pub fn parse_role(text: &str) -> StoreResult<UserRole> {
    UserRole::parse(text).ok_or_else(|| {
        let expected = ["admin", "attorney", "advocate", "clinician", "viewer"].map(String::from).to_vec();
        StoreError::field("role", amparo_domain::Problem::UnknownValue { value: text.to_owned(), expected })
    })
}
