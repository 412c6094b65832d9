//! Recording an event from the case page: a termination notice, an RFE and its answer, a grant, a
//! correction of an earlier entry, and which open notice an answer answers. The form's fields become the same flat event the API and case
//! files take (`RawEvent`), checked by the domain's rules for its type; the store refuses a write
//! based on a version of the case someone else has since changed, and the page then shows the
//! conflict with everything that was typed still in the form.

use amparo_domain::event::{ANSWERED_NOTICES, EVENT_TYPES};
use amparo_domain::rules::answerable_notices;
use amparo_domain::{CaseFile, Date, RawEvent};
use amparo_store::CaseId;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::Choice;
use crate::ui::form::{FieldError, FieldKind, FieldView};
use crate::ui::i18n::Lang;

/// The form's fields, by the event's field name; the element ids add `ev-`.
const DATE_FIELDS: [&str; 6] = ["on", "valid_until", "effective", "depart_by", "respond_by", "pay_by"];
/// Free text as typed; an amount too, which the case-file format reads as a decimal string.
const TEXT_FIELDS: [&str; 3] = ["receipt_number", "amount", "note"];

/// What the event form shows: what was typed, what is wrong, and whether the case moved on meanwhile.
pub struct EventFormState {
    pub params: Params,
    pub errors: Vec<FieldError>,
    /// The conflict notice, when someone else changed the case since the form was opened.
    pub conflict: Option<String>,
    /// A refused edit of the case (`cases::edit`), shown again in its own form.
    pub edit: Option<crate::cases::edit::views::EditFormState>,
    /// Said when the form comes back filled after a new sign-in, as it was typed before.
    pub notice: Option<String>,
}

impl EventFormState {
    pub fn empty() -> EventFormState {
        EventFormState {
            params: Params(Vec::new()),
            errors: Vec::new(),
            conflict: None,
            edit: None,
            notice: None,
        }
    }

    /// The form as it was sent when the session had ended, to check and send again.
    pub fn kept(fields: Vec<(String, String)>, lang: Lang) -> EventFormState {
        let notice = Some(lang.t("form-kept-notice"));
        EventFormState { params: Params(fields), errors: Vec::new(), conflict: None, edit: None, notice }
    }
}

/// Which events the reader's form offers: every type to those who record events, a medical
/// attestation alone to a clinician (the store refuses them anything else).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventScope {
    Every,
    Attestation,
    /// No form at all: a viewer records nothing.
    Nothing,
}

/// The event type a clinician records.
const ATTESTATION: &str = "medical_attested";

impl EventScope {
    /// What `user`'s role may record from the case page.
    pub fn of(user: &amparo_store::User) -> EventScope {
        use crate::http::access::{Permission, allows};
        if allows(user.role, Permission::RecordEvents) {
            EventScope::Every
        } else if allows(user.role, Permission::RecordAttestations) {
            EventScope::Attestation
        } else {
            EventScope::Nothing
        }
    }

    /// Whether this scope lets the reader record an event of `event_type`.
    fn allows(self, event_type: &str) -> bool {
        match self {
            EventScope::Every => true,
            EventScope::Attestation => event_type == ATTESTATION,
            EventScope::Nothing => false,
        }
    }
}

/// The event form as the case page renders it.
pub struct EventFormView {
    /// Which events the form offers; the page shows no form for [`EventScope::Nothing`].
    pub scope: EventScope,
    pub fields: Vec<FieldView>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
    pub notice: Option<String>,
}

impl EventFormView {
    /// Whether the page shows the form at all.
    pub fn shown(&self) -> bool {
        self.scope != EventScope::Nothing
    }

    /// Whether the form records a medical attestation and nothing else.
    pub fn attestation_only(&self) -> bool {
        self.scope == EventScope::Attestation
    }
}

fn id(field: &str) -> String {
    format!("ev-{field}")
}

