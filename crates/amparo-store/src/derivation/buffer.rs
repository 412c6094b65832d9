//! Derived rows of one or more cases waiting to be written together: deadlines, and the escalations
//! and checklist tasks a derivation opens.

use std::collections::HashMap;

use crate::case_set::CaseSet;
use crate::db::{Row, Tx, Value};
use crate::derivation::rows::DeadlineRow;
use crate::error::StoreResult;
use crate::model::OrgId;
use crate::row_buffer::RowBuffer;
use crate::triage::{escalations, tasks};

/// Multi-row INSERT head of deadlines (see [`RowBuffer`]), and its column count.
const INSERT_DEADLINES: &str = "INSERT INTO deadlines (org_id, case_id, position, kind, person, due, \
     window_opens, rule, why_variant, why_facts, advisory)";
const DEADLINE_WIDTH: usize = 11;
/// One case's changed deadlines replace the stored row at their position in place: one statement
/// writes the moved, the new and the changed ones, and a delete is needed only for positions that
/// no derived row holds any more.
const REPLACE_AT_POSITION: &str = " ON CONFLICT (org_id, case_id, position) DO UPDATE SET \
     kind = excluded.kind, person = excluded.person, due = excluded.due, window_opens = excluded.window_opens, \
     rule = excluded.rule, why_variant = excluded.why_variant, why_facts = excluded.why_facts, \
     advisory = excluded.advisory";

/// The stored deadlines of a set of cases, in the columns [`DeadlineRow`] holds.
fn select_deadlines_of(cases: &CaseSet) -> String {
    format!(
        "SELECT case_id, position, kind, person, due, window_opens, rule, why_variant, why_facts, advisory \
         FROM deadlines WHERE org_id = $1 AND {} ORDER BY case_id, position",
        cases.condition("case_id")
    )
}

/// One stored deadline row, as compared with a derived one.
#[derive(PartialEq, Eq)]
struct StoredDeadline {
    position: i64,
    kind: String,
    person: Option<String>,
    due: String,
    window_opens: Option<String>,
    rule: String,
    why_variant: String,
    why_facts: String,
    advisory: bool,
}

impl StoredDeadline {
    fn read(r: &Row) -> StoreResult<StoredDeadline> {
        Ok(StoredDeadline {
            position: r.int(1)?,
            kind: r.text(2)?,
            person: r.opt_text(3)?,
            due: r.text(4)?,
            window_opens: r.opt_text(5)?,
            rule: r.text(6)?,
            why_variant: r.text(7)?,
            why_facts: r.text(8)?,
            advisory: r.int(9)? != 0,
        })
    }

    fn is(&self, d: &DeadlineRow) -> bool {
        self.position == d.position
            && self.kind == d.kind
            && self.person == d.person
            && self.due == d.due
            && self.window_opens == d.window_opens
            && self.rule == d.rule
            && self.why_variant == d.why_variant
            && self.why_facts == d.why_facts
            && self.advisory == d.advisory
    }
}

/// The stored deadlines of a set of cases, by case.
fn stored_deadlines(
    tx: &mut dyn Tx,
    org: &OrgId,
    cases: CaseSet,
) -> StoreResult<HashMap<String, Vec<StoredDeadline>>> {
    let mut stored: HashMap<String, Vec<StoredDeadline>> = HashMap::new();
    for r in tx.query(&select_deadlines_of(&cases), &cases.params(org.as_str()))? {
        stored.entry(r.text(0)?).or_default().push(StoredDeadline::read(&r)?);
    }
    Ok(stored)
}

/// Where the cases' deadlines stand before their rows are added.
enum Before {
    /// Already deleted: every derived deadline is written.
    Deleted,
    /// Still stored, by case: a case's deadlines are replaced only when they differ, and the cases
    /// replaced are deleted at the flush, before the inserts.
    Stored { org: String, stored: HashMap<String, Vec<StoredDeadline>>, replaced: Vec<String> },
    /// One case's, still stored: only the rows that differ are written, each in place of the stored
    /// row at its position ([`REPLACE_AT_POSITION`]), and the positions no derived row holds are
    /// deleted at the flush. A run of many cases deletes case by case instead: one statement
    /// whatever the number of cases, where a condition on cases and positions together was planned
    /// as a scan of the organisation's deadlines.
    OneCase { org: String, case: String, stored: Vec<StoredDeadline>, gone: Vec<i64> },
}

