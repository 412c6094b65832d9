//! Derived rows of one or more cases waiting to be written together: deadlines, and the escalations
//! and checklist tasks a derivation opens.

use crate::db::{Tx, Value};
use crate::derivation::rows::DeadlineRow;
use crate::error::StoreResult;
use crate::row_buffer::RowBuffer;
use crate::triage::{escalations, tasks};

/// Multi-row INSERT head of deadlines (see [`RowBuffer`]), and its column count.
const INSERT_DEADLINES: &str = "INSERT INTO deadlines (org_id, case_id, position, kind, person, due, \
     window_opens, rule, why_variant, why_facts, advisory)";
const DEADLINE_WIDTH: usize = 11;

/// Derived rows of one or more cases waiting to be written: deadlines, and the escalations and
/// checklist tasks a derivation opens.
pub struct DerivedRows {
    deadlines: RowBuffer<{ DEADLINE_WIDTH }>,
    pub escalations: RowBuffer<{ escalations::ESCALATION_WIDTH }>,
    pub tasks: RowBuffer<{ tasks::TASK_WIDTH }>,
}

impl DerivedRows {
    pub fn new() -> Self {
        DerivedRows {
            deadlines: RowBuffer::new(INSERT_DEADLINES),
            escalations: RowBuffer::new(escalations::INSERT_ESCALATIONS),
            tasks: RowBuffer::new(tasks::INSERT_TASKS),
        }
    }

    pub fn add_deadlines(&mut self, org: &Value, case: &Value, deadlines: Vec<DeadlineRow>) {
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
        self.deadlines.flush(tx)?;
        self.escalations.flush(tx)?;
        self.tasks.flush(tx)?;
        Ok(())
    }
}
