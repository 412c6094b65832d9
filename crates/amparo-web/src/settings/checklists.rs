//! The escalation checklists on the settings page: an administrator edits the tasks each kind of
//! escalation starts with (titles in both languages, owner, hours), or goes back to the server's.
//! The organisation's checklists are kept with its policy and shape escalations opened afterwards.

use amparo_domain::org::UserRole;
use amparo_domain::triage::escalation::{MAX_DUE_HOURS, RawTask};
use amparo_domain::triage::{EscalationTemplates, TriggerKind};
use amparo_domain::{Problem, case_file::MAX_SHORT_TEXT};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::settings::views::{ChecklistView, TaskRow};
use crate::ui::form::Choice;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;

/// The roles a task may be owned by.
const OWNERS: [UserRole; 3] = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician];
/// At most this many tasks in one checklist (the form offers one empty row more).
pub const MAX_TASKS: usize = 20;

/// The id of one field of one task row of a kind's form.
pub fn field_id(kind: TriggerKind, row: usize, field: &str) -> String {
    format!("tpl-{}-{row}-{field}", kind.as_str())
}

/// One checklist as form rows, `rows` numbered as the form numbers them, and one empty row after
/// the last to add a task.
pub fn view(lang: Lang, kind: TriggerKind, rows: &[TypedRow]) -> ChecklistView {
    let tasks = rows.len();
    let next = rows.last().map_or(0, |r| r.row + 1);
    let blank = TypedRow { row: next, owner: String::from("attorney"), ..TypedRow::default() };
    let rows = rows
        .iter()
        .chain((rows.len() < MAX_TASKS).then_some(&blank))
        .map(|task| TaskRow {
            number: task.row + 1,
            prefix: field_id(kind, task.row, ""),
            title_en: task.title_en.clone(),
            title_es: task.title_es.clone(),
            owners: OWNERS
                .iter()
                .map(|r| Choice {
                    value: r.as_str().to_owned(),
                    label: lang.user_role(*r),
                    selected: r.as_str() == task.owner,
                })
                .collect(),
            due_hours: task.due_hours.clone(),
            due_hours_critical: task.due_hours_critical.clone(),
        })
        .collect();
    ChecklistView {
        kind: kind.as_str().to_owned(),
        trigger: lang.t(&format!("trigger-{}", kind.as_str())),
        rows,
        tasks,
        open: false,
    }
}

/// The tasks of a checklist as stored, as form rows.
pub fn stored_rows(templates: &EscalationTemplates, kind: TriggerKind) -> Vec<TypedRow> {
    templates
        .tasks(kind)
        .iter()
        .enumerate()
        .map(|(row, task)| TypedRow {
            row,
            title_en: task.title_en.clone(),
            title_es: task.title_es.clone(),
            owner: task.owner_role.as_str().to_owned(),
            due_hours: task.due_hours.to_string(),
            due_hours_critical: task.due_hours_critical.to_string(),
        })
        .collect()
}

/// A task row as typed (or as stored): text, so a refused form shows exactly what was typed.
#[derive(Default)]
pub struct TypedRow {
    row: usize,
    title_en: String,
    title_es: String,
    owner: String,
    due_hours: String,
    due_hours_critical: String,
}

impl TypedRow {
    /// Row `row` of a checklist given as values rather than typed (the API's), its hours as text
    /// so that [`check`] reads them as the form's.
    pub fn given(row: usize, task: RawTask) -> TypedRow {
        TypedRow {
            row,
            title_en: task.title_en,
            title_es: task.title_es,
            owner: task.owner,
            due_hours: task.due_hours.to_string(),
            due_hours_critical: task.due_hours_critical.to_string(),
        }
    }
}

fn typed_rows(form: &Params, kind: TriggerKind) -> Vec<TypedRow> {
    (0..=MAX_TASKS)
        .map(|row| {
            let get = |field: &str| form.text(&field_id(kind, row, field));
            TypedRow {
                row,
                title_en: get("title_en"),
                title_es: get("title_es"),
                owner: get("owner"),
                due_hours: get("due_hours"),
                due_hours_critical: get("due_hours_critical"),
            }
        })
        // A row whose titles and hours are all blank is no task: that is how a task is removed.
        .filter(|r| {
            ![&r.title_en, &r.title_es, &r.due_hours, &r.due_hours_critical].iter().all(|t| t.is_empty())
        })
        .collect()
}

