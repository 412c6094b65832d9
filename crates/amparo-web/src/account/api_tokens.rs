//! API tokens in the settings (`/account/tokens`): each person makes their own personal tokens
//! (shown once, as made), sees them with their scope, expiry and last use, and revokes them; an
//! administrator also sees every token of the organisation, with whom it acts as and who made it,
//! and revokes any of them. Only sessions reach these pages: a token cannot make another.

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
    let lang = signed_in.lang();
    let name = form.text("name");
    let scope = match form.get("scope").and_then(TokenScope::parse) {
        Some(scope) => scope,
        None => return show(&state, &signed_in, None, Some(lang.t("tokens-error-scope"))).await,
    };
    let days = match form.get("expires") {
        None => None,
        Some(days) => match days.parse::<u32>() {
            Ok(days) if LIFETIMES.contains(&days) => Some(days),
            _ => return show(&state, &signed_in, None, Some(lang.t("tokens-error-expires"))).await,
        },
    };
    if amparo_store::check_token_name(&name).is_err() {
        let max = amparo_store::MAX_TOKEN_NAME_CHARS;
        return show(&state, &signed_in, None, Some(lang.t1("tokens-error-name", "max", max))).await;
    }
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
