//! The case page and its print view: who the case is about, the medical profile, statuses and
//! deadlines with their reasons, the timeline, triage, sharing and the event form.

pub mod coverage;
pub mod views;

use amparo_domain::{Derivation, Event};
use amparo_store::{CaseId, StoredCase};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::cases::activity::{ActivityForms, contacts, notes};
use crate::cases::events::{self, EventFormState, EventFormView};
use crate::http::error::WebError;
use crate::http::session::SignedIn;
use crate::sharing::pages::ShareForm;
use crate::ui::page::{Lang, Viewer};
use crate::ui::viewer;
use views::{CasePage, DeadlineView, EventView, MedicalView, NextDeadline, PersonView, StatusView};

pub async fn case_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let case = load_case(&state, &signed_in, id, "page").await?;
    let params = crate::http::input::Params(params);
    let sharing = ShareForm::after_redirect(&params, signed_in.lang());
    // The event form sent after the session ended comes back filled in, to be sent again.
    let page = format!("/cases/{}", case.id.0);
    let event_form = |page: &str, action: &str| action.strip_prefix(page) == Some("/events");
    let (kept, forget) =
        crate::http::kept_forms::take(&state, &headers, &signed_in.user, event_form, page).await?;
    let form = kept.map_or_else(EventFormState::empty, |k| EventFormState::kept(k.fields, signed_in.lang()));
    let editing = params.0.iter().any(|(name, _)| name == "edit");
    let forms = (form, sharing, ActivityForms { editing, ..ActivityForms::default() });
    let mut response = render_case_full(&state, &signed_in, case, forms, StatusCode::OK).await?;
    crate::http::kept_forms::set_cookie(&mut response, forget);
    Ok(response)
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
        .with_store(move |store| crate::cases::actions::read_case(store, &user, &CaseId(id), via, now))
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

/// The case page, with the note and contact forms as given (after a refusal).
pub(crate) async fn render_case_activity(
    state: &AppState,
    signed_in: &SignedIn,
    case: StoredCase,
    forms: ActivityForms,
    status: StatusCode,
) -> Result<Response, WebError> {
    let empty = EventFormState::empty();
    render_case_full(state, signed_in, case, (empty, ShareForm::default(), forms), status).await
}

/// The case page, with the event form and the sharing form as given.
pub(crate) async fn render_case_with(
    state: &AppState,
    signed_in: &SignedIn,
    case: StoredCase,
    form: EventFormState,
    share_form: ShareForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    render_case_full(state, signed_in, case, (form, share_form, ActivityForms::default()), status).await
}

/// The case page, with every form as given.
async fn render_case_full(
    state: &AppState,
    signed_in: &SignedIn,
    case: StoredCase,
    forms: (EventFormState, ShareForm, ActivityForms),
    status: StatusCode,
) -> Result<Response, WebError> {
    let page = case_page_view(state, signed_in, case, forms).await?;
    Ok((status, crate::ui::render(&page)).into_response())
}