/// One wrong field of a checklist as typed: its row, which field, and what is wrong with it.
#[derive(Debug)]
pub struct RowProblem {
    pub row: usize,
    pub field: &'static str,
    pub problem: Problem,
}

/// The checklist the typed rows describe, or every field that is wrong (the page's form and the
/// API check a checklist by this one rule).
pub fn check(rows: &[TypedRow]) -> Result<Vec<RawTask>, Vec<RowProblem>> {
    let mut errors = Vec::new();
    let mut fail = |row: usize, field: &'static str, problem: Problem| {
        errors.push(RowProblem { row, field, problem });
    };
    if rows.is_empty() {
        fail(0, "title_en", Problem::Required);
    }
    let mut tasks = Vec::new();
    for typed in rows {
        for (field, text) in [("title_en", &typed.title_en), ("title_es", &typed.title_es)] {
            if text.is_empty() {
                fail(typed.row, field, Problem::Required);
            } else if text.chars().count() > MAX_SHORT_TEXT {
                fail(typed.row, field, Problem::TooLong { max: MAX_SHORT_TEXT });
            }
        }
        if !OWNERS.iter().any(|r| r.as_str() == typed.owner) {
            let expected = OWNERS.iter().map(|r| r.as_str().to_owned()).collect();
            fail(typed.row, "owner", Problem::UnknownValue { value: typed.owner.clone(), expected });
        }
        let mut hours = |field: &'static str, text: &str| match text.parse::<i64>() {
            Ok(h) if (1..=MAX_DUE_HOURS).contains(&h) => h,
            _ => {
                fail(typed.row, field, Problem::WholeNumberBetween { min: 1, max: MAX_DUE_HOURS });
                0
            }
        };
        let due_hours = hours("due_hours", &typed.due_hours);
        let due_hours_critical = hours("due_hours_critical", &typed.due_hours_critical);
        if due_hours > 0 && due_hours_critical > due_hours {
            fail(typed.row, "due_hours_critical", Problem::AtMost { max: due_hours });
        }
        tasks.push(RawTask {
            title_en: typed.title_en.clone(),
            title_es: typed.title_es.clone(),
            owner: typed.owner.clone(),
            due_hours,
            due_hours_critical,
        });
    }
    if errors.is_empty() { Ok(tasks) } else { Err(errors) }
}

/// [`check`], each wrong field worded for the form.
fn parse(rows: &[TypedRow], kind: TriggerKind, lang: Lang) -> Result<Vec<RawTask>, Vec<FieldError>> {
    check(rows).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| FieldError {
                id: field_id(kind, p.row, p.field),
                message: lang.form_problem(&p.problem),
            })
            .collect()
    })
}

/// A name for an organisation's own checklists: when they were saved.
fn version_id(now: DateTime<Utc>) -> String {
    format!("organisation/{}", now.format("%Y-%m-%dT%H:%M:%SZ"))
}

pub async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(kind): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let kind = TriggerKind::parse(&kind).ok_or_else(|| WebError::NotFound("checklist".into()))?;
    let lang = signed_in.lang();
    let rows = typed_rows(&form, kind);
    let tasks = match parse(&rows, kind, lang) {
        Ok(tasks) => tasks,
        Err(errors) => {
            let mut view = crate::settings::page::page(&state, &signed_in, None, errors, None).await?;
            view.errors_heading = lang.t("settings-checklist-error-summary");
            if let Some(checklist) = view.checklists.iter_mut().find(|c| c.kind == kind.as_str()) {
                // What was typed, rows keeping their numbers so the error links point at them.
                *checklist = self::view(lang, kind, &rows);
                checklist.open = true;
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
        }
    };
    replace(&state, &signed_in, kind, tasks).await?;
    Ok(Redirect::to("/settings?checklist_saved=1#checklists-h").into_response())
}

