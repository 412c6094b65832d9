//! `/triage`: the board of open cases by urgency, filtered (critical, mine, programme, due within
//! days) and paged with links that keep the filters. Reasons are shown in the reader's language.

use amparo_domain::Date;
use amparo_store::BoardEntry;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::input::{self, Params};
use crate::http::session::SignedIn;
use crate::triage::views::{BoardRow, TriagePage};
use crate::ui::form::{form_encode, program_choices};
use crate::ui::i18n::pick;
use crate::ui::page::Lang;
use crate::ui::viewer;

const PAGE_SIZE: i64 = 50;
/// Up to how many open cases the board counts ("more than 1,000" beyond), as the dashboard does.
const BOARD_COUNT_CAP: i64 = 1000;

/// Legal dates are calendar dates, taken in the organisation's time zone.
fn today(state: &AppState, signed_in: &SignedIn) -> Date {
    signed_in.today(state.clock.now())
}

/// One board entry as the board and the dashboard show it.
pub(crate) fn board_row(entry: BoardEntry, lang: Lang) -> BoardRow {
    let reasons: Vec<&str> = entry.reasons.iter().map(|r| pick(lang.0, &r.text_en, &r.text_es)).collect();
    BoardRow {
        case_id: entry.case_id.0,
        reference: entry.reference,
        patient_name: entry.patient_name,
        program: lang.program(entry.program),
        critical_care: entry.critical_care,
        score: entry.score,
        next_due: lang.date_or_dash(entry.next_due),
        next_kind: entry.next_kind.map(|k| lang.deadline_kind(&k)).unwrap_or_default(),
        reasons: if reasons.is_empty() { lang.t("triage-nothing-pressing") } else { reasons.join("; ") },
        open_escalations: entry.open_escalations,
    }
}

pub async fn board(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let page = params.int("page", 1, i64::MAX / PAGE_SIZE).ok().flatten().unwrap_or(1);
    let lang = signed_in.lang();
    let mut view = TriagePage {
        lang,
        viewer: viewer(&signed_in),
        rows: Vec::new(),
        total: 0,
        total_capped: false,
        first: 0,
        last: 0,
        previous: None,
        next: None,
        critical: params.flag("critical").unwrap_or(false),
        mine: params.flag("mine").unwrap_or(false),
        due_within: params.text("due_within"),
        programs: program_choices(lang, params.get("program")),
        error: None,
    };
    let mut filter = match input::board_filter(&params, &signed_in.user.id, today(&state, &signed_in)) {
        Ok(filter) => filter,
        Err(e) => {
            view.error = Some(e.to_string());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
        }
    };
    filter.offset = (page - 1) * PAGE_SIZE;
    filter.limit = PAGE_SIZE;
    // The board counts up to the cap (or to the end of this page, beyond it) rather than every open
    // case, so that its cost stays flat however many cases are open.
    let cap = BOARD_COUNT_CAP.max(filter.offset + PAGE_SIZE);
    filter.count_up_to = Some(cap);
    filter.shared_with = crate::cases::visibility::shared_only(&signed_in.user);
    let org = signed_in.user.org_id.clone();
    let result = state.with_store(move |store| store.board(&org, &filter)).await?;
    view.first = (page - 1) * PAGE_SIZE + 1;
    view.last = (view.first + result.entries.len() as i64 - 1).max(0);
    view.total = result.total.min(cap);
    view.total_capped = result.total > cap;
    view.rows = result.entries.into_iter().map(|e| board_row(e, lang)).collect();
    let query = format!(
        "critical={}&mine={}&program={}&due_within={}",
        view.critical,
        view.mine,
        form_encode(&params.text("program")),
        form_encode(&view.due_within)
    );
    let link = |p: i64| format!("/triage?{query}&page={p}");
    view.previous = (page > 1).then(|| link(page - 1));
    view.next = (view.last < view.total || view.total_capped).then(|| link(page + 1));
    Ok(crate::ui::render(&view).into_response())
}
