//! HTML pages. Every page works without JavaScript; every form post carries a CSRF token.

use amparo_domain::{Derivation, Event};
use amparo_store::{CaseId, SessionRecord, SessionStage, StoredCase};
use axum::{Extension, Form};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{SignedIn, token_hash};
use crate::error::WebError;
use crate::event_form::{self, EventFormState, EventFormView};
use crate::sharing_pages::ShareForm;
use crate::views::{
    self, CasePage, DeadlineView, EventView, Lang, LoginPage, MedicalView, NextDeadline, PersonView,
    StatusView, Viewer,
};
use crate::{AppState, cookies, i18n, password, throttle};

pub async fn health(State(state): State<AppState>) -> Response {
    match state.with_store(|store| store.ping()).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

pub async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/app.css")).into_response()
}

/// `/` is the dashboard.
pub async fn home(state: State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    crate::dashboard::dashboard(state, signed_in).await
}

fn viewer(signed_in: &SignedIn) -> Viewer {
    Viewer::of(signed_in)
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    reset: Option<String>,
}

/// Only local paths are followed after sign-in, so the form cannot be used to send people elsewhere.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => String::from("/"),
    }
}

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let csrf_token = cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let cookie = cookies::set(cookies::LOGIN_CSRF, &csrf_token, 3600, state.secure_cookies);
    let page = LoginPage { lang, csrf_token, next, email, error, notice };
    Ok((status, [(SET_COOKIE, cookie)], views::render(&page)).into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let lang = i18n::from_request(&headers);
    let notice = match (query.expired, query.reset) {
        (_, Some(_)) => Some(lang.t("login-password-changed")),
        (Some(_), None) => Some(lang.t("login-expired")),
        (None, None) => None,
    };
    login_page(&state, lang, StatusCode::OK, safe_next(query.next.as_deref()), String::new(), None, notice)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    next: Option<String>,
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookies::get(&headers, cookies::LOGIN_CSRF).unwrap_or_default();
    if expected.is_empty() || !cookies::constant_time_eq(&expected, &form.csrf) {
        return Err(WebError::Csrf);
    }
    let lang = i18n::from_request(&headers);
    let email = form.email.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let throttle_keys = throttle::keys(&email, peer.map(|Extension(ConnectInfo(address))| address.ip()));
    let started = state.clock.now();
    // Refused before the password is looked at, right or wrong: a guessing loop learns nothing.
    if let Err(wait) = state.throttle.check(&throttle_keys, started) {
        tracing::warn!("sign-in throttled");
        let minutes = (wait.num_seconds() + 59) / 60;
        let error = Some(lang.t1("login-throttled", "minutes", minutes));
        let mut response = login_page(&state, lang, StatusCode::TOO_MANY_REQUESTS, next, email, error, None)?;
        if let Ok(value) = axum::http::HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let lookup = email.clone();
    let credentials = state.with_store(move |store| store.credentials_by_email(&lookup)).await?;
    let password_text = form.password;
    // Verify even for an unknown email, against a dummy hash, so timing does not reveal which emails exist.
    let (hash, user, stage) = match credentials {
        Some(c) => {
            let stage = amparo_store::stage_after_password(c.second_factor, c.second_factor_required());
            (c.password_hash.clone(), Some(c.user), stage)
        }
        None => (password::DUMMY_HASH.to_owned(), None, SessionStage::Complete),
    };
    let matches = tokio::task::spawn_blocking(move || password::verify_password(&password_text, &hash))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let Some(user) = user.filter(|_| matches) else {
        tracing::info!("sign-in refused");
        state.throttle.record_failure(&throttle_keys, started);
        let error = Some(lang.t("login-refused"));
        return login_page(&state, lang, StatusCode::UNAUTHORIZED, next, email, error, None);
    };
    // With a second factor to come, the account's failures are cleared only by a right code:
    // otherwise each retyped password would buy a fresh run of code guesses.
    if stage != SessionStage::SecondFactor {
        state.throttle.record_success(&email);
    }
    let token = cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let csrf_token = cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let now = state.clock.now();
    let session = SessionRecord {
        token_hash: token_hash(&token),
        org_id: user.org_id.clone(),
        user_id: user.id.clone(),
        csrf_token,
        created_at: now,
        last_seen_at: now,
        stage,
    };
    state.with_store(move |store| store.create_session(&session)).await?;
    let (max_age, next) = match stage {
        SessionStage::Complete => {
            tracing::info!(user = %user.id, "signed in");
            (crate::auth::ABSOLUTE_TIMEOUT.num_seconds(), next)
        }
        SessionStage::SecondFactor => {
            tracing::info!(user = %user.id, "password accepted; second-factor code to come");
            let to = format!("/login/second-factor?next={}", crate::auth::encode_next(&next));
            (crate::auth::PENDING_LIFETIME.num_seconds(), to)
        }
        SessionStage::Enrolment => {
            tracing::info!(user = %user.id, "signed in; a second factor must be set up");
            let to = format!("/account/security?required=1&next={}", crate::auth::encode_next(&next));
            (crate::auth::ABSOLUTE_TIMEOUT.num_seconds(), to)
        }
    };
    // Appended, not inserted: two cookies means two Set-Cookie headers.
    // The language cookie follows the user's own choice, so pages shown after sign-out stay in it.
    let headers = AppendHeaders([
        (SET_COOKIE, cookies::set(cookies::SESSION, &token, max_age, state.secure_cookies)),
        (SET_COOKIE, cookies::set(cookies::LOGIN_CSRF, "", 0, state.secure_cookies)),
        (SET_COOKIE, i18n::language_cookie(user.language, state.secure_cookies)),
    ]);
    Ok((headers, Redirect::to(&next)).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_csrf(&form.csrf)?;
    let hash = signed_in.token_hash.clone();
    state.with_store(move |store| store.delete_session(&hash)).await?;
    let cookie = cookies::set(cookies::SESSION, "", 0, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// Signs the user out on every device (a lost phone, a shared computer): every session ends.
pub async fn logout_everywhere(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_csrf(&form.csrf)?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let ended = state
        .with_store(move |store| {
            let ended = store.delete_sessions_of(&user.org_id, &user.id)?;
            let event = amparo_store::AuditEvent {
                actor: Some(user.id.clone()),
                action: "sessions.ended".into(),
                target: user.id.as_str().to_owned(),
                detail: serde_json::json!({ "sessions": ended }),
            };
            store.record_audit(&user.org_id, &event, now)?;
            Ok(ended)
        })
        .await?;
    tracing::info!(user = %signed_in.user.id, sessions = ended, "signed out everywhere");
    let cookie = cookies::set(cookies::SESSION, "", 0, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

pub async fn case_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let case = load_case(&state, &signed_in, id, "page").await?;
    let sharing = ShareForm::after_redirect(&crate::input::Params(params), signed_in.lang());
    render_case_with(&state, &signed_in, case, EventFormState::empty(), sharing, StatusCode::OK).await
}

/// A case the signed-in person may see (a clinician: only one shared with them), with the read
/// written to the audit trail; "not found" otherwise.
pub(crate) async fn load_case(
    state: &AppState,
    signed_in: &SignedIn,
    id: String,
    via: &'static str,
) -> Result<StoredCase, WebError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    state
        .with_store(move |store| {
            let id = CaseId(id);
            if !crate::access::may_see(store, &user, &id)? {
                return Ok(None);
            }
            let Some(case) = store.case(&user.org_id, &id)? else { return Ok(None) };
            store.record_audit(&user.org_id, &crate::access::case_read(&user, &id, via), now)?;
            Ok(Some(case))
        })
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))
}

/// The case page, with the event form as given (empty, or as typed with its problems).
pub(crate) async fn render_case(
    state: &AppState,
    signed_in: &SignedIn,
    case: StoredCase,
    form: EventFormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    render_case_with(state, signed_in, case, form, ShareForm::default(), status).await
}

/// The case page, with the event form and the sharing form as given.
pub(crate) async fn render_case_with(
    state: &AppState,
    signed_in: &SignedIn,
    mut case: StoredCase,
    form: EventFormState,
    share_form: ShareForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    let org = signed_in.user.org_id.clone();
    let id = case.id.clone();
    let may_share = crate::access::allows(signed_in.user.role, crate::access::Permission::ShareCases);
    let (policy, mut triage, shares) = state
        .with_store(move |store| {
            let triage = CaseTriageData {
                escalations: store.escalations(&org, &id)?,
                tasks: store.case_tasks(&org, &id)?,
                assignments: store.assignments(&org, &id)?,
                users: store.users(&org)?,
            };
            let shares = if may_share { store.case_shares(&org, &id)? } else { Vec::new() };
            Ok((store.policy(&org)?, triage, shares))
        })
        .await?;
    let sharing = crate::sharing_pages::view(&signed_in.user, &shares, &triage.users, share_form);
    tracing::debug!(case = %case.id, "case page");
    // Legal dates are calendar dates; until organisations carry a time zone, the day is taken in UTC.
    let today = amparo_domain::Date::from(state.clock.now().date_naive());
    // The store's rules: the built-in set or the operator's file, as the stored deadlines are.
    let derivation = amparo_domain::derive(&case.file, today, &policy, state.store.rules());
    let lang = signed_in.lang();
    if !crate::access::sees_timeline(&signed_in.user) {
        // Statuses and deadlines are derived from the whole timeline above; the timeline itself,
        // escalations and other people's tasks are legal work a clinician does not read.
        case.file.events.clear();
        triage.escalations.clear();
        let me = &signed_in.user.id;
        triage.tasks.retain(|t| t.owner_id.as_ref() == Some(me));
    }
    let section = crate::triage_pages::case_triage(
        triage.escalations,
        triage.tasks,
        &triage.assignments,
        &triage.users,
        lang,
        state.clock.now(),
    );
    let event_form = event_form::view(&form, &case.file, lang);
    let mut page =
        case_view(lang, viewer(signed_in), &case, (&derivation, state.store.rules()), section, event_form);
    page.sharing = sharing;
    Ok((status, views::render(&page)).into_response())
}

/// The print view of a case: its facts, statuses, deadlines with their reasons, and timeline.
pub async fn case_print(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let mut case = load_case(&state, &signed_in, id, "print").await?;
    let org = signed_in.user.org_id.clone();
    let policy = state.with_store(move |store| store.policy(&org)).await?;
    let today = amparo_domain::Date::from(state.clock.now().date_naive());
    // The store's rules: the built-in set or the operator's file, as the stored deadlines are.
    let derivation = amparo_domain::derive(&case.file, today, &policy, state.store.rules());
    if !crate::access::sees_timeline(&signed_in.user) {
        case.file.events.clear();
    }
    let lang = signed_in.lang();
    let empty = crate::triage_pages::CaseTriage {
        open: Vec::new(),
        closed: Vec::new(),
        other_tasks: Vec::new(),
        assignments: Vec::new(),
    };
    let form = event_form::view(&EventFormState::empty(), &case.file, lang);
    let page = views::CasePrintPage {
        lang,
        case: case_view(lang, viewer(&signed_in), &case, (&derivation, state.store.rules()), empty, form),
        printed: lang.moment(state.clock.now()),
    };
    Ok(views::render(&page).into_response())
}

/// What the case page shows of triage: escalations, tasks, who is assigned, and who could be.
struct CaseTriageData {
    escalations: Vec<amparo_store::Escalation>,
    tasks: Vec<amparo_store::Task>,
    assignments: Vec<amparo_store::Assignment>,
    users: Vec<amparo_store::User>,
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| String::from("—"))
}

fn case_view(
    lang: Lang,
    viewer: Viewer,
    stored: &StoredCase,
    // The derivation and the rule set it came from, which words each *why* in the reader's language.
    (derivation, rules): (&Derivation, &amparo_domain::RuleSet),
    triage: crate::triage_pages::CaseTriage,
    event_form: EventFormView,
) -> CasePage {
    let case = &stored.file.case;
    let name_of = |key: &str| case.person(key).map(|p| p.full_name()).unwrap_or_else(|| key.to_owned());
    let people = case
        .people
        .iter()
        .map(|p| PersonView {
            key: p.key.clone(),
            name: p.full_name(),
            role: lang.person_role(p.role),
            birth_date: lang.date_or_dash(p.birth_date),
            a_number: or_dash(p.a_number.as_ref().map(|a| a.as_str().to_owned())),
            citizenship: or_dash(p.citizenship.as_ref().map(|c| c.as_str().to_owned())),
            language: p.preferred_language.as_ref().map_or_else(
                || String::from("—"),
                |tag| tag.language().map_or_else(|| tag.as_str().to_owned(), |l| lang.language_name(l)),
            ),
        })
        .collect();
    let medical = case.medical.as_ref().map(|m| MedicalView {
        person: name_of(&m.person),
        condition: m.condition.clone(),
        regimen: or_dash(m.regimen.clone()),
        hours_per_day: or_dash(m.hours_per_day.map(|h| lang.number(i64::from(h)))),
        facility: or_dash(m.facility.clone()),
        available_in_origin: or_dash(m.available_in_origin_country.map(|a| lang.yes_no(a))),
        days_to_critical_harm: or_dash(m.days_to_critical_harm.map(|d| lang.number(i64::from(d)))),
        attested_on: lang.date_or_dash(m.attested_on),
    });
    let events = &stored.file.events;
    let superseded_by = |e: &Event| {
        let id = e.id.as_ref()?;
        events.iter().find(|other| other.supersedes.as_ref() == Some(id)).and_then(|c| c.id.clone())
    };
    let timeline = events
        .iter()
        .enumerate()
        .rev()
        .map(|(index, e)| EventView {
            id: e.id.clone().unwrap_or_else(|| format!("#{}", index + 1)),
            event_type: lang.event_type(e.kind.type_name()),
            on: lang.date(e.on),
            persons: e
                .persons
                .as_ref()
                .map(|keys| keys.iter().map(|k| name_of(k)).collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| lang.t("timeline-everyone")),
            details: event_details(lang, e),
            superseded_by: superseded_by(e),
        })
        .collect();
    let statuses = derivation
        .people
        .iter()
        .map(|p| StatusView {
            name: name_of(&p.person),
            status: lang.status(p.status),
            parole_ends: lang.date_or_dash(p.parole_ends),
        })
        .collect();
    let next_deadline =
        derivation.deadlines.iter().find(|d| d.due >= derivation.today).map(|d| NextDeadline {
            due: lang.date(d.due),
            in_days: derivation.today.days_until(d.due),
            kind: lang.deadline_kind(d.kind.as_str()),
            person: d.person.as_deref().map(&name_of).unwrap_or_else(|| lang.t("deadline-whole-case")),
        });
    let deadlines = derivation
        .deadlines
        .iter()
        .map(|d| DeadlineView {
            due: lang.date(d.due),
            kind: lang.deadline_kind(d.kind.as_str()),
            person: d.person.as_deref().map(&name_of).unwrap_or_else(|| lang.t("deadline-whole-case")),
            basis: lang.basis(d.basis),
            why: rules.deadline_why(lang.0, d),
            citation: d.citation.to_string(),
            rule: d.rule.as_str(),
            past: d.due < derivation.today,
        })
        .collect();
    CasePage {
        next_deadline,
        lang,
        event_form,
        case_id: stored.id.0.clone(),
        open_escalations: triage.open,
        closed_escalations: triage.closed,
        other_tasks: triage.other_tasks,
        assignments: triage.assignments,
        today: lang.date(derivation.today),
        covered_until: lang.date_or_dash(derivation.covered_until),
        statuses,
        deadlines,
        viewer,
        reference: case.reference.to_string(),
        program: lang.program(case.program),
        version: stored.version,
        people,
        medical,
        events: timeline,
        sharing: None,
    }
}

/// The event's own facts in one short line.
fn event_details(lang: Lang, event: &Event) -> String {
    let raw = amparo_domain::RawEvent::from(event);
    let mut parts = Vec::new();
    let mut date = |id: &str, value: Option<amparo_domain::Date>| {
        if let Some(d) = value {
            parts.push(lang.t1(id, "date", lang.date(d)));
        }
    };
    date("detail-valid-until", raw.valid_until);
    date("detail-effective", raw.effective);
    date("detail-depart-by", raw.depart_by);
    date("detail-respond-by", raw.respond_by);
    date("detail-pay-by", raw.pay_by);
    if let Some(how) = raw.served_by {
        parts.push(lang.t1("detail-served-by", "how", lang.served_by(how)));
    }
    if let Some(receipt) = raw.receipt_number {
        parts.push(lang.t1("detail-receipt", "receipt", receipt.to_string()));
    }
    if let Some(days) = raw.days_to_critical_harm {
        parts.push(lang.t1("detail-days-to-harm", "days", days));
    }
    if parts.is_empty() { String::new() } else { format!("({})", parts.join(", ")) }
}