/// Replaces the organisation's checklist of `kind` with `tasks` (checked by [`check`]), keeping
/// the other kinds as they are when the change is written; the store audits it.
pub async fn replace(
    state: &AppState,
    signed_in: &SignedIn,
    kind: TriggerKind,
    tasks: Vec<RawTask>,
) -> Result<(), WebError> {
    let org = signed_in.user.org_id.clone();
    let actor = signed_in.user.id.clone();
    let now = state.clock.now();
    let server = state.store.escalation_templates().clone();
    let change = move |current: Option<EscalationTemplates>| {
        let current = current.unwrap_or_else(|| server.clone());
        let checklists = TriggerKind::ALL
            .into_iter()
            .map(|k| {
                let tasks = if k == kind {
                    tasks.clone()
                } else {
                    current.tasks(k).iter().map(RawTask::from).collect()
                };
                (k, tasks)
            })
            .collect();
        EscalationTemplates::from_checklists(version_id(now), checklists)
            .map(Some)
            .map_err(|e| amparo_store::StoreError::Invalid(format!("checklist: {e}")))
    };
    state
        .with_store(move |store| store.update_escalation_templates(&org, &change, Some(&actor), now))
        .await?;
    tracing::info!(user = %signed_in.user.id, kind = kind.as_str(), "escalation checklist changed");
    Ok(())
}

/// Goes back to the server's checklists; the store audits it.
pub async fn restore_server_checklists(state: &AppState, signed_in: &SignedIn) -> Result<(), WebError> {
    let org = signed_in.user.org_id.clone();
    let actor = signed_in.user.id.clone();
    let now = state.clock.now();
    state
        .with_store(move |store| store.update_escalation_templates(&org, &|_| Ok(None), Some(&actor), now))
        .await?;
    tracing::info!(user = %signed_in.user.id, "escalation checklists back to the server's");
    Ok(())
}

/// Goes back to the server's checklists (those of `escalation_templates_file`, else Amparo's own).
pub async fn reset(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let _form = Params(form);
    restore_server_checklists(&state, &signed_in).await?;
    Ok(Redirect::to("/settings?checklist_saved=1#checklists-h").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Params {
        Params(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn blank_rows_are_dropped_and_every_wrong_field_is_named() {
        let lang = Lang::new(amparo_domain::Language::En);
        let kind = TriggerKind::TerminationNotice;
        let id = |row, field| field_id(kind, row, field);
        let ok = form(&[
            (&id(0, "title_en"), "Call the family"),
            (&id(0, "title_es"), "Llamar a la familia"),
            (&id(0, "owner"), "advocate"),
            (&id(0, "due_hours"), "24"),
            (&id(0, "due_hours_critical"), "4"),
            (&id(1, "owner"), "attorney"),
        ]);
        let tasks = parse(&typed_rows(&ok, kind), kind, lang).unwrap();
        assert_eq!(tasks.len(), 1, "the untouched row is no task");
        assert_eq!((tasks[0].due_hours, tasks[0].due_hours_critical), (24, 4));

        let bad = form(&[
            (&id(0, "title_en"), "Call the family"),
            (&id(0, "owner"), "viewer"),
            (&id(0, "due_hours"), "24"),
            (&id(0, "due_hours_critical"), "48"),
            (&id(2, "title_en"), "File the motion"),
            (&id(2, "title_es"), "Presentar la moción"),
            (&id(2, "owner"), "attorney"),
            (&id(2, "due_hours"), "0"),
            (&id(2, "due_hours_critical"), "x"),
        ]);
        let errors = parse(&typed_rows(&bad, kind), kind, lang).unwrap_err();
        let ids: Vec<&str> = errors.iter().map(|e| e.id.as_str()).collect();
        for expected in [
            id(0, "title_es"),
            id(0, "owner"),
            id(0, "due_hours_critical"),
            id(2, "due_hours"),
            id(2, "due_hours_critical"),
        ] {
            assert!(ids.contains(&expected.as_str()), "{expected} not among {ids:?}");
        }
        let nothing = parse(&typed_rows(&form(&[]), kind), kind, lang).unwrap_err();
        assert_eq!(nothing[0].id, id(0, "title_en"), "a checklist needs a task");
    }
}
