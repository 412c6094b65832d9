//! Stored deadlines read back: those due in a range (each with its rule's basis, citation and *why*,
//! rendered in the reader's language) and the window of upcoming ones the dashboard shows.

use amparo_domain::{Date, Language};

use crate::Store;
use crate::columns::{corrupt, stored_date};
use crate::db::{Row, Tx, Value};
use crate::error::StoreResult;
use crate::model::{CaseId, DeadlineQuery, DueDeadline, OrgId, UpcomingDeadline, UpcomingDeadlines, UserId};

/// Stored deadlines due in a date range, with `$4` the kind when `with_kind`.
fn deadlines_due_sql(with_kind: bool) -> String {
    let kind = if with_kind { " AND d.kind = $4" } else { "" };
    format!(
        "SELECT d.case_id, c.reference, d.kind, d.person, d.due, d.window_opens, d.rule, d.why_variant, d.why_facts, \
         d.advisory \
         FROM deadlines d JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id \
         WHERE d.org_id = $1 AND d.due >= $2 AND d.due <= $3{kind} \
         ORDER BY d.due, d.kind, c.reference, d.person"
    )
}

/// A window's lines, one per case, kind and day, off the `(org_id, due, case_id, kind)` index: due on
/// or after `from` and on or before `to` (placeholders or expressions), of the clinician `shared`
/// names only when given. They name `due` first, so that they come off the index in its order and a
/// count or a cut stops as soon as it has what it needs.
pub(crate) fn window_lines(from: &str, to: &str, shared: Option<&str>) -> String {
    let share = shared.map_or(String::new(), |user| {
        format!(" AND d.case_id IN (SELECT s.case_id FROM case_shares s WHERE s.org_id = $1 AND s.user_id = {user})")
    });
    format!(
        "SELECT DISTINCT d.due, d.case_id, d.kind FROM deadlines d \
         WHERE d.org_id = $1 AND d.due >= {from} AND d.due <= {to} AND d.advisory = 0{share}"
    )
}

/// The number of `lines`, up to `cap` (a placeholder).
pub(crate) fn window_count(lines: &str, cap: &str) -> String {
    format!("SELECT COUNT(*) FROM ({lines} LIMIT {cap}) l")
}

/// The day of the line `offset` places from the first, in due order: the cut-off beyond which no
/// line of the first `offset + 1` lies.
pub(crate) fn window_cut(lines: &str, offset: &str) -> String {
    format!("{lines} ORDER BY d.due LIMIT 1 OFFSET {offset}")
}

/// The first `limit` of `lines` with their case's reference, in due order: only these are joined to
/// their case (a whole window is thousands of lines in a large organisation).
pub(crate) fn window_first(lines: &str, limit: &str) -> String {
    format!(
        "SELECT l.case_id, c.reference, l.kind, l.due FROM ({lines}) l \
         JOIN cases c ON c.org_id = $1 AND c.id = l.case_id \
         ORDER BY l.due, l.kind, c.reference LIMIT {limit}"
    )
}

/// A window of deadlines from `$2` to `$3`, with `$4` the clinician when `shared`: the count of its
/// lines up to a cap, the day of its `n`th line in due order (the cut-off beyond which no first
/// line can lie), and the first lines up to that day; each takes its number (cap, `n`, limit) last.
fn upcoming_deadlines_sql(shared: bool) -> (String, String, String) {
    let last = if shared { "$5" } else { "$4" };
    let lines = window_lines("$2", "$3", shared.then_some("$4"));
    (window_first(&lines, last), window_count(&lines, last), window_cut(&lines, last))
}

/// A line of a window of deadlines from a row of [`window_first`].
pub(crate) fn upcoming_line(r: &Row) -> StoreResult<UpcomingDeadline> {
    Ok(UpcomingDeadline {
        case_id: CaseId(r.text(0)?),
        reference: r.text(1)?,
        kind: r.text(2)?,
        due: stored_date(&r.text(3)?)?,
    })
}

