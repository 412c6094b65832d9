//! What a database engine provides, and the [`Store`] implemented once on top of it. An engine
//! knows how to hand out connections and start transactions, which rows need explicit locks, and its
//! own migrations; everything else is the shared SQL of `shared.rs` and `triage.rs`.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, EscalationTemplates, Event, Language, Policy, RuleSet};
use chrono::{DateTime, Utc};

use crate::db::Tx;
use crate::error::StoreResult;
use crate::migrate::MigrationReport;
use crate::model::*;
use crate::records::{self, DeriveContext, millis};
use crate::reseal::{self, Cursor};
use crate::seal::{Field, Sealer};
use crate::second_factors::{self, Enrolment, Promotion, SecondFactor};
use crate::{Backend, CaseSource, Rules, Store, shared, triage};

/// Cases brought under the current key per transaction by a re-encryption pass.
const RESEAL_BATCH: i64 = 200;
/// The meta key recording that values written before encryption have all been sealed.
const SEALED_META_KEY: &str = "fields_sealed";

/// Cases re-derived per transaction by a refresh.
const REFRESH_BATCH: i64 = 500;

/// Rows that some engines lock explicitly for the rest of a transaction.
pub enum RowLock {
    /// A case being appended to (parameters: organisation id, case id).
    Case,
    /// A task being completed (parameters: organisation id, task id).
    Task,
    /// The head of one audit chain (parameter: the chain's organisation id, `""` for the installation).
    AuditChain,
}

/// One database engine. Public only inside this crate's private module: the `Store` trait is the
/// interface the rest of Amparo sees.
pub trait Engine: Send + Sync + 'static {
    fn kind(&self) -> Backend;
    fn ping(&self) -> StoreResult<()>;
    fn migrate(&self) -> StoreResult<MigrationReport>;
    fn rule_set(&self) -> &Rules;
    fn sealer(&self) -> &Sealer;

    /// Runs `work` on a connection, outside an explicit transaction.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T>;

    /// Runs `work` in one transaction that commits only when `work` succeeds.
    fn write<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T>;

    /// The statement that locks such a row, where the engine's transactions do not already exclude
    /// other writers.
    fn row_lock(&self, _lock: RowLock) -> Option<&'static str> {
        None
    }

    /// The statement that serialises installation-wide changes across processes, if one is needed.
    fn installation_lock(&self) -> Option<&'static str> {
        None
    }

    /// Holds one audit chain's head for the rest of the transaction, where the engine needs it.
    fn lock_audit_chain(&self, tx: &mut dyn Tx, chain: &str) -> StoreResult<()> {
        if let Some(lock) = self.row_lock(RowLock::AuditChain) {
            tx.execute(lock, &[chain.into()])?;
        }
        Ok(())
    }

    /// The time recorded for installation-wide changes made when the store opens.
    fn clock(&self) -> DateTime<Utc> {
        #[allow(clippy::disallowed_methods)] // opening the store is an edge: nobody passes a time in
        Utc::now()
    }

    /// Called after values were re-encrypted, so that no older copy of them stays behind in the
    /// engine's own files where it can help it.
    fn after_reseal(&self) -> StoreResult<()> {
        Ok(())
    }

    /// Runs a bulk import; an engine may tune itself around it.
    fn bulk<T>(&self, work: impl FnOnce() -> StoreResult<T>) -> StoreResult<T> {
        work()
    }

    /// Before a bulk import of `incoming` cases, inside its transaction: drops the secondary indexes
    /// it is cheaper to build again once the rows are in than to update row by row, and returns the
    /// statements that build them again (run in the same transaction). None by default.
    fn defer_indexes(&self, _tx: &mut dyn Tx, _incoming: usize) -> StoreResult<Vec<String>> {
        Ok(Vec::new())
    }
}

/// One import transaction, with the engine's bulk-load tuning around it; `expected` is how many cases
/// are coming (a lower bound is fine).
fn bulk_import<E: Engine, F: std::borrow::Borrow<CaseFile> + Send>(
    engine: &E,
    org: &OrgId,
    source: impl Iterator<Item = StoreResult<F>> + Send,
    expected: usize,
    (actor, now): (Option<&UserId>, DateTime<Utc>),
) -> StoreResult<Vec<CaseId>> {
    let context =
        shared::ImportContext { org, sealer: engine.sealer(), actor, now, rules: engine.rule_set() };
    engine.bulk(|| {
        engine.write(|tx| {
            let deferred = engine.defer_indexes(tx, expected)?;
            let ids = shared::import(tx, &context, source)?;
            for index in &deferred {
                tx.execute(index, &[])?;
            }
            Ok(ids)
        })
    })
}