/// The open notices an answer may name, each labelled by its kind, the people it concerns and its
/// date: every kind at once, since the form does not know the answer's type until it is sent (a
/// notice of the wrong kind is refused naming the field).
fn answerable(file: &CaseFile, today: Date, lang: Lang) -> Vec<(String, String)> {
    let name_of = |key: &str| file.case.person(key).map_or_else(|| key.to_owned(), |p| p.full_name());
    ANSWERED_NOTICES
        .iter()
        .flat_map(|(_, answer)| answerable_notices(file, answer, today))
        .filter_map(|notice| {
            let id = notice.id.clone()?;
            let persons = notice.persons.as_ref().map_or_else(
                || lang.t("timeline-everyone"),
                |keys| keys.iter().map(|k| name_of(k)).collect::<Vec<_>>().join(", "),
            );
            let kind = lang.event_type(notice.kind.type_name());
            Some((id.clone(), format!("{kind} — {persons} — {} ({id})", lang.date(notice.on))))
        })
        .collect()
}

pub fn view(
    state: &EventFormState,
    file: &CaseFile,
    today: Date,
    lang: Lang,
    scope: EventScope,
) -> EventFormView {
    let value = |field: &str| state.params.get(&id(field)).unwrap_or_default().to_owned();
    let error = |field: &str| state.errors.iter().find(|e| e.id == id(field)).map(|e| e.message.clone());
    let select = |field: &str, label: String, blank: String, options: Vec<(String, String)>| {
        let chosen = value(field);
        let mut choices = vec![Choice { value: String::new(), label: blank, selected: chosen.is_empty() }];
        choices.extend(options.into_iter().map(|(v, l)| Choice {
            selected: v == chosen,
            value: v,
            label: l,
        }));
        FieldView {
            id: id(field),
            label,
            kind: FieldKind::Select,
            value: String::new(),
            options: choices,
            error: error(field),
            required: false,
        }
    };
    let input = |field: &str, label: String, kind: FieldKind| FieldView {
        id: id(field),
        label,
        kind,
        value: value(field),
        options: Vec::new(),
        error: error(field),
        required: field == "on",
    };
    if scope != EventScope::Every {
        // A clinician's attestation: the day, the days to critical harm and a note, nothing legal.
        let only =
            Choice { value: ATTESTATION.to_owned(), label: lang.event_type(ATTESTATION), selected: true };
        let kind = FieldView {
            options: vec![only],
            ..select("type", lang.t("intake-event-type"), String::new(), Vec::new())
        };
        let fields = if scope == EventScope::Attestation {
            vec![
                kind,
                input("on", lang.t("intake-event-on"), FieldKind::Date),
                input("days_to_critical_harm", lang.t("medical-days-to-harm"), FieldKind::Number),
                input("note", lang.t("event-form-note"), FieldKind::Text),
            ]
        } else {
            Vec::new()
        };
        return EventFormView {
            scope,
            fields,
            errors: state.errors.clone(),
            conflict: state.conflict.clone(),
            notice: state.notice.clone(),
        };
    }
    let types = EVENT_TYPES.iter().map(|t| ((*t).to_owned(), lang.event_type(t))).collect();
    let served = ["mail", "email", "personal", "online"]
        .iter()
        .map(|s| ((*s).to_owned(), lang.t(&format!("served-{s}"))))
        .collect();
    let earlier = file
        .events
        .iter()
        .filter_map(|e| {
            let event_id = e.id.clone()?;
            let label = format!("{event_id} — {}, {}", lang.event_type(e.kind.type_name()), lang.date(e.on));
            Some((event_id, label))
        })
        .collect();
    let mut fields = vec![
        select("type", lang.t("intake-event-type"), lang.t("intake-choose"), types),
        input("on", lang.t("intake-event-on"), FieldKind::Date),
    ];
    let labels = [
        ("valid_until", "intake-valid-until"),
        ("effective", "intake-effective"),
        ("depart_by", "intake-depart-by"),
        ("respond_by", "intake-respond-by"),
        ("pay_by", "event-form-pay-by"),
    ];
    fields.push(select("served_by", lang.t("intake-served-by"), lang.t("intake-not-applicable"), served));
    fields.extend(labels.iter().map(|(field, label)| input(field, lang.t(label), FieldKind::Date)));
    fields.push(input("receipt_number", lang.t("intake-receipt"), FieldKind::Text));
    fields.push(input("amount", lang.t("event-form-amount"), FieldKind::Text));
    fields.push(input("days_to_critical_harm", lang.t("medical-days-to-harm"), FieldKind::Number));
    fields.push(input("note", lang.t("event-form-note"), FieldKind::Text));
    fields.push(select(
        "answers",
        lang.t("event-form-answers"),
        lang.t("event-form-answers-latest"),
        answerable(file, today, lang),
    ));
    fields.push(select(
        "supersedes",
        lang.t("event-form-supersedes"),
        lang.t("event-form-supersedes-none"),
        earlier,
    ));
    EventFormView {
        scope,
        fields,
        errors: state.errors.clone(),
        conflict: state.conflict.clone(),
        notice: state.notice.clone(),
    }
}

