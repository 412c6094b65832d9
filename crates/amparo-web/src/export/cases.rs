//! `/export/cases.csv`: the case list with the filters and order of `/cases`, every row of it,
//! streamed a chunk at a time (each continuing after the last row of the one before) so that a
//! large organisation's list is never held whole in memory.

use amparo_store::{CaseChunk, CaseQuery, CaseSummary};
use axum::extract::{Query, State};
use axum::response::Response;

use super::csv::{BYTE_ORDER_MARK, push_row};
use super::response::{self, Chunk};
use crate::AppState;
use crate::cases::list::params;
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::page::Lang;

/// Rows read from the store per chunk.
const CHUNK_ROWS: i64 = 500;
/// Chunks waiting to be sent before the reader pauses for a slow client.
const CHUNKS_IN_FLIGHT: usize = 4;

const HEADERS: [&str; 9] = [
    "col-reference",
    "col-patient",
    "col-programme",
    "col-status",
    "col-next-deadline",
    "export-col-next-deadline-kind",
    "col-score",
    "export-col-critical-care",
    "col-people",
];

fn row(lang: Lang, case: CaseSummary) -> [String; 9] {
    [
        case.reference,
        case.patient_name,
        lang.program(case.program),
        lang.status(case.status),
        case.next_due.map(|d| d.to_string()).unwrap_or_default(),
        case.next_kind.map(|k| lang.deadline_kind(&k)).unwrap_or_default(),
        case.triage_score.to_string(),
        lang.yes_no(case.critical_care),
        case.people.to_string(),
    ]
}

fn rows(lang: Lang, cases: Vec<CaseSummary>) -> String {
    let mut text = String::new();
    for case in cases {
        push_row(&mut text, &row(lang, case));
    }
    text
}

pub async fn cases_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(pairs);
    params::filters_only(&params)?;
    let lang = signed_in.lang();
    let now = state.clock.now();
    let today = signed_in.today(now);
    let user = signed_in.user.clone();
    let mut query = params::parse(&params, &user.id, today)?.query;
    query.shared_with = crate::cases::visibility::shared_only(&user);
    query.limit = CHUNK_ROWS;
    if let Some(id) = query.assigned_to.clone() {
        // As on the page: a person not of the organisation is named as wrong, not an empty file.
        let org = user.org_id.clone();
        let users = state.with_store(move |store| store.users(&org)).await?;
        if !users.iter().any(|u| u.id == id) {
            return Err(WebError::field("assigned", amparo_domain::Problem::NoSuchStaff));
        }
    }
    // The list is counted and the download audited before anything is read or sent: an export
    // that cannot be audited is not served.
    let (first, query) = state
        .with_store(move |store| {
            let count = CaseQuery { limit: 1, ..query.clone() };
            let rows = usize::try_from(store.list_cases(&user.org_id, &count)?.total).unwrap_or(0);
            store.record_audit(&user.org_id, &super::audit_event(&user, "case_list", rows), now)?;
            Ok((store.case_list_chunk(&user.org_id, &query, None)?, query))
        })
        .await?;
    let mut head = String::from(BYTE_ORDER_MARK);
    push_row(&mut head, &HEADERS.map(|id| lang.t(id)));
    head.push_str(&rows(lang, first.cases));
    let (sender, receiver) = tokio::sync::mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    // The first chunk fits the channel, which is empty.
    let _ = sender.try_send(Ok(head));
    if let Some(after) = first.next {
        tokio::spawn(send_rest(state, signed_in.user.org_id.clone(), query, after, lang, sender));
    }
    Ok(response::streamed(&format!("cases-{today}.csv"), receiver))
}

/// Reads and sends the chunks after the first until the list ends or the client is gone. Each chunk is
/// read on the blocking pool and sent from the executor, so a slow client holds no blocking thread
/// (the pool is bounded to what the database can serve: see `amparo serve`).
async fn send_rest(
    state: AppState,
    org: amparo_store::OrgId,
    query: CaseQuery,
    mut after: amparo_store::CaseListCursor,
    lang: Lang,
    sender: tokio::sync::mpsc::Sender<Chunk>,
) {
    loop {
        let (org, query, cursor) = (org.clone(), query.clone(), after.clone());
        let read = state.with_store(move |store| store.case_list_chunk(&org, &query, Some(&cursor))).await;
        let (chunk, next) = match read {
            Ok(CaseChunk { cases, next }) => (Ok(rows(lang, cases)), next),
            Err(e) => {
                tracing::error!(error = %e, "case list export stopped");
                (Err(std::io::Error::other("the case list could not be read")), None)
            }
        };
        if sender.send(chunk).await.is_err() {
            return;
        }
        match next {
            Some(cursor) => after = cursor,
            None => return,
        }
    }
}
