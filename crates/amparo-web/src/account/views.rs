//! The sign-in and password-reset pages' templates.

use askama::Template;

use crate::ui::i18n::Lang;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub lang: Lang,
    pub form_token: String,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub lang: crate::ui::i18n::Lang,
    pub form_token: String,
    pub token: String,
    pub email: String,
    pub error: Option<String>,
    pub min_len: usize,
}