/// The event the form describes, or the field that is wrong.
fn parse(params: &Params, event_id: String, lang: Lang) -> Result<amparo_domain::Event, FieldError> {
    let mut object = Map::new();
    object.insert("id".into(), json!(event_id));
    let mut take = |field: &str, value: Value| {
        object.insert(field.into(), value);
    };
    for field in ["type", "served_by", "supersedes", "answers"]
        .iter()
        .chain(DATE_FIELDS.iter())
        .chain(TEXT_FIELDS.iter())
    {
        if let Some(text) = params.get(&id(field)) {
            take(field, json!(text));
        }
    }
    if let Some(text) = params.get(&id("days_to_critical_harm")) {
        let days = text.parse::<u32>().map_err(|_| FieldError {
            id: id("days_to_critical_harm"),
            message: lang.t("intake-error-whole-number"),
        })?;
        take("days_to_critical_harm", json!(days));
    }
    let raw: RawEvent = serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| {
        let path = e.path().to_string();
        let (field, problem) = amparo_domain::problem::located(&path, &e.into_inner().to_string());
        let field = if field == "." { String::from("type") } else { field };
        FieldError { id: id(&field), message: lang.form_problem(&problem) }
    })?;
    raw.into_event().map_err(|e| FieldError { id: id(e.field), message: lang.form_problem(&e.problem) })
}

/// The form field a store path (`event.persons[0]`) points at; the type when it names none.
fn form_field(path: &str) -> &str {
    path.strip_prefix("event.").unwrap_or("type").split(['.', '[']).next().unwrap_or("type")
}

/// An id for the new event that no event of the case has.
fn free_id(file: &CaseFile) -> String {
    let taken: Vec<&str> = file.events.iter().filter_map(|e| e.id.as_deref()).collect();
    (file.events.len() + 1..)
        .map(|n| format!("e{n}"))
        .find(|candidate| !taken.contains(&candidate.as_str()))
        .unwrap_or_else(|| String::from("e0"))
}

