//! API tokens in the settings (`/account/tokens`): each person makes their own personal tokens
//! (shown once, as made), sees them with their scope, expiry and last use, and revokes them; an
//! administrator also sees every token of the organisation, with whom it acts as and who made it,
//! and revokes any of them, and makes organisation tokens for integrations, each acting as a named
//! service account with a role. Only sessions reach these pages: a token cannot make another.

use amparo_domain::org::UserRole;
use amparo_store::{ApiToken, ApiTokenId, NewApiToken, TokenScope};
use amparo_trust::api_token::{self, TokenKind};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::i18n::Lang;
use crate::ui::page::Viewer;
use crate::ui::viewer;

/// The lifetimes offered, in days; an empty choice lasts until revoked.
const LIFETIMES: [u32; 4] = [30, 90, 365, 3650];

/// One token as the page lists it.
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scope: String,
    /// Whom it acts as (administrators' list only).
    pub person: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    /// `live`, `expired` or `revoked`, in the reader's language.
    pub state: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "api_tokens.html")]
struct TokensPage {
    lang: Lang,
    viewer: Viewer,
    /// The token just made, shown this once.
    created: Option<String>,
    error: Option<String>,
    lifetimes: Vec<u32>,
    /// The roles an organisation token's service account may have, with their names (for an
    /// administrator's form; empty for others).
    roles: Vec<(&'static str, String)>,
    /// The person's own tokens, then (for an administrator) the organisation's others.
    sections: Vec<Section>,
}

/// One list of tokens on the page.
pub struct Section {
    pub heading: String,
    pub tokens: Vec<TokenView>,
    /// Whether the list names whom each token acts as.
    pub person: bool,
}

fn view(lang: Lang, token: &ApiToken, person: String, now: chrono::DateTime<chrono::Utc>) -> TokenView {
    let when = |at: Option<chrono::DateTime<chrono::Utc>>, none: &str| {
        at.map_or_else(|| lang.t(none), |at| lang.moment(at))
    };
    let state = match (token.revoked_at, token.is_live(now)) {
        (Some(_), _) => "tokens-state-revoked",
        (None, false) => "tokens-state-expired",
        (None, true) => "tokens-state-live",
    };
    TokenView {
        id: token.id.as_str().to_owned(),
        name: token.name.clone(),
        scope: lang.t(match token.scope {
            TokenScope::Read => "tokens-scope-read",
            TokenScope::Write => "tokens-scope-write",
        }),
        person,
        created: lang.moment(token.created_at),
        expires: when(token.expires_at, "tokens-never"),
        last_used: when(token.last_used_at, "tokens-unused"),
        state: lang.t(state),
        live: token.is_live(now),
    }
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    created: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (org, user) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let admin = signed_in.user.role == amparo_domain::org::UserRole::Admin;
    let (mine, all, people) = state
        .with_store(move |store| {
            let mine = store.api_tokens_of(&org, &user)?;
            let (all, people) =
                if admin { (store.api_tokens(&org)?, store.users(&org)?) } else { (vec![], vec![]) };
            Ok((mine, all, people))
        })
        .await?;
    let lang = signed_in.lang();
    let now = state.clock.now();
    let name_of = |id: &amparo_store::UserId| {
        people.iter().find(|p| p.id == *id).map(|p| p.display_name.clone()).unwrap_or_default()
    };
    let page = TokensPage {
        lang,
        viewer: viewer(signed_in),
        created,
        error,
        lifetimes: LIFETIMES.to_vec(),
        roles: if admin {
            ["viewer", "advocate", "attorney", "clinician", "admin"]
                .into_iter()
                .map(|role| (role, lang.t(&format!("role-{role}"))))
                .collect()
        } else {
            Vec::new()
        },
        sections: vec![],
    };
    let mut page = page;
    page.sections.push(Section {
        heading: lang.t("tokens-mine"),
        tokens: mine.iter().map(|t| view(lang, t, String::new(), now)).collect(),
        person: false,
    });
    let others: Vec<TokenView> = all
        .iter()
        .filter(|t| t.user_id != signed_in.user.id)
        .map(|t| view(lang, t, name_of(&t.user_id), now))
        .collect();
    if !others.is_empty() {
        page.sections.push(Section { heading: lang.t("tokens-organisation"), tokens: others, person: true });
    }
    Ok(crate::ui::render(&page).into_response())
}

pub async fn page(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    show(&state, &signed_in, None, None).await
}

/// Makes a personal token for the signed-in person and shows its text once.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let (name, scope, days) = match terms(&form, signed_in.lang()) {
        Ok(terms) => terms,
        Err(message) => return show(&state, &signed_in, None, Some(message)).await,
    };
    let issued = api_token::issue(TokenKind::Personal, signed_in.user.org_id.as_str())
        .map_err(|e| WebError::Internal(format!("random token: {e}")))?;
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    let hash = issued.hash.clone();
    state
        .with_store(move |store| {
            let new = NewApiToken {
                token_hash: &hash,
                kind: TokenKind::Personal,
                user: &user,
                name: &name,
                scope,
                expires_at: days.map(|d| now + Duration::days(i64::from(d))),
            };
            store.create_api_token(&new, Some(&user.id), now)
        })
        .await?;
    tracing::info!(user = %signed_in.user.id, "API token created");
    show(&state, &signed_in, Some(issued.text.expose().clone()), None).await
}

