//! The pages: `GET /cases/{id}/notice` (the form: paste the text, or choose one of the case's
//! notices or PDFs), `POST /cases/{id}/notice` (the proposal, or the form again with what is
//! wrong), and `POST /cases/{id}/notice/event` (the case page with its event form filled with the
//! proposal, for the person to check and record: nothing is recorded before).

use amparo_domain::notice_reading::{Proposal, ReadOptions, read_notice};
use amparo_domain::rules::DeadlineKind;
use amparo_store::{Actor, Attachment, CaseId, StoredCase};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::proposal::{self, ProposalView};
use super::source::{self, Asked, SourceError};
use crate::AppState;
use crate::cases::events::EventFormState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::notice_text::{NoticeTextError, TextSource};
use crate::ui::form::{Choice, FieldError};
use crate::ui::i18n::Lang;
use crate::ui::page::{Viewer, viewer};

/// The form's field ids.
const TEXT: &str = "notice-text";
const FILE: &str = "notice-file";

#[derive(Template)]
#[template(path = "notice_form.html")]
struct FormPage {
    lang: Lang,
    viewer: Viewer,
    case_id: String,
    reference: String,
    text: String,
    files: Vec<Choice>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "notice_proposal.html")]
struct ProposalPage {
    lang: Lang,
    viewer: Viewer,
    case_id: String,
    reference: String,
    proposal: ProposalView,
}

/// The case, read as the signed-in person (audited `via` this page), with the notices and PDFs they
/// may read on it.
async fn case_and_files(
    state: &AppState,
    signed_in: &SignedIn,
    id: String,
    via: &'static str,
) -> Result<(StoredCase, Vec<Attachment>), WebError> {
    let case = crate::cases::page::load_case(state, signed_in, id, via).await?;
    let actor = Actor::of(&signed_in.user);
    let case_id = case.id.clone();
    let files = state
        .with_store(move |store| store.case_attachments_for_page(&actor, &case_id))
        .await?
        .into_iter()
        .filter(source::readable)
        .collect();
    Ok((case, files))
}

fn form_page(
    signed_in: &SignedIn,
    case: &StoredCase,
    files: &[Attachment],
    params: &Params,
    errors: Vec<FieldError>,
) -> FormPage {
    let lang = signed_in.lang();
    let chosen = params.get(FILE).unwrap_or_default();
    let mut choices = vec![Choice {
        value: String::new(),
        label: lang.t("notice-read-no-file"),
        selected: chosen.is_empty(),
    }];
    choices.extend(files.iter().map(|f| Choice {
        value: f.id.clone(),
        label: match f.dated {
            Some(day) => format!("{} ({})", f.title, lang.date(day)),
            None => f.title.clone(),
        },
        selected: f.id == chosen,
    }));
    FormPage {
        lang,
        viewer: viewer(signed_in),
        case_id: case.id.0.clone(),
        reference: case.file.case.reference.to_string(),
        text: params.get(TEXT).unwrap_or_default().to_owned(),
        files: choices,
        errors,
    }
}

pub async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (case, files) = case_and_files(&state, &signed_in, id, "notice form").await?;
    Ok(crate::ui::render(&form_page(&signed_in, &case, &files, &Params(Vec::new()), Vec::new()))
        .into_response())
}

/// What the reader is told for a text that could not be had, and under which field.
fn problem(error: &SourceError, lang: Lang) -> FieldError {
    let (id, message) = match error {
        SourceError::Nothing => (TEXT, lang.t("notice-read-nothing")),
        SourceError::Both => (FILE, lang.t("notice-read-both")),
        SourceError::TooLong => (TEXT, lang.t1("notice-read-too-long", "max", source::MAX_PASTED_CHARS)),
        SourceError::NoSuchFile => (FILE, lang.t("notice-read-no-such-file")),
        SourceError::Unreadable(NoticeTextError::NoOcr) => (FILE, lang.t("notice-read-no-ocr")),
        SourceError::Unreadable(NoticeTextError::NoText) => (FILE, lang.t("notice-read-no-text")),
        SourceError::Unreadable(_) | SourceError::Store(_) => (FILE, lang.t("notice-read-unreadable")),
    };
    FieldError { id: id.to_owned(), message }
}

pub async fn read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let (case, files) = case_and_files(&state, &signed_in, id, "notice read").await?;
    let (text, file) = (params.get(TEXT).unwrap_or_default(), params.get(FILE).unwrap_or_default());
    let read = text_of(&state, &signed_in, &case.id, text, file).await;
    let (text, source) = match read {
        Ok(found) => found,
        // A store that fails is the server's problem, not the form's.
        Err(SourceError::Store(failed)) => return Err(failed.into()),
        Err(error) => {
            let page = form_page(&signed_in, &case, &files, &params, vec![problem(&error, lang)]);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&page)).into_response());
        }
    };
    let read = propose(&state, &case, &text);
    let people = &case.file.case.people;
    let page = ProposalPage {
        lang,
        viewer: viewer(&signed_in),
        case_id: case.id.0.clone(),
        reference: case.file.case.reference.to_string(),
        proposal: proposal::view(&read, source, people, lang),
    };
    Ok(crate::ui::render(&page).into_response())
}

/// The event `text` proposes on `case`, its people matched against the case's, read with the
/// notice kinds the rule set in force knows.
pub(super) fn propose(state: &AppState, case: &StoredCase, text: &str) -> Proposal {
    let ead_revocation =
        state.store.rules().rules().iter().any(|r| r.kind == DeadlineKind::EadRevocationResponseDue);
    read_notice(text, &case.file.case.people, ReadOptions { ead_revocation })
}

/// The notice's text and where it came from: the pasted `text`, or the case's `file` read (audited)
/// and turned into text off the async threads (Tesseract may take seconds).
pub(super) async fn text_of(
    state: &AppState,
    signed_in: &SignedIn,
    case: &CaseId,
    text: &str,
    file: &str,
) -> Result<(String, TextSource), SourceError> {
    let asked = source::asked(text, file)?;
    let file = match asked {
        Asked::Pasted(text) => return Ok((text, TextSource::Text)),
        Asked::Attachment(file) => file,
    };
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    let case = case.clone();
    let store = state.store.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let bytes = source::attachment_bytes(&store, &actor, &case, &file, now)?;
        source::file_text(&bytes)
    })
    .await;
    joined.unwrap_or_else(|e| {
        Err(SourceError::Store(amparo_store::StoreError::Unavailable(format!("reading a notice: {e}"))))
    })
}

/// "Record this event": the case page with its event form filled with the proposal's fields, and a
/// notice saying where they came from. Only the event form's fields are taken; nothing is recorded.
pub async fn open_event_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields: Vec<(String, String)> =
        params.into_iter().filter(|(name, _)| name.starts_with("ev-") && name != "ev-id").collect();
    let case = crate::cases::page::load_case(&state, &signed_in, id, "page").await?;
    let form = EventFormState {
        params: Params(fields),
        errors: Vec::new(),
        conflict: None,
        edit: None,
        notice: Some(signed_in.lang().t("notice-read-prefilled")),
    };
    crate::cases::page::render_case(&state, &signed_in, case, form, StatusCode::OK).await
}