/// What a stored deadline shows: its rule's basis and citation and its *why* rendered from the facts.
struct RenderedDeadline {
    pub basis: &'static str,
    pub citation: String,
    pub why: String,
}

/// Renders a stored deadline's text with the rule set it was derived under, its *why* in `language`.
fn render_deadline(
    rules: &amparo_domain::RuleSet,
    language: amparo_domain::Language,
    rule: &str,
    variant: &str,
    facts: &str,
) -> StoreResult<RenderedDeadline> {
    let id = amparo_domain::rules::RuleId::parse(rule).ok_or_else(|| corrupt("deadline rule", rule))?;
    let facts: std::collections::HashMap<String, String> =
        serde_json::from_str(facts).map_err(|_| corrupt("deadline facts", facts))?;
    let why = rules.why_in(language, id, variant, |name| facts.get(name).map(String::as_str));
    let rule = rules.rule(id);
    Ok(RenderedDeadline { basis: rule.basis_for(variant).as_str(), citation: rule.citation.to_string(), why })
}

/// Stored deadlines due in the query's range, their text rendered with `rules` (the rule set the
/// store derives under, so the one every stored deadline was derived with).
fn deadlines_due(
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
    tx.query(&deadlines_due_sql(query.kind.is_some()), &params)?
        .iter()
        .map(|r| {
            let rule = r.text(6)?;
            let text = render_deadline(rules, language, &rule, &r.text(7)?, &r.text(8)?)?;
            Ok(DueDeadline {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                kind: r.text(2)?,
                person: r.opt_text(3)?,
                due: stored_date(&r.text(4)?)?,
                window_opens: r.opt_text(5)?.as_deref().map(stored_date).transpose()?,
                rule,
                basis: text.basis.to_owned(),
                citation: text.citation,
                why: text.why,
                advisory: r.int(9)? != 0,
            })
        })
        .collect()
}

pub(crate) fn upcoming_deadlines(
    tx: &mut dyn Tx,
    org: &OrgId,
    (from, to): (amparo_domain::Date, amparo_domain::Date),
    shared_with: Option<&UserId>,
    (limit, count_up_to): (i64, i64),
) -> StoreResult<UpcomingDeadlines> {
    let mut params: Vec<Value> = vec![org.as_str().into(), from.to_string().into(), to.to_string().into()];
    params.extend(shared_with.map(|u| Value::from(u.as_str())));
    let (list_sql, count_sql, cut_sql) = upcoming_deadlines_sql(shared_with.is_some());
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
    let first = tx.query(&list_sql, &params)?.iter().map(upcoming_line).collect::<StoreResult<_>>()?;
    Ok(UpcomingDeadlines { first, total })
}

impl Store {
    /// Stored deadlines due in the query's range across the organisation's cases (one indexed
    /// query), each *why* in English.
    pub fn deadlines_due(&self, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
        self.deadlines_due_in(org, query, Language::En)
    }

    /// As [`Store::deadlines_due`], each *why* written in `language`.
    pub fn deadlines_due_in(
        &self,
        org: &OrgId,
        query: &DeadlineQuery,
        language: Language,
    ) -> StoreResult<Vec<DueDeadline>> {
        self.read(|tx| deadlines_due(tx, org, query, self.rules(), language))
    }

    /// The first `limit` lines of a window of deadlines (one per case, kind and day), without their
    /// explanations, and the number of lines in all, counted up to `count_up_to` (a larger total
    /// reads as `count_up_to + 1`); `shared_with` keeps a clinician's cases only.
    pub fn upcoming_deadlines(
        &self,
        org: &OrgId,
        window: (Date, Date),
        shared_with: Option<&UserId>,
        limit_and_count_up_to: (i64, i64),
    ) -> StoreResult<UpcomingDeadlines> {
        self.read(|tx| upcoming_deadlines(tx, org, window, shared_with, limit_and_count_up_to))
    }
}
