//! Choosing the language of the interface. Signed in, the choice is stored with the user (and
//! follows them to any browser); before sign-in it lives in a cookie. Either way the form carries a
//! token the extractor checks: the session's, or the sign-in page's.

use amparo_domain::{Language, Problem};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::session::{NotSignedIn, SignedIn};
use crate::ui::i18n;

#[derive(Deserialize)]
pub struct LanguageForm {
    language: String,
    back: Option<String>,
}

pub async fn set_language(
    State(state): State<AppState>,
    signed_in: Result<SignedIn, NotSignedIn>,
    GuardedForm(form): GuardedForm<LanguageForm>,
) -> Result<Response, WebError> {
    let language = Language::parse(form.language.trim()).ok_or_else(|| {
        let expected = vec![String::from("en"), String::from("es")];
        WebError::field("language", Problem::UnknownValue { value: form.language.clone(), expected })
    })?;
    match signed_in {
        Ok(signed_in) => {
            let org = signed_in.user.org_id.clone();
            let user = signed_in.user.id.clone();
            state.with_store(move |store| store.set_user_language(&org, &user, language)).await?;
            tracing::info!(user = %signed_in.user.id, language = language.as_str(), "language chosen");
        }
        Err(NotSignedIn::Failed(e)) => return Err(e),
        // Before sign-in the form carried the sign-in page's token, which the extractor checked.
        Err(_) => {}
    }
    let back = crate::account::sign_in::safe_next(form.back.as_deref());
    let cookie = i18n::language_cookie(language, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}
