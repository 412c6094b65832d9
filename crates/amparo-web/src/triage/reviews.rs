//! Programme reviews (`/reviews`): choose the cases a programme-wide change touches, preview them,
//! and open a review task on each that does not have it yet.

use amparo_store::{ReviewTask, SelectedCase};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::{self, MAX_DUE_IN_HOURS, Params};
use crate::http::session::SignedIn;
use crate::triage::actions;
use crate::triage::views::{ReviewCase, ReviewsPage};
use crate::ui::form::program_choices;
use crate::ui::page::Lang;
use crate::ui::viewer;

fn review_cases(lang: Lang, cases: Vec<SelectedCase>) -> Vec<ReviewCase> {
    cases
        .into_iter()
        .map(|c| ReviewCase {
            case_id: c.case_id.0,
            reference: c.reference,
            patient_name: c.patient_name,
            covered_until: lang.date_or_dash(c.covered_until),
        })
        .collect()
}

fn reviews_page(signed_in: &SignedIn, params: &Params) -> ReviewsPage {
    let lang = signed_in.lang();
    ReviewsPage {
        lang,
        viewer: viewer(signed_in),
        programs: program_choices(lang, params.get("program")),
        program: params.text("program"),
        class_of_admission: params.text("class_of_admission"),
        citizenship: params.text("citizenship"),
        parole_ends_before: params.text("parole_ends_before"),
        previewed: false,
        cases: Vec::new(),
        key: params.text("key"),
        title_en: params.text("title_en"),
        title_es: params.text("title_es"),
        due_in_hours: params.get("due_in_hours").unwrap_or("72").to_owned(),
        error: None,
        outcome: None,
    }
}

fn refused(mut page: ReviewsPage, error: WebError) -> Result<Response, WebError> {
    match error.worded(page.lang) {
        Some((_, message)) => {
            page.error = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&page)).into_response())
        }
        None => Err(error),
    }
}

pub async fn reviews(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let mut page = reviews_page(&signed_in, &params);
    if params.0.is_empty() {
        return Ok(crate::ui::render(&page).into_response());
    }
    let selection = match input::selection(&params) {
        Ok(selection) => selection,
        Err(e) => return refused(page, e),
    };
    let org = signed_in.user.org_id.clone();
    match state.with_store(move |store| store.select_cases(&org, &selection)).await {
        Ok(cases) => {
            page.previewed = true;
            page.cases = review_cases(page.lang, cases);
            Ok(crate::ui::render(&page).into_response())
        }
        Err(e) => refused(page, e),
    }
}

pub async fn open_reviews(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let mut page = reviews_page(&signed_in, &form);
    let parsed = input::selection(&form).and_then(|selection| {
        let hours = form.int("due_in_hours", 0, i64::from(MAX_DUE_IN_HOURS))?.unwrap_or(72);
        let review = ReviewTask {
            key: form.text("key"),
            title_en: form.text("title_en"),
            title_es: form.text("title_es"),
            due_in_hours: u32::try_from(hours).map_err(|_| {
                let max = i64::from(MAX_DUE_IN_HOURS);
                WebError::field("due_in_hours", amparo_domain::Problem::WholeNumberBetween { min: 0, max })
            })?,
        };
        Ok((selection, review))
    });
    let (selection, review) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return refused(page, e),
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let result = state
        .with_store(move |store| {
            let outcome = actions::open_reviews(store, &user, &selection, &review, now)?;
            Ok((outcome, store.select_cases(&user.org_id, &selection)?))
        })
        .await;
    let (outcome, cases) = match result {
        Ok(done) => done,
        Err(e) => return refused(page, e),
    };
    tracing::info!(selected = outcome.selected, created = outcome.created, "programme review opened");
    let existing = outcome.selected.saturating_sub(outcome.created);
    page.outcome = Some(page.lang.t3(
        "reviews-outcome",
        "created",
        outcome.created,
        "selected",
        outcome.selected,
        "existing",
        existing,
    ));
    page.previewed = true;
    page.cases = review_cases(page.lang, cases);
    Ok(crate::ui::render(&page).into_response())
}