impl<E: Engine> Store for E {
    fn backend(&self) -> Backend {
        self.kind()
    }

    fn ping(&self) -> StoreResult<()> {
        Engine::ping(self)
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        Engine::migrate(self)
    }

    fn rules(&self) -> &RuleSet {
        &self.rule_set().set
    }

    fn adopt_keys(&self) -> StoreResult<()> {
        self.write(|tx| reseal::adopt_keys(tx, self.sealer()))?;
        let sealed =
            self.read(|tx| Ok(tx.query_opt(crate::sql::SELECT_META, &[SEALED_META_KEY.into()])?.is_some()))?;
        if !sealed {
            self.reseal()?;
            self.write(|tx| {
                if tx.query_opt(crate::sql::SELECT_META, &[SEALED_META_KEY.into()])?.is_none() {
                    tx.execute(crate::sql::INSERT_META, &[SEALED_META_KEY.into(), "1".into()])?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    fn reload_keys(&self) -> StoreResult<bool> {
        self.sealer().reload()
    }

    fn current_key_id(&self) -> String {
        self.sealer().current_key_id().to_string()
    }

    fn reseal(&self) -> StoreResult<usize> {
        let mut cursor = Cursor::default();
        let mut rewritten = 0;
        loop {
            let (count, last) = self.write(|tx| {
                let batch = reseal::next_cases(tx, &cursor, RESEAL_BATCH)?;
                let mut count = 0;
                for case in &batch {
                    // An append to the same case waits, so its new identifiers are not lost when
                    // the case's indexes are rebuilt.
                    if let Some(lock) = self.row_lock(RowLock::Case) {
                        tx.execute(lock, &[case.org_id.as_str().into(), case.case_id.as_str().into()])?;
                    }
                    count += reseal::reseal_case(tx, self.sealer(), case)?;
                }
                Ok((count, batch.last().cloned()))
            })?;
            rewritten += count;
            match last {
                Some(last) => cursor = last,
                None => {
                    rewritten += self.write(|tx| second_factors::reseal_all(tx, self.sealer()))?;
                    if rewritten > 0 {
                        self.after_reseal()?;
                    }
                    return Ok(rewritten);
                }
            }
        }
    }

    fn renew_key_canary(&self) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, crate::audit::INSTALLATION)?;
            reseal::renew_canary(tx, self.sealer(), self.clock())
        })
    }

    fn escalation_templates(&self) -> &amparo_domain::EscalationTemplates {
        &self.rule_set().templates
    }

    fn adopt_rules(&self) -> StoreResult<bool> {
        self.write(|tx| {
            if let Some(lock) = self.installation_lock() {
                tx.execute(lock, &[])?;
            }
            self.lock_audit_chain(tx, crate::audit::INSTALLATION)?;
            shared::adopt_rules(tx, self.rule_set(), self.clock())
        })
    }

    fn create_organisation(&self, new: &NewOrganisation, now: DateTime<Utc>) -> StoreResult<Organisation> {
        self.read(|tx| shared::create_organisation(tx, new, now))
    }

    fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        self.read(shared::organisations)
    }

    fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        self.write(|tx| shared::create_user(tx, org, new, now))
    }

    fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
        self.read(|tx| shared::user(tx, org, id))
    }

    fn users(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        self.read(|tx| shared::users(tx, org))
    }

    fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>> {
        self.read(|tx| shared::credentials_by_email(tx, email))
    }

    fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
        self.read(|tx| shared::set_password(tx, org, id, password_hash))
    }

    fn set_user_role(
        &self,
        org: &OrgId,
        user: &UserId,
        role: UserRole,
        actor: crate::RoleActor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::RoleChange> {
        self.write(|tx| {
            // The lock every role change holds: the last-administrator check below cannot race.
            self.lock_audit_chain(tx, org.as_str())?;
            crate::staff::set_user_role(tx, (org, user), role, actor, now)
        })
    }

    fn set_user_language(&self, org: &OrgId, id: &UserId, language: Language) -> StoreResult<()> {
        self.read(|tx| shared::set_user_language(tx, org, id, language))
    }

    fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.read(|tx| shared::create_session(tx, session))
    }

    fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        self.read(|tx| shared::session(tx, token_hash))
    }

    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.read(|tx| shared::touch_session(tx, token_hash, now))
    }

    fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.read(|tx| shared::delete_session(tx, token_hash))
    }

    fn issue_password_reset(
        &self,
        org: &OrgId,
        user: &UserId,
        token_hash: &str,
        by: Option<&UserId>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            crate::resets::issue(tx, (org, user), token_hash, by, (now, expires_at))
        })
    }

    fn password_reset_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>> {
        self.read(|tx| crate::resets::peek(tx, token_hash, now))
    }

    fn complete_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        self.write(|tx| {
            // The chain is the user's organisation's, known only from the link: find it first.
            let user =
                crate::resets::peek(tx, token_hash, now)?.ok_or(crate::StoreError::ResetLinkInvalid)?;
            self.lock_audit_chain(tx, user.org_id.as_str())?;
            crate::resets::complete(tx, token_hash, password_hash, now)
        })
    }

    fn delete_sessions_of(&self, org: &OrgId, user: &UserId) -> StoreResult<usize> {
        self.write(|tx| {
            let ended =
                tx.execute(crate::sql::DELETE_SESSIONS_OF, &[org.as_str().into(), user.as_str().into()])?;
            Ok(ended as usize)
        })
    }

    fn second_factor(&self, org: &OrgId, user: &UserId) -> StoreResult<Option<SecondFactor>> {
        self.read(|tx| second_factors::factor(tx, self.sealer(), org, user))
    }

    fn second_factor_enrolment(
        &self,
        org: &OrgId,
        user: &UserId,
        fresh_secret: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Enrolment> {
        self.write(|tx| second_factors::enrolment(tx, self.sealer(), (org, user), fresh_secret, now))
    }

    fn confirm_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            second_factors::confirm(tx, (org, user), step, promotion, now)
        })
    }

    fn accept_second_factor_code(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
    ) -> StoreResult<()> {
        self.write(|tx| second_factors::accept_code(tx, (org, user), step, promotion))
    }

    fn remove_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            second_factors::remove(tx, (org, user), by, now)
        })
    }

    fn org_requires_second_factor(&self, org: &OrgId) -> StoreResult<bool> {
        self.read(|tx| second_factors::org_requires(tx, org))
    }

    fn set_second_factor_requirement(
        &self,
        org: &OrgId,
        required: bool,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            second_factors::set_requirement(tx, org, required, by, now)
        })
    }

    fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        bulk_import(self, org, files.iter().map(Ok), files.len(), (actor, now))
    }

    fn import_stream(
        &self,
        org: &OrgId,
        source: &mut CaseSource<'_>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        let expected = source.size_hint().0;
        bulk_import(self, org, source, expected, (actor, now))
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
        self.write(|tx| {
            // Concurrent appends to one case queue up here; the loser then sees the new version.
            if let Some(lock) = self.row_lock(RowLock::Case) {
                tx.execute(lock, &[org.as_str().into(), case.as_str().into()])?;
            }
            let at = (now, self.rule_set());
            shared::append_event(tx, self.sealer(), (org, case), expected_version, event, actor, at)
        })
    }

    fn policy(&self, org: &OrgId) -> StoreResult<Policy> {
        self.read(|tx| shared::load_policy(tx, org))
    }

    fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            shared::set_policy(tx, self.sealer(), org, policy, self.rule_set(), now)
        })
    }

    fn update_escalation_templates(
        &self,
        org: &OrgId,
        change: &dyn Fn(Option<EscalationTemplates>) -> StoreResult<Option<EscalationTemplates>>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            // The organisation's audit lock also serialises changes of its checklists.
            self.lock_audit_chain(tx, org.as_str())?;
            shared::update_escalation_templates(tx, org, change, actor, now)
        })
    }

    fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut total = 0;
        // In batches, each its own transaction, so that a day's refresh of a large organisation never
        // holds locks long enough to make other writers wait.
        loop {
            let count = self.write(|tx| {
                let policy = shared::load_policy(tx, org)?;
                let context = DeriveContext::new(today, &policy, self.rule_set(), now);
                shared::refresh_stale(tx, self.sealer(), org, &context, REFRESH_BATCH)
            })?;
            total += count;
            if count < REFRESH_BATCH as usize {
                return Ok(total);
            }
        }
    }

    fn deadlines_due_in(
        &self,
        org: &OrgId,
        query: &DeadlineQuery,
        language: amparo_domain::Language,
    ) -> StoreResult<Vec<DueDeadline>> {
        self.read(|tx| shared::deadlines_due(tx, org, query, &self.rule_set().set, language))
    }

    fn upcoming_deadlines(
        &self,
        org: &OrgId,
        window: (Date, Date),
        shared_with: Option<&UserId>,
        (limit, count_up_to): (i64, i64),
    ) -> StoreResult<UpcomingDeadlines> {
        self.read(|tx| shared::upcoming_deadlines(tx, org, window, shared_with, (limit, count_up_to)))
    }

    fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            triage::assign(tx, org, case, role, user, millis(now))?;
            // The clinician a case is assigned to must be able to open it: the assignment shares it.
            if let (UserRole::Clinician, Some(clinician)) = (role, user)
                && !crate::sharing::is_shared(tx, org, case, clinician)?
            {
                self.lock_audit_chain(tx, org.as_str())?;
                crate::sharing::set_shared(tx, (org, case), clinician, true, None, now)?;
            }
            let policy = shared::load_policy(tx, org)?;
            let context = DeriveContext::new(records::legal_today(now), &policy, self.rule_set(), now);
            shared::refresh_stale(tx, self.sealer(), org, &context, i64::MAX).map(|_| ())
        })
    }

    fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
        self.read(|tx| triage::assignments(tx, org, case))
    }

    fn set_case_shared(
        &self,
        org: &OrgId,
        case: &CaseId,
        clinician: &UserId,
        shared: bool,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            crate::sharing::set_shared(tx, (org, case), clinician, shared, by, now)
        })
    }

    fn case_shares(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<UserId>> {
        self.read(|tx| crate::sharing::shares(tx, org, case))
    }

    fn is_case_shared(&self, org: &OrgId, case: &CaseId, user: &UserId) -> StoreResult<bool> {
        self.read(|tx| crate::sharing::is_shared(tx, org, case, user))
    }

    fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
        self.read(|tx| triage::board(tx, org, filter))
    }

    fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
        let mut escalations = self.read(|tx| triage::escalations(tx, org, case))?;
        for escalation in &mut escalations {
            open_notes(self.sealer(), org, &mut escalation.tasks)?;
        }
        Ok(escalations)
    }

    fn open_escalations(&self, org: &OrgId, limit: i64) -> StoreResult<Vec<OpenEscalation>> {
        self.read(|tx| triage::open_escalations(tx, org, limit))
    }

    fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
        let mut tasks = self.read(|tx| triage::open_tasks(tx, org, user))?;
        open_notes(self.sealer(), org, &mut tasks)?;
        Ok(tasks)
    }

    fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
        let mut tasks = self.read(|tx| triage::case_tasks(tx, org, case))?;
        open_notes(self.sealer(), org, &mut tasks)?;
        Ok(tasks)
    }

    fn task(&self, org: &OrgId, task: &TaskId) -> StoreResult<Option<Task>> {
        let mut task = self.read(|tx| triage::task(tx, org, task))?;
        open_notes(self.sealer(), org, task.as_mut_slice())?;
        Ok(task)
    }

    fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            // Two people completing one task at once: the second waits, then finds it done.
            if let Some(lock) = self.row_lock(RowLock::Task) {
                tx.execute(lock, &[org.as_str().into(), task.as_str().into()])?;
            }
            triage::complete_task(tx, self.sealer(), org, task, by, note, millis(now))
        })
    }

    fn reassign_task(&self, org: &OrgId, task: &TaskId, to: &UserId, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| triage::reassign_task(tx, org, task, to, millis(now)))
    }

    fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
        self.read(|tx| triage::select_cases(tx, org, selection))
    }

    fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        self.write(|tx| triage::open_review_tasks(tx, org, selection, review, actor, millis(now)))
    }

    fn audit_log(&self, org: Option<&OrgId>) -> StoreResult<Vec<AuditRecord>> {
        let chain = org.map_or(crate::audit::INSTALLATION, OrgId::as_str);
        self.read(|tx| crate::audit::entries(tx, chain))
    }

    fn record_audit(&self, org: &OrgId, event: &AuditEvent, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: event.actor.as_ref(),
                action: &event.action,
                target: &event.target,
                detail: event.detail.clone(),
            };
            crate::audit::append(tx, entry, now)
        })
    }

    fn audit_page(&self, org: &OrgId, query: &crate::AuditQuery) -> StoreResult<crate::AuditPage> {
        self.read(|tx| crate::audit_page::page(tx, org, query))
    }

    fn check_recent_audit(&self, org: &OrgId, max: usize) -> StoreResult<crate::RecentChainCheck> {
        self.read(|tx| crate::audit_page::check_recent(tx, org, max))
    }

    fn verify_audit(&self) -> StoreResult<Vec<ChainReport>> {
        self.read(crate::audit::verify_all)
    }

    fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| shared::case(tx, self.sealer(), org, id))
    }

    fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| shared::case_by_reference(tx, self.sealer(), org, reference))
    }

    fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        self.read(|tx| crate::case_list::list_cases(tx, self.sealer(), org, query))
    }

    fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
        self.read(|tx| shared::case_references(tx, org))
    }
}

/// Task notes are stored sealed; readers get them in clear.
fn open_notes(sealer: &Sealer, org: &OrgId, tasks: &mut [Task]) -> StoreResult<()> {
    for task in tasks {
        task.note = sealer.open_opt(Field::TaskNote, org.as_str(), task.id.as_str(), task.note.take())?;
    }
    Ok(())
}
