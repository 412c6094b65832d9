//! The account: signing in and out, the second factor, password resets, changing one's password,
//! accepting an invitation, the interface language and one's API tokens.

pub mod api_tokens;
pub mod invitation;
pub mod language;
pub mod password_change;
pub mod password_hash;
pub mod password_reset;
pub mod second_factor;
pub mod sign_in;
pub mod views;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// Sign-in, sign-out, the second factor, password resets and the language switch.
pub(crate) fn routes() -> Routes {
    use Access::{Enrolling, Needs, Public, SignedIn};
    use Permission::ManageOrganisation;
    Routes::new()
        .add("GET", "/login", Public, get(sign_in::login_form))
        .add("POST", "/login", Public, post(sign_in::login))
        .add("GET", "/reset/{token}", Public, get(password_reset::form))
        .add("POST", "/reset/{token}", Public, post(password_reset::submit))
        .add("GET", "/invite/{token}", Public, get(invitation::form))
        .add("POST", "/invite/{token}", Public, post(invitation::accept))
        .add("GET", "/account/password", SignedIn, get(password_change::form))
        .add("POST", "/account/password", SignedIn, post(password_change::submit))
        .add("GET", "/account/tokens", SignedIn, get(api_tokens::page))
        .add("POST", "/account/tokens", SignedIn, post(api_tokens::create))
        .add("POST", "/account/tokens/{id}/revoke", SignedIn, post(api_tokens::revoke))
        .add(
            "POST",
            "/account/tokens/organisation",
            Needs(Permission::ManageOrganisation),
            post(api_tokens::create_organisation),
        )
        .add("GET", "/login/second-factor", Public, get(second_factor::code_form))
        .add("POST", "/login/second-factor", Public, post(second_factor::submit_code))
        .add("GET", "/account/security", Enrolling, get(second_factor::security))
        .add("POST", "/account/security/confirm", Enrolling, post(second_factor::confirm))
        .add("POST", "/account/security/remove", SignedIn, post(second_factor::remove))
        .add("POST", "/logout", Enrolling, post(sign_in::logout))
        .add("POST", "/language", Public, post(language::set_language))
        .add("POST", "/logout/everywhere", SignedIn, post(sign_in::logout_everywhere))
        .add(
            "POST",
            "/api/v1/users/{id}/password-reset",
            Needs(ManageOrganisation),
            post(password_reset::issue),
        )
        .add(
            "POST",
            "/api/v1/users/{id}/second-factor/reset",
            Needs(ManageOrganisation),
            post(second_factor::reset),
        )
}