/// The case page's view, with the event, sharing, note and contact forms as given (the close form
/// empty).
pub(crate) async fn case_page_view(
    state: &AppState,
    signed_in: &SignedIn,
    mut case: StoredCase,
    (form, share_form, activity_forms): (EventFormState, ShareForm, ActivityForms),
) -> Result<CasePage, WebError> {
    let id = case.id.clone();
    let may_share =
        crate::http::access::allows(signed_in.user.role, crate::http::access::Permission::ShareCases);
    let closed = case.file.extensions.closure.is_some();
    let actor = amparo_store::Actor::of(&signed_in.user);
    let asks = amparo_store::CasePageAsks { shares: may_share, closed_by: closed };
    let reads = state.with_store(move |store| store.case_page_reads(&actor, &id, asks)).await?;
    let amparo_store::CasePageReads {
        policy,
        escalations,
        tasks,
        assignments,
        users,
        shares,
        recordings,
        closed_by,
        notes: case_notes,
        contacts: case_contacts,
        history,
        attachments: files,
    } = reads;
    let mut triage = CaseTriageData { escalations, tasks, assignments, users };
    let sharing = crate::sharing::pages::view(&signed_in.user, &shares, &triage.users, share_form);
    tracing::debug!(case = %case.id, "case page");
    // Legal dates are calendar dates, taken in the organisation's time zone.
    let today = signed_in.today(state.clock.now());
    // The store's rules: the built-in set or the operator's file, as the stored deadlines are.
    let derivation = amparo_domain::derive(&case.in_force(), today, &policy, state.store.rules());
    let lang = signed_in.lang();
    let edits = crate::cases::edit::views::section(
        lang,
        &signed_in.user,
        &case,
        (&history, &triage.users),
        form.edit.as_ref(),
        activity_forms.editing,
    );
    if !crate::cases::visibility::sees_timeline(&signed_in.user) {
        // Statuses and deadlines are derived from the whole timeline above; the timeline itself,
        // escalations and other people's tasks are legal work a clinician does not read.
        case.file.events.clear();
        case.file.extensions.voids.clear();
        triage.escalations.clear();
        let me = &signed_in.user.id;
        triage.tasks.retain(|t| t.owner_id.as_ref() == Some(me));
    }
    let recorded = recorded_lines(lang, &recordings, &triage.users);
    let section = crate::triage::case_section::case_triage(
        triage.escalations,
        triage.tasks,
        &triage.assignments,
        &triage.users,
        lang,
        state.clock.now(),
    );
    let scope = events::EventScope::of(&signed_in.user);
    let event_form = events::view(&form, &case.in_force(), today, lang, scope);
    let mut page = case_view(
        lang,
        viewer(signed_in),
        &case,
        (&derivation, state.store.rules()),
        section,
        event_form,
        &recorded,
    );
    page.sharing = sharing;
    page.notes = notes::section(&signed_in.user, lang, &case_notes, &case.file, &activity_forms.note);
    notes::link_to_timeline(&mut page.events, &page.notes);
    page.evidence = crate::cases::evidence::views::section(
        &signed_in.user,
        lang,
        (case.id.as_str(), &case.file),
        &files,
        &activity_forms.evidence,
        state.store.attachment_max_bytes(),
    );
    crate::cases::evidence::views::link_to_timeline(&mut page.events, &page.evidence);
    page.contacts = contacts::section(
        &signed_in.user,
        lang,
        &case_contacts,
        activity_forms.contacts,
        activity_forms.editing,
    );
    page.edits = edits;
    crate::cases::edit::timeline::name_voiders(
        lang,
        &mut page.events,
        &case.file.extensions.voids,
        &triage.users,
    );
    page.may_void = crate::cases::edit::views::may_void(&signed_in.user);
    let closed_by =
        closed_by.and_then(|id| triage.users.iter().find(|u| u.id == id)).map(|u| u.display_name.clone());
    crate::cases::closure::show_on_page(&mut page, &signed_in.user, &case, closed_by, &Default::default());
    Ok(page)
}

/// The print view of a case: its facts, statuses, deadlines with their reasons, and timeline.
pub async fn case_print(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let mut case = load_case(&state, &signed_in, id, "print").await?;
    let org = signed_in.user.org_id.clone();
    let (actor, case_id) = (amparo_store::Actor::of(&signed_in.user), case.id.clone());
    let (policy, case_notes) = state
        .with_store(move |store| Ok((store.policy(&org)?, store.case_notes_for_page(&actor, &case_id)?)))
        .await?;
    let today = signed_in.today(state.clock.now());
    // The store's rules: the built-in set or the operator's file, as the stored deadlines are.
    let derivation = amparo_domain::derive(&case.in_force(), today, &policy, state.store.rules());
    if !crate::cases::visibility::sees_timeline(&signed_in.user) {
        case.file.events.clear();
    }
    let lang = signed_in.lang();
    let empty = crate::triage::case_section::CaseTriage {
        open: Vec::new(),
        closed: Vec::new(),
        other_tasks: Vec::new(),
        assignments: Vec::new(),
    };
    let form =
        events::view(&EventFormState::empty(), &case.in_force(), today, lang, events::EventScope::Nothing);
    let mut case_page =
        case_view(lang, viewer(&signed_in), &case, (&derivation, state.store.rules()), empty, form, &[]);
    // The print view lists the notes without the forms.
    case_page.notes = notes::NotesSection {
        form: None,
        may_pin: false,
        ..notes::section(&signed_in.user, lang, &case_notes, &case.file, &Default::default())
    };
    // A printed closed case says so (its page's controls are not printed).
    crate::cases::closure::show_on_page(&mut case_page, &signed_in.user, &case, None, &Default::default());
    let page = views::CasePrintPage { lang, case: case_page, printed: lang.moment(state.clock.now()) };
    Ok(crate::ui::render(&page).into_response())
}