pub async fn record_event(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(case_id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let expected = params.get("version").and_then(|v| v.parse::<i64>().ok()).ok_or_else(|| {
        WebError::field("version", amparo_domain::Problem::Missing { field: "version".into() })
    })?;
    let org = signed_in.user.org_id.clone();
    let lookup = CaseId(case_id.clone());
    let reader = signed_in.user.clone();
    // A case the person may not see is "not found" before anything of it is shown or parsed.
    let stored = state
        .with_store(move |store| {
            if !crate::cases::visibility::may_see(store, &reader, &lookup)? {
                return Ok(None);
            }
            store.case(&org, &lookup)
        })
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    let scope = EventScope::of(&signed_in.user);
    let parsed = parse(&params, free_id(&stored.file), lang).and_then(|event| {
        if scope.allows(event.kind.type_name()) {
            Ok(event)
        } else {
            // Said on the form, with what was typed kept, rather than a bare refusal.
            Err(FieldError { id: id("type"), message: lang.t("event-form-attestation-only") })
        }
    });
    let event = match parsed {
        Ok(event) => event,
        Err(error) => {
            let form =
                EventFormState { params, errors: vec![error], conflict: None, edit: None, notice: None };
            return crate::cases::page::render_case(
                &state,
                &signed_in,
                stored,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(case_id.clone());
    let written = state
        .with_store(move |store| {
            crate::cases::actions::record_event(store, &user, &case, expected, &event, now)
        })
        .await;
    let (status, form) = match written {
        Ok(_) => {
            tracing::info!(case = %case_id, "event recorded");
            // A clinician reads no timeline: their attestation shows in the medical facts.
            let anchor = if scope == EventScope::Attestation { "medical-h" } else { "timeline" };
            return Ok(Redirect::to(&format!("/cases/{case_id}#{anchor}")).into_response());
        }
        Err(WebError::Conflict(_)) => {
            let conflict = Some(lang.t("event-form-conflict"));
            (
                StatusCode::CONFLICT,
                EventFormState { params, errors: Vec::new(), conflict, edit: None, notice: None },
            )
        }
        Err(WebError::Field { path, problem, .. }) => {
            let error = FieldError { id: id(form_field(&path)), message: lang.form_problem(&problem) };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                EventFormState { params, errors: vec![error], conflict: None, edit: None, notice: None },
            )
        }
        Err(other) => return Err(other),
    };
    // Shown against the case as it is now, so the conflict can be read against the new timeline.
    let org = signed_in.user.org_id.clone();
    let lookup = CaseId(case_id);
    let current = state
        .with_store(move |store| store.case(&org, &lookup))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    crate::cases::page::render_case(&state, &signed_in, current, form, status).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(fields: &[(&str, &str)]) -> Params {
        Params(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn lang() -> Lang {
        Lang::new(amparo_domain::Language::En)
    }

    #[test]
    fn a_termination_notice_is_read_from_the_form() {
        let fields = [
            ("ev-type", "termination_notice"),
            ("ev-on", "2026-11-20"),
            ("ev-served_by", "mail"),
            ("ev-depart_by", "2026-12-20"),
        ];
        let event = match parse(&params(&fields), "e9".into(), lang()) {
            Ok(event) => event,
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(event.kind.type_name(), "termination_notice");
        assert_eq!(event.id.as_deref(), Some("e9"));
    }

    #[test]
    fn an_answer_names_the_notice_picked_and_only_an_answer_may() {
        let picked = [("ev-type", "rfe_answered"), ("ev-on", "2026-11-20"), ("ev-answers", "e3")];
        let event = parse(&params(&picked), "e9".into(), lang()).ok();
        assert_eq!(event.and_then(|e| e.answers).as_deref(), Some("e3"));
        let latest = [("ev-type", "rfe_answered"), ("ev-on", "2026-11-20"), ("ev-answers", "")];
        let event = parse(&params(&latest), "e9".into(), lang()).ok();
        assert_eq!(event.map(|e| e.answers), Some(None), "blank: the latest open notice");
        let stray = [("ev-type", "departed"), ("ev-on", "2026-11-20"), ("ev-answers", "e3")];
        let error = parse(&params(&stray), "e9".into(), lang()).err();
        assert_eq!(error.map(|e| e.id).as_deref(), Some("ev-answers"));
    }

    #[test]
    fn the_wrong_field_is_named() {
        let missing_served = [("ev-type", "rfe_received"), ("ev-on", "2026-11-20")];
        let error = parse(&params(&missing_served), "e1".into(), lang()).err();
        assert_eq!(error.map(|e| e.id).as_deref(), Some("ev-served_by"));
        let bad_date = [("ev-type", "rfe_answered"), ("ev-on", "2026-02-30")];
        assert_eq!(
            parse(&params(&bad_date), "e1".into(), lang()).err().map(|e| e.id).as_deref(),
            Some("ev-on")
        );
        let no_type = [("ev-on", "2026-02-03")];
        assert_eq!(
            parse(&params(&no_type), "e1".into(), lang()).err().map(|e| e.id).as_deref(),
            Some("ev-type")
        );
        let foreign =
            [("ev-type", "rfe_answered"), ("ev-on", "2026-02-03"), ("ev-valid_until", "2027-01-01")];
        assert_eq!(
            parse(&params(&foreign), "e1".into(), lang()).err().map(|e| e.id).as_deref(),
            Some("ev-valid_until")
        );
    }
}
