//! Deriving a case: running the rules over its timeline and storing what they find (deadlines,
//! triage, escalations), when the case changes, when its organisation's policy or the rules change,
//! and as days pass (some deadlines appear only then).

mod all;
pub mod buffer;
pub mod rows;
mod rules;

pub(crate) use all::{rederive_all, rederive_stale};

pub use rules::Rules;

use amparo_domain::triage::{KnownEscalation, PlanContext};
use amparo_domain::{CaseFile, Date, EscalationTemplates, Policy, RuleSet};
use chrono::{DateTime, Utc};

use crate::Store;
use crate::case_list::words;
use crate::cases;
use crate::columns::millis;
use crate::db::{Tx, Value};
use crate::derivation::buffer::DerivedRows;
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::policy::load_policy;
use crate::security::seal::Sealer;
use crate::triage::{escalations, reasons};

/// What a case's derivation reads of its row besides its file: its `search_terms` (to bring its
/// words from them to the new ones), whether an attorney is assigned, and the derived columns it
/// writes only when they change ([`KEPT_IF_SAME`]). A select list over `cases` whose parameters
/// `$1` and `$2` are the organisation and the case, so that a writer that reads the case's row
/// anyway reads these with it ([`crate::cases::locked_case`]).
pub(crate) fn stored_row_columns() -> String {
    format!(
        "search_terms, (SELECT COUNT(*) FROM case_assignments a \
         WHERE a.org_id = $1 AND a.case_id = $2 AND a.role = 'attorney'), {}",
        KEPT_IF_SAME.join(", ")
    )
}

/// The case's row as [`stored_row_columns`] reads it.
pub(crate) struct StoredRow {
    terms: String,
    attorney: bool,
    columns: Vec<Value>,
}

impl StoredRow {
    /// Read off `row` from column `at` on.
    pub(crate) fn at(row: &crate::db::Row, at: usize) -> StoreResult<StoredRow> {
        let columns = row.0.iter().skip(at + 2).take(KEPT_IF_SAME.len()).cloned().collect();
        Ok(StoredRow { terms: row.text(at)?, attorney: row.int(at + 1)? > 0, columns })
    }

    fn read(tx: &mut dyn Tx, key: &[Value; 2]) -> StoreResult<Option<StoredRow>> {
        let select = format!("SELECT {} FROM cases WHERE org_id = $1 AND id = $2", stored_row_columns());
        tx.query_opt(&select, key)?.map(|row| StoredRow::at(&row, 0)).transpose()
    }
}

/// Everything a derivation runs under, besides the case itself.
pub struct DeriveContext<'a> {
    pub today: Date,
    pub policy: &'a Policy,
    pub rules: &'a RuleSet,
    pub templates: &'a EscalationTemplates,
    /// When escalations opened by this derivation start (their tasks' due times count from it).
    pub now_ms: i64,
    /// Seals what the derivation says of the patient's health (triage components, escalation reasons).
    pub sealer: &'a Sealer,
}

impl<'a> DeriveContext<'a> {
    pub fn new(
        today: Date,
        policy: &'a Policy,
        rules: &'a Rules,
        now: DateTime<Utc>,
        sealer: &'a Sealer,
    ) -> Self {
        let templates = policy.checklists(&rules.templates);
        DeriveContext { today, policy, rules: &rules.set, templates, now_ms: millis(now), sealer }
    }

    /// What escalation planning needs of it.
    pub fn plan(&self) -> PlanContext<'a> {
        PlanContext { today: self.today, policy: self.policy, rules: self.rules, templates: self.templates }
    }
}

/// What a derivation replaces reads of the case as stored, besides its timeline.
pub(crate) struct Stored {
    /// Whether an attorney is assigned (the score depends on it).
    pub attorney: bool,
    /// The search terms stored, whose words are brought to the new ones.
    pub terms: String,
    /// The case's escalations, as planning knows them.
    pub escalations: Vec<KnownEscalation>,
    /// The case row's derived columns as stored, in the order of [`KEPT_IF_SAME`], when the caller
    /// read them: a column whose value is unchanged is then left out of the row's update, and with
    /// it every index that holds it (a new day mostly changes a score, rarely a list key).
    pub columns: Option<Vec<Value>>,
    /// The version the writer read, when this derivation follows a change to the case: the row's
    /// update then moves it on too, rather than a statement of its own writing the row twice.
    pub next_version: Option<NextVersion>,
}

/// A case moved on from the version its writer read, at a time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NextVersion {
    pub from: i64,
    pub at: DateTime<Utc>,
}

/// The case row's derived columns that a re-derivation writes only when they change. The others —
/// the day derived, the next day to derive, the sealed triage reasons (which name the day) — are
/// written every time.
pub(crate) const KEPT_IF_SAME: [&str; 11] = [
    "covered_until",
    "triage_score",
    "critical_care",
    "is_open",
    "next_due",
    "next_kind",
    "class_of_admission",
    "status",
    "patient_sort",
    "due_sort",
    "search_terms",
];

