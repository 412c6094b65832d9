//! Serving a file: inline (`GET /cases/{id}/attachments/{attachment}`, for PDF and images a browser
//! shows) or as a download (`…/download`, every type). The bytes go out under a policy that sandboxes
//! the document (no script, no form, no plugin but the browser's own viewer, no way to reach this
//! site's pages), with `nosniff` so the type read from the bytes at upload is the one the browser
//! uses, and never cached.

use amparo_store::{AttachmentFile, CaseId};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::session::SignedIn;

/// The policy a served file runs under: a sandboxed document that loads nothing but itself.
pub const FILE_POLICY: &str =
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

/// `Content-Disposition` for a file name: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187).
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The response carrying a file's bytes.
pub fn respond(file: AttachmentFile, inline: bool) -> Result<Response, WebError> {
    let attachment = &file.attachment;
    let inline = inline && attachment.content_type.shown_inline();
    let kind = if inline { "inline" } else { "attachment" };
    let value = |v: String| HeaderValue::from_str(&v).map_err(|e| WebError::Internal(e.to_string()));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(attachment.content_type.mime())),
        (header::CONTENT_DISPOSITION, value(disposition(kind, &attachment.download_name()))?),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_POLICY)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")),
    ];
    Ok((headers, file.bytes).into_response())
}

async fn serve(
    state: AppState,
    signed_in: SignedIn,
    (case, id): (String, String),
    via: &'static str,
) -> Result<Response, WebError> {
    // An id that is not a UUID names no attachment: refused before any query.
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(WebError::NotFound("attachment".into()));
    }
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let file = state
        .with_store(move |store| super::actions::file(store, &user, &CaseId(case), &id, via, now))
        .await?;
    respond(file, via == "view")
}

/// `GET /cases/{id}/attachments/{attachment}`: the file shown in the browser where it can be, else
/// downloaded.
pub async fn view(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, WebError> {
    serve(state, signed_in, ids, "view").await
}

/// `GET /cases/{id}/attachments/{attachment}/download`: the file downloaded, under its name.
pub async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, WebError> {
    serve(state, signed_in, ids, "download").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            disposition("attachment", "Notificación \"final\".pdf"),
            "attachment; filename=\"Notificaci_n _final_.pdf\"; filename*=UTF-8''Notificaci%C3%B3n%20%22final%22.pdf"
        );
    }
}
