//! `/export/tasks.csv`: my open tasks, as `/tasks` lists them (earliest due, so overdue, first),
//! each title in the reader's language.

use amparo_store::Task;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::csv::{BYTE_ORDER_MARK, push_row};
use crate::AppState;
use crate::http::error::WebError;
use crate::http::session::SignedIn;
use crate::ui::i18n::pick;
use crate::ui::page::Lang;

const HEADERS: [&str; 5] =
    ["col-reference", "export-col-task", "export-col-due", "export-col-overdue", "export-col-note"];

fn row(lang: Lang, task: Task, now: DateTime<Utc>) -> [String; 5] {
    [
        task.reference,
        pick(lang.0, &task.title_en, &task.title_es).to_owned(),
        // For spreadsheets: the exact instant, with the organisation's offset.
        lang.1.rfc3339(task.due_at),
        lang.yes_no(task.due_at <= now),
        task.note.unwrap_or_default(),
    ]
}

pub async fn tasks_csv(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let now = state.clock.now();
    let user = signed_in.user.clone();
    let tasks = state
        .with_store(move |store| {
            let tasks = store.open_tasks(&user.org_id, &user.id)?;
            store.record_audit(&user.org_id, &super::audit_event(&user, "tasks", tasks.len()), now)?;
            Ok(tasks)
        })
        .await?;
    let mut text = String::from(BYTE_ORDER_MARK);
    push_row(&mut text, &HEADERS.map(|id| lang.t(id)));
    for task in tasks {
        push_row(&mut text, &row(lang, task, now));
    }
    Ok(super::response::whole(&format!("tasks-{}.csv", lang.today(now)), text))
}