/// Replaces a case's stored derivation (deadlines, triage, escalations) with a fresh one. What the
/// fresh one leaves as it was is not written again: most events move one deadline or none and
/// leave the list columns, and each row or index entry rewritten is pages to log and sync. The
/// writer of a change to the case passes the version it read (moved on here) and the row as it read
/// it with the case, when it did ([`StoredRow`]); otherwise the row is read here.
pub(crate) fn write_derivation(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    (next_version, row): (Option<NextVersion>, Option<StoredRow>),
) -> StoreResult<()> {
    let key: [Value; 2] = [org.as_str().into(), case.as_str().into()];
    let row = match row {
        Some(row) => Some(row),
        None => StoredRow::read(tx, &key)?,
    };
    let (terms, attorney, columns) = match row {
        Some(row) => (row.terms, row.attorney, Some(row.columns)),
        None => (String::new(), false, None),
    };
    let stored = Stored {
        attorney,
        terms,
        // A closed case's escalations are not planned (see `store_derivation`).
        escalations: match file.extensions.closure {
            None => escalations::stored_escalations(tx, context.sealer, org, case)?,
            Some(_) => Vec::new(),
        },
        columns,
        next_version,
    };
    let mut rows = DerivedRows::over_case(tx, org, case.as_str())?;
    store_derivation(tx, (org, case), file, context, stored, &mut rows)?;
    rows.flush(tx)
}

/// Derives a case and writes what changed, its deadlines and escalations left in `rows` for the
/// caller to write (with other cases' when it derives many). `rows` knows whether the case's stored
/// deadlines are already gone or still there to compare ([`DerivedRows::over`],
/// [`DerivedRows::over_case`]).
pub(crate) fn store_derivation(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    stored: Stored,
    rows: &mut DerivedRows,
) -> StoreResult<()> {
    let key: [Value; 2] = [org.as_str().into(), case.as_str().into()];
    let derived = rows::derive_rows(file, context.today, context.policy, context.rules, stored.attorney)?;
    rows.add_deadlines(&key[0], &key[1], derived.deadlines);
    let t = derived.triage;
    words::replace_words(tx, &key, &stored.terms, &derived.list.search_terms)?;
    let always: [Value; 3] = [
        derived.derived_on.into(),
        reasons::seal_triage(context.sealer, (org.as_str(), case.as_str()), t.scored_on, &t.components)?
            .into(),
        derived.rederive_on.into(),
    ];
    let kept: [Value; 11] = [
        derived.covered_until.into(),
        t.score.into(),
        t.critical_care.into(),
        t.is_open.into(),
        t.next_due.into(),
        t.next_kind.into(),
        t.class_of_admission.into(),
        derived.list.status.into(),
        derived.list.patient_sort.into(),
        derived.list.due_sort.into(),
        derived.list.search_terms.into(),
    ];
    let changed: Vec<usize> = match &stored.columns {
        Some(before) => (0..kept.len()).filter(|i| before.get(*i) != Some(&kept[*i])).collect(),
        None => (0..kept.len()).collect(),
    };
    let mut set = String::from("derived_on = $3, triage = $4, rederive_on = $5");
    let mut params: Vec<Value> = Vec::with_capacity(7 + changed.len());
    params.extend(key.iter().cloned());
    params.extend(always);
    for i in &changed {
        params.push(kept[*i].clone());
        set.push_str(&format!(", {} = ${}", KEPT_IF_SAME[*i], params.len()));
    }
    let mut update = format!("UPDATE cases SET {set} WHERE org_id = $1 AND id = $2");
    if let Some(next) = stored.next_version {
        params.extend([next.from.into(), millis(next.at).into()]);
        let (from, at) = (params.len() - 1, params.len());
        update = format!(
            "UPDATE cases SET {set}, version = version + 1, updated_at = ${at} \
             WHERE org_id = $1 AND id = $2 AND version = ${from}"
        );
    }
    let updated = tx.execute(&update, &params)?;
    if stored.next_version.is_some() && updated != 1 {
        return Err(StoreError::Backend(format!("case version bump touched {updated} rows")));
    }
    // A closed case opens no escalation (its open ones were suspended when it closed).
    if file.extensions.closure.is_none() {
        escalations::sync_escalations(tx, (org, case), file, context, (stored.escalations, rows))?;
    }
    Ok(())
}

/// Re-derives one case from its stored timeline, if it exists; no other case is touched.
pub(crate) fn refresh_case(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&OrgId, &CaseId),
    context: &DeriveContext,
) -> StoreResult<()> {
    if let Some(stored) = cases::case(tx, sealer, org, case)? {
        write_derivation(tx, (org, &stored.id), &stored.in_force(), context, (None, None))?;
    }
    Ok(())
}

impl Store {
    /// Re-derives the cases whose stored deadlines were computed before `today` (some deadlines, such
    /// as days of unlawful presence, appear only as days pass); returns how many.
    pub fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut total = 0;
        // In batches, each its own transaction, so that a day's refresh of a large organisation never
        // holds locks long enough to make other writers wait.
        loop {
            let count = self.write(|tx| {
                let policy = load_policy(tx, org)?;
                let context = DeriveContext::new(today, &policy, self.rule_set(), now, self.sealer());
                rederive_stale(tx, (self.sealer(), self.engine().claim_rows()), org, &context, all::DAY_RUN)
            })?;
            total += count;
            if count < all::DAY_RUN as usize {
                return Ok(total);
            }
        }
    }
}