/// Derived rows of one or more cases waiting to be written: deadlines, and the escalations and
/// checklist tasks a derivation opens.
pub struct DerivedRows {
    before: Before,
    deadlines: RowBuffer<{ DEADLINE_WIDTH }>,
    pub escalations: RowBuffer<{ escalations::ESCALATION_WIDTH }>,
    pub tasks: RowBuffer<{ tasks::TASK_WIDTH }>,
}

impl DerivedRows {
    /// For cases whose deadlines the caller has deleted.
    pub fn new() -> Self {
        Self::with(Before::Deleted)
    }

    /// For the cases of `cases`, whose deadlines are still stored: read here, once, so that a case
    /// whose derived deadlines are the stored ones (most cases on most days) is not rewritten.
    pub(crate) fn over(tx: &mut dyn Tx, org: &OrgId, cases: CaseSet) -> StoreResult<Self> {
        let stored = stored_deadlines(tx, org, cases)?;
        Ok(Self::with(Before::Stored { org: org.as_str().to_owned(), stored, replaced: Vec::new() }))
    }

    /// For one case whose deadlines are still stored: read here, so that only the rows whose
    /// derivation changed are written (an event mostly moves one deadline, or none).
    pub(crate) fn over_case(tx: &mut dyn Tx, org: &OrgId, case: &str) -> StoreResult<Self> {
        let ids = [case.to_owned()];
        let stored = stored_deadlines(tx, org, CaseSet::Ids(&ids))?.remove(case).unwrap_or_default();
        let (org, case) = (org.as_str().to_owned(), case.to_owned());
        Ok(Self::with(Before::OneCase { org, case, stored, gone: Vec::new() }))
    }

    fn with(before: Before) -> Self {
        let suffix = match before {
            Before::OneCase { .. } => REPLACE_AT_POSITION,
            Before::Deleted | Before::Stored { .. } => "",
        };
        DerivedRows {
            before,
            deadlines: RowBuffer::with_suffix(INSERT_DEADLINES, suffix),
            escalations: RowBuffer::new(escalations::INSERT_ESCALATIONS),
            tasks: RowBuffer::new(tasks::INSERT_TASKS),
        }
    }

    pub fn add_deadlines(&mut self, org: &Value, case: &Value, mut deadlines: Vec<DeadlineRow>) {
        match &mut self.before {
            Before::Deleted => {}
            Before::Stored { stored, replaced, .. } => {
                let id = case.as_text().unwrap_or_default();
                let before = stored.remove(id).unwrap_or_default();
                let same =
                    before.len() == deadlines.len() && before.iter().zip(&deadlines).all(|(s, d)| s.is(d));
                if same {
                    return;
                }
                if !before.is_empty() {
                    replaced.push(id.to_owned());
                }
            }
            Before::OneCase { stored, gone, .. } => {
                let before = std::mem::take(stored);
                // A stored row goes when no derived row holds its position; one that a different
                // derived row holds is written over.
                gone.extend(
                    before.iter().map(|s| s.position).filter(|p| !deadlines.iter().any(|d| d.position == *p)),
                );
                deadlines.retain(|d| !before.iter().any(|s| s.is(d)));
            }
        }
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
                i64::from(d.advisory).into(),
            ]);
        }
    }

    pub fn flush(&mut self, tx: &mut dyn Tx) -> StoreResult<()> {
        match &mut self.before {
            Before::Deleted => {}
            Before::Stored { org, replaced, .. } => {
                for ids in std::mem::take(replaced).chunks(super::all::RUN as usize) {
                    let cases = CaseSet::Ids(ids);
                    let sql =
                        format!("DELETE FROM deadlines WHERE org_id = $1 AND {}", cases.condition("case_id"));
                    tx.execute(&sql, &cases.params(org))?;
                }
            }
            Before::OneCase { org, case, gone, .. } => {
                let positions = std::mem::take(gone);
                if !positions.is_empty() {
                    let marks: Vec<String> = (0..positions.len()).map(|i| format!("${}", i + 3)).collect();
                    let sql = format!(
                        "DELETE FROM deadlines WHERE org_id = $1 AND case_id = $2 AND position IN ({})",
                        marks.join(", ")
                    );
                    let mut params: Vec<Value> = vec![org.as_str().into(), case.as_str().into()];
                    params.extend(positions.into_iter().map(Value::from));
                    tx.execute(&sql, &params)?;
                }
            }
        }
        self.deadlines.flush(tx)?;
        self.escalations.flush(tx)?;
        self.tasks.flush(tx)?;
        Ok(())
    }
}
