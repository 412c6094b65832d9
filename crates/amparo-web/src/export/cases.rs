//! `/export/cases.csv`: the case list with the filters and order of `/cases`, streamed a chunk of
//! rows at a time so that a large organisation's list is never held whole in memory.

use amparo_domain::Date;
use amparo_store::{CASE_LIST_MAX_OFFSET, CasePage, CaseQuery, CaseSummary, Store};
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
/// The most rows a download holds: the case list's deepest page (its offset is bounded in the
/// store) and one chunk beyond it.
const MAX_ROWS: i64 = CASE_LIST_MAX_OFFSET + CHUNK_ROWS;

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
    // Legal dates are calendar dates, taken in UTC as the case list takes them.
    let today = Date::from(now.date_naive());
    let user = signed_in.user.clone();
    let mut query = params::parse(&params, &user.id, today)?.query;
    query.shared_with = crate::cases::visibility::shared_only(&user);
    query.offset = 0;
    query.limit = CHUNK_ROWS;
    // The first chunk is read and the download audited before anything is sent: an export that
    // cannot be audited is not served.
    let (first, query) = state
        .with_store(move |store| {
            let first: CasePage = store.list_cases(&user.org_id, &query)?;
            let rows = usize::try_from(first.total.min(MAX_ROWS)).unwrap_or(0);
            store.record_audit(&user.org_id, &super::audit_event(&user, "case_list", rows), now)?;
            Ok((first, query))
        })
        .await?;
    let mut head = String::from(BYTE_ORDER_MARK);
    push_row(&mut head, &HEADERS.map(|id| lang.t(id)));
    let total = first.total.min(MAX_ROWS);
    head.push_str(&rows(lang, first.cases));
    let (sender, receiver) = tokio::sync::mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    // The first chunk fits the channel, which is empty.
    let _ = sender.try_send(Ok(head));
    let store = state.store.clone();
    let org = signed_in.user.org_id.clone();
    tokio::task::spawn_blocking(move || send_rest(&store, &org, query, total, lang, &sender));
    Ok(response::streamed(&format!("cases-{today}.csv"), receiver))
}

/// Reads and sends the chunks after the first until `total` rows are sent or the client is gone.
fn send_rest(
    store: &Store,
    org: &amparo_store::OrgId,
    mut query: CaseQuery,
    total: i64,
    lang: Lang,
    sender: &tokio::sync::mpsc::Sender<Chunk>,
) {
    query.offset = CHUNK_ROWS;
    while query.offset < total && query.offset <= CASE_LIST_MAX_OFFSET {
        let chunk = match store.list_cases(org, &query) {
            Ok(page) if page.cases.is_empty() => break,
            Ok(page) => Ok(rows(lang, page.cases)),
            Err(e) => {
                tracing::error!(error = %e, "case list export stopped");
                Err(std::io::Error::other("the case list could not be read"))
            }
        };
        let failed = chunk.is_err();
        if sender.blocking_send(chunk).is_err() || failed {
            break;
        }
        query.offset += CHUNK_ROWS;
    }
}
