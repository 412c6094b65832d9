//! The documents page: `GET /cases/{id}/documents` (the generations recorded and the forms),
//! `POST /cases/{id}/documents` (generate one: back to the page at it, or the page again with the
//! field at fault), and `GET /cases/{id}/documents/{document}/pdf` and `…/docx` (the download).

use std::collections::HashMap;

use amparo_store::{Actor, Attachment, CaseId, DocumentRecord, StoredCase};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::actions::{self, Asked, Download, Format};
use super::request::{EXHIBITS, KIND, LANGUAGE};
use super::views::{self, DocumentForms, DocumentRow, field_id};
use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;
use crate::ui::page::{Viewer, viewer};

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    lang: Lang,
    viewer: Viewer,
    case_id: String,
    reference: String,
    rows: Vec<DocumentRow>,
    forms: Option<DocumentForms>,
    /// The document just generated, announced at the top.
    made: Option<String>,
}

/// The case (its read audited), the generations the reader may read, and the files they may choose
/// as exhibits.
async fn read(state: &AppState, signed_in: &SignedIn, id: String) -> Result<Read, WebError> {
    let case = crate::cases::page::load_case(state, signed_in, id, "documents").await?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case_id = case.id.clone();
    let (records, files, names) = super::blocking(state, move |store, _| {
        let records = actions::list(store, &user, &case_id, now)?;
        let files = store.case_attachments_for_page(&Actor::of(&user), &case_id)?;
        // Who made each document, by name (members who left keep theirs).
        let names = store.users(&user.org_id)?.into_iter().map(|u| (u.id.0, u.display_name)).collect();
        Ok((records, files, names))
    })
    .await?;
    Ok(Read { case, records, files, names })
}

/// What the page shows, read as the signed-in person.
struct Read {
    case: StoredCase,
    records: Vec<DocumentRecord>,
    files: Vec<Attachment>,
    names: HashMap<String, String>,
}

fn render(
    signed_in: &SignedIn,
    read: &Read,
    (params, errors): (&Params, Vec<FieldError>),
    made: Option<String>,
) -> DocumentsPage {
    let lang = signed_in.lang();
    let case_id = read.case.id.0.clone();
    DocumentsPage {
        lang,
        viewer: viewer(signed_in),
        rows: views::rows(lang, &case_id, &read.records, &read.names),
        forms: views::forms(&signed_in.user, lang, &read.files, params, errors),
        reference: read.case.file.case.reference.to_string(),
        case_id,
        made,
    }
}

pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let query = Params(query);
    query.only(&["made"])?;
    let read = read(&state, &signed_in, id).await?;
    // "Generated": the row the form's redirect names, when it is one the reader may read.
    let made = query.get("made").and_then(|made| read.records.iter().find(|r| r.id == made)).map(|r| {
        signed_in.lang().t1("document-generated", "kind", views::kind_label(signed_in.lang(), &r.kind))
    });
    let page = render(&signed_in, &read, (&Params(Vec::new()), Vec::new()), made);
    Ok(crate::ui::render(&page).into_response())
}

/// The exhibits chosen, in the order their positions give (a position left blank keeps the list's
/// order, after those numbered).
fn ordered_exhibits(params: &Params) -> Result<Vec<String>, WebError> {
    let mut chosen = Vec::new();
    for (index, id) in params.all(EXHIBITS).into_iter().enumerate() {
        let position = match params.get(&format!("position-{id}")) {
            None => u32::MAX,
            Some(text) => text.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                WebError::field(EXHIBITS, amparo_domain::Problem::WholeNumberBetween { min: 1, max: 999 })
            })?,
        };
        chosen.push((position, index, id.to_owned()));
    }
    chosen.sort();
    Ok(chosen.into_iter().map(|(_, _, id)| id).collect())
}

pub async fn generate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params.into_iter().filter(|(name, _)| name != "csrf").collect());
    let asked = ordered_exhibits(&params).map(|exhibits| Asked {
        kind: params.text(KIND),
        exhibits,
        language: params.get(LANGUAGE).map(str::to_owned),
    });
    let refused = match asked {
        Ok(asked) => {
            let user = signed_in.user.clone();
            let now = state.clock.now();
            let case = CaseId(id.clone());
            let made = super::blocking(&state, move |store, templates| {
                actions::generate(store, templates, &user, &case, asked, now)
            })
            .await;
            match made {
                Ok(made) => {
                    let to = format!("/cases/{id}/documents?made={0}#document-{0}", made.record.id);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(error) => error,
            }
        }
        Err(error) => error,
    };
    let lang = signed_in.lang();
    let Some((path, message)) = refused.worded(lang) else { return Err(refused) };
    let field = [KIND, EXHIBITS, LANGUAGE].into_iter().find(|f| *f == path).unwrap_or(KIND);
    let error = FieldError { id: field_id(field), message };
    let read = read(&state, &signed_in, id).await?;
    let page = render(&signed_in, &read, (&params, vec![error]), None);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&page)).into_response())
}

/// The response carrying a generated document: downloaded under its name, never cached, under the
/// same sandboxing policy as an attachment.
pub fn respond(file: Download) -> Result<Response, WebError> {
    let value = |v: String| HeaderValue::from_str(&v).map_err(|e| WebError::Internal(e.to_string()));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(file.content_type)),
        (
            header::CONTENT_DISPOSITION,
            value(format!("attachment; filename=\"{}\"", ascii_name(&file.file_name)))?,
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::cases::evidence::files::FILE_POLICY),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, file.bytes).into_response())
}

/// A file name safe in a quoted header value (a case reference is letters, digits and dashes).
fn ascii_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

/// A generated document made again as it was, or its kept signed PDF: for the page's links and the
/// API's downloads alike.
pub(super) async fn download(
    state: AppState,
    signed_in: SignedIn,
    (case, id): (String, String),
    format: Format,
) -> Result<Response, WebError> {
    // An id that is not a UUID names no document: refused before any query.
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(WebError::NotFound("document".into()));
    }
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let file = super::blocking(&state, move |store, templates| {
        actions::download(store, templates, &user, (&CaseId(case), &id), format, now)
    })
    .await?;
    respond(file)
}

pub async fn pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, WebError> {
    download(state, signed_in, ids, Format::Pdf).await
}

pub async fn docx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, WebError> {
    download(state, signed_in, ids, Format::Docx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn exhibits_follow_their_positions_then_the_lists_order() {
        let chosen = params(&[
            ("exhibits", "a"),
            ("exhibits", "b"),
            ("exhibits", "c"),
            ("position-b", "1"),
            ("position-c", "2"),
            ("position-d", "3"),
        ]);
        assert_eq!(ordered_exhibits(&chosen).unwrap(), ["b", "c", "a"]);
        let wrong = params(&[("exhibits", "a"), ("position-a", "first")]);
        assert!(matches!(ordered_exhibits(&wrong), Err(WebError::Field { .. })));
    }
}
