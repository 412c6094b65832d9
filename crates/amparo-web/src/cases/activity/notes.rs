//! The case page's notes: the list (pinned first, then newest first), the form that writes one (a
//! note, a call, a meeting, an email or a message, optionally about one event), and pinning. The
//! form is shown only to roles that write notes, the pin buttons only to roles that may pin.

use amparo_domain::notes::{CaseNote, NewNote, NoteKind};
use amparo_domain::{CaseFile, Problem};
use amparo_store::{CaseId, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::cases::activity::ActivityForms;
use crate::http::access::{Permission, allows};
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::{Choice, FieldError};
use crate::ui::i18n::Lang;

/// The form's field ids.
const KIND: &str = "note-type";
const TEXT: &str = "note-text";
const EVENT: &str = "note-event";

/// What the note form shows: what was typed and what is wrong.
pub struct NoteFormState {
    pub params: Params,
    pub errors: Vec<FieldError>,
}

impl Default for NoteFormState {
    fn default() -> NoteFormState {
        NoteFormState { params: Params(Vec::new()), errors: Vec::new() }
    }
}

/// One note as the page shows it.
pub struct NoteView {
    pub id: u32,
    pub kind: String,
    /// "Ana Attorney, 6 December 2026 at 05:52 UTC".
    pub byline: String,
    /// The event it is about, as the timeline's anchor id, where the reader sees the timeline.
    pub event: Option<String>,
    pub pinned: bool,
    pub text: String,
}

/// The note form as the page renders it.
pub struct NoteFormView {
    pub kinds: Vec<Choice>,
    /// The events of the timeline a note may be about; empty when the reader does not see it.
    pub events: Vec<Choice>,
    pub text: String,
    pub errors: Vec<FieldError>,
}

impl NoteFormView {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// The notes section of the case page.
#[derive(Default)]
pub struct NotesSection {
    pub notes: Vec<NoteView>,
    /// `None` for a reader who does not write notes.
    pub form: Option<NoteFormView>,
    pub may_pin: bool,
}

/// The section for `user`, with `notes` already in reading order.
pub fn section(
    user: &User,
    lang: Lang,
    notes: &[CaseNote],
    file: &CaseFile,
    form: &NoteFormState,
) -> NotesSection {
    let sees_timeline = crate::cases::visibility::sees_timeline(user);
    let notes = notes
        .iter()
        .map(|n| {
            let when = lang.moment(n.at);
            let byline = match &n.author {
                Some(name) => lang.t2("notes-byline", "name", name.as_str(), "when", when),
                None => lang.t1("notes-byline-unknown", "when", when),
            };
            NoteView {
                id: n.id,
                kind: lang.t(&format!("note-type-{}", n.kind.as_str())),
                byline,
                event: n.event.clone().filter(|_| sees_timeline),
                pinned: n.pinned,
                text: n.text.clone(),
            }
        })
        .collect();
    let form = allows(user.role, Permission::WriteNotes).then(|| {
        let chosen_kind = form.params.get(KIND).unwrap_or("note");
        let kinds = NoteKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: lang.t(&format!("note-type-{}", k.as_str())),
                selected: k.as_str() == chosen_kind,
            })
            .collect();
        let chosen_event = form.params.get(EVENT).unwrap_or_default();
        let mut events = Vec::new();
        if sees_timeline {
            events.push(Choice {
                value: String::new(),
                label: lang.t("notes-no-event"),
                selected: chosen_event.is_empty(),
            });
            events.extend(file.events.iter().rev().filter_map(|e| {
                let id = e.id.clone()?;
                let label = format!("{id} — {}, {}", lang.event_type(e.kind.type_name()), lang.date(e.on));
                Some(Choice { selected: id == chosen_event, value: id, label })
            }));
        }
        NoteFormView {
            kinds,
            events,
            text: form.params.get(TEXT).unwrap_or_default().to_owned(),
            errors: form.errors.clone(),
        }
    });
    NotesSection { notes, form, may_pin: allows(user.role, Permission::RecordEvents) }
}