/// The family's preferred languages Amparo has no texts in, comma-separated (empty when none): what
/// the family reads from Amparo is then in English, and the pages say so.
pub(crate) fn languages_without_texts(file: &amparo_domain::CaseFile) -> String {
    let mut codes: Vec<&str> = file
        .case
        .people
        .iter()
        .filter_map(|p| p.preferred_language.as_ref())
        .filter(|tag| tag.language().is_none())
        .map(|tag| tag.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(", ")
}

/// What the case page shows of triage: escalations, tasks, who is assigned, and who could be.
struct CaseTriageData {
    escalations: Vec<amparo_store::Escalation>,
    tasks: Vec<amparo_store::Task>,
    assignments: Vec<amparo_store::Assignment>,
    users: Vec<amparo_store::User>,
}

/// Who recorded each event and when, in timeline order: "recorded by Ana Attorney, …", or
/// "imported, …" for events that came with a case file or from the command line.
fn recorded_lines(
    lang: Lang,
    recordings: &[amparo_store::EventRecording],
    users: &[amparo_store::User],
) -> Vec<String> {
    recordings
        .iter()
        .map(|r| {
            let when = lang.moment(r.recorded_at);
            match &r.recorded_by {
                Some(id) => {
                    let name = users
                        .iter()
                        .find(|u| &u.id == id)
                        .map_or_else(|| lang.t("timeline-former-member"), |u| u.display_name.clone());
                    lang.t2("timeline-recorded-by", "name", name, "when", when)
                }
                None => lang.t1("timeline-imported", "when", when),
            }
        })
        .collect()
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
    triage: crate::triage::case_section::CaseTriage,
    event_form: EventFormView,
    // Who recorded each event, in timeline order (empty where not shown).
    recorded: &[String],
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
                |tag| {
                    tag.language().map_or_else(
                        || lang.t1("language-without-texts", "code", tag.as_str()),
                        |l| lang.language_name(l),
                    )
                },
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
    let unlinked = amparo_domain::rules::unlinked_answers(&stored.file);
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
            details: event_details(lang, e, derivation),
            superseded_by: superseded_by(e),
            voided: crate::cases::edit::timeline::void_line(lang, &stored.file.extensions.voids, index, None),
            unlinked: unlinked.iter().any(|answer| std::ptr::eq(*answer, e)),
            recorded: recorded.get(index).cloned(),
            note: e.note.clone(),
            case_notes: Vec::new(),
            attachments: Vec::new(),
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
    let banner_line = |d: &amparo_domain::Deadline| NextDeadline {
        due: lang.date(d.due),
        in_days: derivation.today.days_until(d.due),
        kind: lang.deadline_kind(d.kind.as_str()),
        person: d.person.as_deref().map(&name_of).unwrap_or_else(|| lang.t("deadline-whole-case")),
    };
    // What is late comes first: an advisory date is never an alarm, so never overdue.
    let overdue = derivation.alarms().filter(|d| d.due < derivation.today).map(banner_line).collect();
    let next_deadline = derivation.deadlines.iter().find(|d| d.due >= derivation.today).map(banner_line);
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
            // An advisory date that has passed is shown, but never as overdue.
            past: d.due < derivation.today && !d.advisory,
            advisory: d.advisory,
        })
        .collect();
    let coverage = coverage::coverage_views(lang, (derivation, rules), name_of);
    CasePage {
        overdue,
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
        coverage,
        viewer,
        reference: case.reference.to_string(),
        program: lang.program(case.program),
        version: stored.version,
        people,
        medical,
        unlinked_answers: !unlinked.is_empty(),
        untranslated: languages_without_texts(&stored.file),
        events: timeline,
        sharing: None,
        closure: Default::default(),
        notes: Default::default(),
        evidence: Default::default(),
        contacts: Default::default(),
        edits: Default::default(),
        may_void: false,
    }
}

/// Whether the rules still hold someone to the departure date `depart_by` a notice printed: a later
/// grant (or a correction) makes it moot, and then no deadline carries it.
fn depart_by_in_force(derivation: &Derivation, depart_by: amparo_domain::Date) -> bool {
    derivation.deadlines.iter().any(|d| d.kind == amparo_domain::DeadlineKind::DepartBy && d.due == depart_by)
}

/// The event's own facts in one short line; a departure date the rules no longer hold anyone to is
/// said to no longer apply, so no superseded "depart by" reads as current.
fn event_details(lang: Lang, event: &Event, derivation: &Derivation) -> String {
    let mut raw = amparo_domain::RawEvent::from(event);
    let mut parts = Vec::new();
    if let Some(day) = raw.depart_by.filter(|d| !depart_by_in_force(derivation, *d)) {
        parts.push(lang.t1("detail-departure-moot", "date", lang.date(day)));
        raw.depart_by = None;
    }
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
