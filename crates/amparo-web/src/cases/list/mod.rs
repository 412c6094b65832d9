//! `/cases`: the case list with search, filters, sortable columns and paging that keeps them, as a
//! plain GET form whose URLs can be bookmarked. Clinicians see only the cases shared with them.

pub mod params;
pub mod views;

use amparo_domain::Status;
use amparo_domain::org::UserRole;
use amparo_store::{CASE_LIST_COUNT_CAP, CasePage, CaseSort, User, UserId};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::cases::list::views::{CaseListPage, CaseListRow, SortHeader};
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::Choice;
use crate::ui::page::{Lang, Viewer};
use crate::ui::viewer;
use params::PAGE_SIZE;

pub async fn case_list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let today = signed_in.today(state.clock.now());
    let me = signed_in.user.id.clone();
    let org = signed_in.user.org_id.clone();
    let users = state.with_store(move |store| store.users(&org)).await?;
    let mut view = empty_view(lang, viewer(&signed_in), &params, &users, &me);
    let request = params::page_number(&params)
        .and_then(|page| Ok((page, params::parse(&params, &me, today)?)))
        .and_then(|(page, request)| match &request.query.assigned_to {
            Some(id) if !users.iter().any(|u| &u.id == id) => {
                Err(WebError::field("assigned", amparo_domain::Problem::NoSuchStaff))
            }
            _ => Ok((page, request)),
        });
    let (page, mut request) = match request {
        Ok(parsed) => parsed,
        Err(e) => {
            let Some((field, message)) = e.worded(lang) else { return Err(e) };
            view.error_field = field;
            view.error = Some(message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
        }
    };
    let query = &mut request.query;
    query.shared_with = crate::cases::visibility::shared_only(&signed_in.user);
    query.offset = (page - 1) * PAGE_SIZE;
    query.limit = PAGE_SIZE;
    // Counted up to the cap, or to the end of this page on a page beyond it, so that paging on
    // works either way.
    query.count_up_to = Some(CASE_LIST_COUNT_CAP.max(query.offset + PAGE_SIZE));
    let (sort, descending) = (query.sort, query.descending);
    let org = signed_in.user.org_id.clone();
    let query = request.query;
    let result: CasePage = state.with_store(move |store| store.list_cases(&org, &query)).await?;
    view.reference = header(lang, &params, CaseSort::Reference, (sort, descending));
    view.patient = header(lang, &params, CaseSort::Patient, (sort, descending));
    view.next_deadline = header(lang, &params, CaseSort::NextDeadline, (sort, descending));
    view.score = header(lang, &params, CaseSort::Score, (sort, descending));
    view.total = result.total;
    view.total_capped = result.total_capped;
    view.first = (page - 1) * PAGE_SIZE + 1;
    view.last = (view.first + result.cases.len() as i64 - 1).max(0);
    let kept = params::query_string(&params, None);
    let link =
        |p: i64| if kept.is_empty() { format!("/cases?page={p}") } else { format!("/cases?{kept}&page={p}") };
    view.previous = (page > 1).then(|| link(page - 1));
    view.next =
        ((view.last < view.total || view.total_capped) && page < params::MAX_PAGE).then(|| link(page + 1));
    view.rows = result
        .cases
        .into_iter()
        .map(|c| CaseListRow {
            id: c.id.0,
            reference: c.reference,
            patient_name: c.patient_name,
            program: lang.program(c.program),
            status: lang.status(c.status),
            next_due: lang.date_or_dash(c.next_due),
            next_kind: c.next_kind.map(|k| lang.deadline_kind(&k)).unwrap_or_default(),
            score: c.triage_score,
            critical_care: c.critical_care,
            closed: c.closed,
        })
        .collect();
    Ok(crate::ui::render(&view).into_response())
}

/// The page with its form filled in from the request and no rows yet.
fn empty_view(lang: Lang, viewer: Viewer, params: &Params, users: &[User], me: &UserId) -> CaseListPage {
    let status = params.get("status");
    let assigned = params.get("assigned");
    let mut people =
        vec![Choice { value: "me".into(), label: lang.t("filter-me"), selected: assigned == Some("me") }];
    // Cases are assigned to attorneys, advocates and clinicians.
    people.extend(
        users
            .iter()
            .filter(|u| {
                matches!(u.role, UserRole::Attorney | UserRole::Advocate | UserRole::Clinician) && &u.id != me
            })
            .map(|u| Choice {
                value: u.id.0.clone(),
                label: lang.t2("task-owner", "name", u.display_name.as_str(), "role", lang.user_role(u.role)),
                selected: assigned == Some(u.id.as_str()),
            }),
    );
    let unsorted = || SortHeader { label: String::new(), href: String::new(), aria_sort: "" };
    CaseListPage {
        lang,
        viewer,
        search: params.text("q"),
        statuses: Status::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: lang.status(s),
                selected: status == Some(s.as_str()),
            })
            .collect(),
        closed_filters: amparo_store::ClosedFilter::ALL
            .into_iter()
            .map(|f| Choice {
                value: f.as_str().into(),
                label: lang.t(&format!("filter-closed-{}", f.as_str())),
                // Open is the default, so it is the one chosen when the parameter is absent.
                selected: params.get("closed").unwrap_or("open") == f.as_str(),
            })
            .collect(),
        programs: crate::ui::form::program_choices(lang, params.get("program")),
        people,
        critical: params.flag("critical").unwrap_or(false),
        due_within: params.text("due_within"),
        sorts: CaseSort::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: lang.t(sort_label(s)),
                selected: params.get("sort") == Some(s.as_str()),
            })
            .collect(),
        dirs: [("asc", "cases-ascending"), ("desc", "cases-descending")]
            .into_iter()
            .map(|(value, label)| Choice {
                value: value.into(),
                label: lang.t(label),
                selected: params.get("dir") == Some(value),
            })
            .collect(),
        filtered: ["q", "status", "program", "assigned", "due_within", "closed"]
            .iter()
            .any(|n| params.get(n).is_some())
            || params.flag("critical").unwrap_or(false),
        error: None,
        error_field: String::new(),
        reference: unsorted(),
        patient: unsorted(),
        next_deadline: unsorted(),
        score: unsorted(),
        rows: Vec::new(),
        total: 0,
        total_capped: false,
        first: 0,
        last: 0,
        previous: None,
        next: None,
        csv_href: match params::query_string(params, None) {
            kept if kept.is_empty() => String::from("/export/cases.csv"),
            kept => format!("/export/cases.csv?{kept}"),
        },
    }
}

/// A sortable column's header: sorting by another column starts in that column's usual direction;
/// the column in force turns round.
fn header(lang: Lang, params: &Params, column: CaseSort, (sort, descending): (CaseSort, bool)) -> SortHeader {
    let active = sort == column;
    let next_descending = if active { !descending } else { column.descending_by_default() };
    SortHeader {
        label: lang.t(sort_label(column)),
        href: format!("/cases?{}", params::query_string(params, Some((column, next_descending)))),
        aria_sort: match (active, descending) {
            (false, _) => "",
            (true, false) => "ascending",
            (true, true) => "descending",
        },
    }
}

/// The column header that sorts by `sort`.
fn sort_label(sort: CaseSort) -> &'static str {
    match sort {
        CaseSort::Reference => "col-reference",
        CaseSort::Patient => "col-patient",
        CaseSort::NextDeadline => "col-next-deadline",
        CaseSort::Score => "col-score",
    }
}