/// Marks each event of the timeline with the notes about it, so the timeline links to them.
pub fn link_to_timeline(events: &mut [crate::cases::page::views::EventView], section: &NotesSection) {
    for event in events {
        event.case_notes = section
            .notes
            .iter()
            .filter(|n| n.event.as_deref() == Some(event.id.as_str()))
            .map(|n| n.id)
            .collect();
        event.case_notes.sort_unstable();
    }
}

/// The note the form describes, or the field that is wrong (by its form id).
fn parse(params: &Params) -> Result<NewNote, (&'static str, Problem)> {
    let kind = NoteKind::parse(params.get(KIND).unwrap_or("note")).map_err(|p| (KIND, p))?;
    // The text as typed: line breaks are the writer's, and a blank one is refused as blank.
    let text =
        params.0.iter().rev().find(|(k, _)| k == TEXT).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let note = NewNote { kind, event: params.get(EVENT).map(str::to_owned), text };
    amparo_domain::notes::check_note_text(&note.text).map_err(|p| (TEXT, p))?;
    Ok(note)
}

/// The form id a store path names.
fn form_id(path: &str) -> &'static str {
    match path {
        "event" => EVENT,
        "type" => KIND,
        _ => TEXT,
    }
}

/// `POST /cases/{id}/notes`: writes the note and returns to the case's notes; a refused one shows the
/// case page again with what was typed and the field named.
pub async fn add_note(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(case_id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let refused = match parse(&params) {
        Ok(note) => {
            let user = signed_in.user.clone();
            let now = state.clock.now();
            let case = CaseId(case_id.clone());
            let written = state
                .with_store(move |store| super::actions::add_note(store, &user, &case, &note, now))
                .await;
            match written {
                Ok(_) => return Ok(Redirect::to(&format!("/cases/{case_id}#notes")).into_response()),
                Err(WebError::Field { path, problem, .. }) => (form_id(&path), problem),
                Err(other) => return Err(other),
            }
        }
        Err(refused) => refused,
    };
    let error = FieldError { id: refused.0.to_owned(), message: lang.form_problem(&refused.1) };
    let forms =
        ActivityForms { note: NoteFormState { params, errors: vec![error] }, ..ActivityForms::default() };
    let case = crate::cases::page::load_case(&state, &signed_in, case_id, "page").await?;
    crate::cases::page::render_case_activity(
        &state,
        &signed_in,
        case,
        forms,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /cases/{id}/notes/{note}/pin` with `pinned=true|false`: pins or unpins the note.
pub async fn pin_note(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((case_id, note)): Path<(String, String)>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let seq = note.parse::<i64>().map_err(|_| WebError::NotFound("note".into()))?;
    let pinned = match params.get("pinned") {
        Some("true") => true,
        Some("false") => false,
        _ => return Err(WebError::field("pinned", Problem::NotTrueFalse)),
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(case_id.clone());
    state.with_store(move |store| super::actions::pin_note(store, &user, &case, seq, pinned, now)).await?;
    Ok(Redirect::to(&format!("/cases/{case_id}#note-{seq}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(fields: &[(&str, &str)]) -> Params {
        Params(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_call_about_an_event_is_read_from_the_form() {
        let note = parse(&params(&[(KIND, "call"), (TEXT, " Spoke with the mother.\n"), (EVENT, "e2")]));
        assert_eq!(
            note,
            Ok(NewNote {
                kind: NoteKind::Call,
                event: Some("e2".into()),
                text: "Spoke with the mother.".into()
            })
        );
    }

    #[test]
    fn a_blank_or_overlong_text_and_an_unknown_type_name_their_field() {
        assert_eq!(parse(&params(&[(KIND, "call"), (TEXT, "  ")])).err().map(|e| e.0), Some(TEXT));
        let long = "x".repeat(4_001);
        let refused = parse(&params(&[(TEXT, long.as_str())])).err();
        assert_eq!(refused, Some((TEXT, Problem::TooLong { max: 4_000 })));
        assert_eq!(parse(&params(&[(KIND, "fax"), (TEXT, "x")])).err().map(|e| e.0), Some(KIND));
    }
}
