//! A file sent as `multipart/form-data` (the attachment form and its API), read with its forgery
//! check: the form's hidden `csrf` field, or the `X-CSRF-Token` header of an API client (none for a
//! request signed in by an API token). The file is
//! read up to the store's size limit and one byte more, so a file too large is refused without
//! holding it all; text fields are short and few.

use axum::extract::{FromRequest, Multipart, Request};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery;

/// The form field that carries the file.
pub const FILE_FIELD: &str = "file";
/// The longest text field read, in bytes.
const MAX_TEXT_FIELD: usize = 16 * 1024;
/// The most text fields read.
const MAX_TEXT_FIELDS: usize = 32;

/// The file of an upload, as received.
pub struct UploadedFile {
    /// The name the client gave it (untrusted; see `amparo_domain::attachments::clean_file_name`).
    pub name: Option<String>,
    pub bytes: Vec<u8>,
    /// More bytes came than the limit: `bytes` holds only the first ones.
    pub too_large: bool,
}

/// A multipart upload whose forgery token matched: its text fields, in order, and its file.
pub struct GuardedUpload {
    pub fields: Vec<(String, String)>,
    pub file: Option<UploadedFile>,
}

impl GuardedUpload {
    /// The last value of a text field, trimmed; `None` when absent or blank.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

fn unreadable(e: impl std::fmt::Display) -> WebError {
    WebError::Invalid(format!("the upload could not be read: {e}"))
}

impl FromRequest<AppState> for GuardedUpload {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let limit = usize::try_from(state.store.attachment_max_bytes()).unwrap_or(usize::MAX);
        let mut multipart = Multipart::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(unreadable)?;
        let mut fields = Vec::new();
        let mut file: Option<UploadedFile> = None;
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == FILE_FIELD {
                let mut received = UploadedFile {
                    name: field.file_name().map(str::to_owned),
                    bytes: Vec::new(),
                    too_large: false,
                };
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if received.bytes.len() + chunk.len() > limit {
                        received.too_large = true;
                        break;
                    }
                    received.bytes.extend_from_slice(&chunk);
                }
                if received.too_large {
                    // Nothing more is read: the answer names the limit.
                    file = Some(received);
                    break;
                }
                file = Some(received);
            } else {
                let mut value = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    value.extend_from_slice(&chunk);
                    if value.len() > MAX_TEXT_FIELD {
                        return Err(WebError::Invalid(format!("{name}: the field is too long")));
                    }
                }
                if fields.len() == MAX_TEXT_FIELDS {
                    return Err(WebError::Invalid("the upload has too many fields".into()));
                }
                let value = String::from_utf8(value)
                    .map_err(|_| WebError::Invalid(format!("{name}: the field is not UTF-8 text")))?;
                fields.push((name, value));
            }
        }
        let upload = GuardedUpload { fields, file };
        let submitted = match upload.field(forgery::FORM_FIELD) {
            Some(token) => token.to_owned(),
            None => forgery::header_token(&parts).to_owned(),
        };
        if forgery::by_token(&parts) || forgery::matches(&parts, &submitted) {
            Ok(upload)
        } else {
            Err(WebError::Csrf)
        }
    }
}
