//! Programme-wide changes: selecting the cases a change touches (by programme, class of admission,
//! citizenship, end of parole) and opening a review task on each, once.

use amparo_domain::org::UserRole;
use amparo_domain::{Problem, Texts};
use chrono::{DateTime, Utc};

use crate::Store;
use crate::access::Actor;
use crate::columns::{millis, stored_date};
use crate::conditions::Conditions;
use crate::db::{Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, CaseSelection, OrgId, ReviewOutcome, ReviewTask, SelectedCase, TaskId, UserId};
use crate::triage::assignments::assignments;
use crate::triage::tasks;

/// A task, doing nothing when the case already has a task with this key (bulk actions repeat safely).
const INSERT_TASK_ONCE: &str = "INSERT INTO tasks (org_id, id, case_id, escalation_id, title, \
     owner_role, owner_id, due_at, created_at, created_by, dedupe_key) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT (org_id, case_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING";
const BOARD_FROM: &str = "FROM cases c JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id \
     AND p.role = 'patient'";

struct NewTask<'a> {
    title: Texts,
    owner_role: UserRole,
    owner: Option<String>,
    due_ms: i64,
    created_by: Option<&'a UserId>,
    dedupe_key: Option<&'a str>,
}

fn insert_task(
    tx: &mut dyn Tx,
    org: &OrgId,
    case: &CaseId,
    task: &NewTask,
    now_ms: i64,
    statement: &str,
) -> StoreResult<u64> {
    Ok(tx.execute(
        statement,
        &[
            org.as_str().into(),
            TaskId::generate().0.into(),
            case.as_str().into(),
            Value::Null,
            tasks::title_json(&task.title)?.into(),
            task.owner_role.as_str().into(),
            task.owner.clone().into(),
            task.due_ms.into(),
            now_ms.into(),
            task.created_by.map(UserId::as_str).into(),
            task.dedupe_key.into(),
        ],
    )?)
}

fn selection_conditions(org: &OrgId, selection: &CaseSelection) -> StoreResult<Conditions> {
    if selection.is_empty() {
        return Err(StoreError::field("selection", Problem::NoCondition));
    }
    let mut conditions = Conditions::new(org.as_str());
    if let Some(program) = selection.program {
        conditions.push("c.program = ?", program.as_str());
    }
    if let Some(class) = &selection.class_of_admission {
        conditions.push("c.class_of_admission = ?", class.trim().to_uppercase());
    }
    if let Some(country) = &selection.citizenship {
        let country = amparo_domain::identifiers::CountryCode::parse(country.trim())
            .map_err(|e| StoreError::field("citizenship", Problem::Identifier(e)))?;
        conditions.push(
            "EXISTS (SELECT 1 FROM people q WHERE q.org_id = c.org_id AND q.case_id = c.id AND q.citizenship = ?)",
            country.as_str(),
        );
    }
    if let Some(before) = selection.parole_ends_before {
        conditions.push("c.covered_until < ?", before.to_string());
    }
    Ok(conditions)
}

fn select_cases(tx: &mut dyn Tx, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
    let conditions = selection_conditions(org, selection)?;
    let query = format!(
        "SELECT c.id, c.reference, p.given_name, p.family_name, c.covered_until {} WHERE {} ORDER BY c.reference",
        BOARD_FROM,
        conditions.sql()
    );
    tx.query(&query, &conditions.params)?
        .iter()
        .map(|r| {
            Ok(SelectedCase {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                patient_name: format!("{} {}", r.text(2)?, r.text(3)?),
                covered_until: r.opt_text(4)?.as_deref().map(stored_date).transpose()?,
            })
        })
        .collect()
}

fn open_review_tasks(
    tx: &mut dyn Tx,
    org: &OrgId,
    selection: &CaseSelection,
    review: &ReviewTask,
    actor: Option<&UserId>,
    now_ms: i64,
) -> StoreResult<ReviewOutcome> {
    let key = review.key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(StoreError::field("key", Problem::LengthBetween { min: 1, max: 100 }));
    }
    for (field, title) in [("title_en", &review.title_en), ("title_es", &review.title_es)] {
        if title.trim().is_empty() || title.chars().count() > amparo_domain::case_file::MAX_SHORT_TEXT {
            let max = amparo_domain::case_file::MAX_SHORT_TEXT;
            return Err(StoreError::field(field, Problem::LengthBetween { min: 1, max }));
        }
    }
    let selected = select_cases(tx, org, selection)?;
    let dedupe = format!("review:{key}");
    let mut created = 0;
    for case in &selected {
        let owner = assignments(tx, org, &case.case_id)?
            .into_iter()
            .find(|a| a.role == UserRole::Attorney)
            .map(|a| a.user_id.0);
        let task = NewTask {
            title: Texts::en_es(review.title_en.trim(), review.title_es.trim()),
            owner_role: UserRole::Attorney,
            owner,
            due_ms: now_ms + i64::from(review.due_in_hours) * 3_600_000,
            created_by: actor,
            dedupe_key: Some(&dedupe),
        };
        created += insert_task(tx, org, &case.case_id, &task, now_ms, INSERT_TASK_ONCE)? as usize;
    }
    Ok(ReviewOutcome { selected: selected.len(), created })
}

impl Store {
    /// The cases a programme-wide change touches.
    pub fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
        self.read(|tx| select_cases(tx, org, selection))
    }

    /// As [`Store::open_review_tasks`], opened by `actor`.
    pub fn open_review_tasks_as(
        &self,
        actor: &Actor,
        selection: &CaseSelection,
        review: &ReviewTask,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        self.open_review_tasks(&actor.org, selection, review, Some(&actor.user), now)
    }

    /// Opens `review` on every selected case that does not have it yet, in one transaction.
    pub fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        self.write(|tx| open_review_tasks(tx, org, selection, review, actor, millis(now)))
    }
}