/// A token's name, scope and lifetime (days) from its form, or the message saying what is wrong.
fn terms(form: &Params, lang: Lang) -> Result<(String, TokenScope, Option<u32>), String> {
    let name = form.text("name");
    let scope = form.get("scope").and_then(TokenScope::parse).ok_or_else(|| lang.t("tokens-error-scope"))?;
    let days = match form.get("expires") {
        None => None,
        Some(days) => match days.parse::<u32>() {
            Ok(days) if LIFETIMES.contains(&days) => Some(days),
            _ => return Err(lang.t("tokens-error-expires")),
        },
    };
    if amparo_store::check_token_name(&name).is_err() {
        return Err(lang.t1("tokens-error-name", "max", amparo_store::MAX_TOKEN_NAME_CHARS));
    }
    Ok((name, scope, days))
}

/// Makes an organisation token, for an administrator: it acts as the service account named in the
/// form, made with the chosen role the first time its name is used; its text is shown once.
pub async fn create_organisation(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let lang = signed_in.lang();
    let (name, scope, days) = match terms(&form, lang) {
        Ok(terms) => terms,
        Err(message) => return show(&state, &signed_in, None, Some(message)).await,
    };
    let Some(role) = form.get("role").and_then(UserRole::parse) else {
        return show(&state, &signed_in, None, Some(lang.t("tokens-error-role"))).await;
    };
    let service = form.text("service");
    let issued = api_token::issue(TokenKind::Organisation, signed_in.user.org_id.as_str())
        .map_err(|e| WebError::Internal(format!("random token: {e}")))?;
    let (admin, now) = (signed_in.user.clone(), state.clock.now());
    let hash = issued.hash.clone();
    let made = state
        .with_store(move |store| {
            let account = store.service_account(&admin.org_id, &service, role, Some(&admin.id), now)?;
            let new = NewApiToken {
                token_hash: &hash,
                kind: TokenKind::Organisation,
                user: &account,
                name: &name,
                scope,
                expires_at: days.map(|d| now + Duration::days(i64::from(d))),
            };
            store.create_api_token(&new, Some(&admin.id), now)
        })
        .await;
    match made {
        Ok(_) => {
            tracing::info!(user = %signed_in.user.id, "organisation API token created");
            show(&state, &signed_in, Some(issued.text.expose().clone()), None).await
        }
        Err(WebError::Invalid(message)) => show(&state, &signed_in, None, Some(message)).await,
        Err(other) => Err(other),
    }
}

/// Revokes one of the person's tokens, or, for an administrator, any of the organisation's.
pub async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let admin = signed_in.user.role == amparo_domain::org::UserRole::Admin;
    let (org, user, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    state
        .with_store(move |store| {
            let owner = (!admin).then_some(&user);
            store.revoke_api_token(&org, &ApiTokenId(id), owner, Some(&user), now)
        })
        .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
