//! `amparo token …`: API tokens made, listed and revoked by the operator. A token's text is printed
//! once, when it is made; only its hash is kept.

use amparo_store::{ApiToken, ApiTokenId, NewApiToken, Store, TokenScope};
use amparo_trust::api_token::{self, TokenKind};
use chrono::Duration;
use clap::Subcommand;

use super::admin::normalise_email;
use super::{now, open_store, resolve_org};
use crate::DatabaseArgs;
use crate::OrgArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// The longest a token may be made to last, in days (ten years).
const MAX_DAYS: u32 = 3650;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make an API token, printed once: a personal one acting as a staff member (`--email`), or an
    /// organisation one for an integration, acting as a named service account (`--service` and
    /// `--role`; the account is made on first use of its name).
    Create {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// The person the token acts as.
        #[arg(long, required_unless_present = "service", conflicts_with_all = ["service", "role"])]
        email: Option<String>,
        /// The service account an organisation token acts as, by name.
        #[arg(long, requires = "role")]
        service: Option<String>,
        /// The service account's role: admin, attorney, advocate, clinician or viewer.
        #[arg(long, requires = "service")]
        role: Option<String>,
        /// read (GET only) or write.
        #[arg(long)]
        scope: String,
        /// Days until it expires; without it, it lasts until revoked.
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
        /// What it is for, shown in the lists.
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// The organisation's tokens (never their text).
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// Only the tokens acting as this person.
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token at once, by its id (from `amparo token list`).
    Revoke {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        id: String,
    },
}

pub fn run(command: TokenCommand, settings: &Settings) -> CliResult {
    match command {
        TokenCommand::Create { db, org, email, service, role, scope, expires, name } => {
            let scope = TokenScope::parse(&scope)
                .ok_or_else(|| CliError::Invalid(format!("--scope: {scope:?} is not read or write")))?;
            if expires.is_some_and(|days| days == 0 || days > MAX_DAYS) {
                return Err(CliError::Invalid(format!("--expires: expected days from 1 to {MAX_DAYS}")));
            }
            if name.trim().is_empty() {
                return Err(CliError::Invalid("--name: must not be empty".into()));
            }
            let store = open_store(settings, &settings.database(db.database))?;
            let at = now();
            let (kind, user, whom) = match (email, service, role) {
                (Some(email), _, _) => {
                    let email = normalise_email(&email)?;
                    let user = store
                        .credentials_by_email(&email)?
                        .ok_or_else(|| {
                            CliError::Invalid(format!("--email: no active user has the email {email:?}"))
                        })?
                        .user;
                    (TokenKind::Personal, user, email)
                }
                (None, Some(service), Some(role)) => {
                    let role = amparo_store::parse_role(&role)
                        .map_err(|_| CliError::Invalid(format!("--role: {role:?} is not a role")))?;
                    let organisation = resolve_org(&store, org.org.as_deref())?;
                    let user = store.service_account(&organisation.id, &service, role, None, at)?;
                    let whom = format!("the service account {:?} ({})", user.display_name, role.as_str());
                    (TokenKind::Organisation, user, whom)
                }
                _ => return Err(CliError::Invalid("give --email, or --service with --role".into())),
            };
            let issued =
                api_token::issue(kind, user.org_id.as_str()).map_err(|e| CliError::Failed(e.to_string()))?;
            let new = NewApiToken {
                token_hash: &issued.hash,
                kind,
                user: &user,
                name: &name,
                scope,
                expires_at: expires.map(|days| at + Duration::days(i64::from(days))),
            };
            let token = store.create_api_token(&new, None, at)?;
            eprintln!(
                "made {} token {} for {whom}{}; it is shown once, keep it now:",
                token.scope.as_str(),
                token.id.as_str(),
                token
                    .expires_at
                    .map(|at| format!(", expiring {}", at.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
            say!("{}", issued.text.expose());
            Ok(())
        }
        TokenCommand::List { db, org, email, json } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let organisation = resolve_org(&store, org.org.as_deref())?;
            let tokens = match email {
                Some(email) => {
                    let email = normalise_email(&email)?;
                    let user = user_by_email(&store, &organisation.id, &email)?;
                    store.api_tokens_of(&organisation.id, &user)?
                }
                None => store.api_tokens(&organisation.id)?,
            };
            list(&tokens, json)
        }
        TokenCommand::Revoke { db, org, id } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let organisation = resolve_org(&store, org.org.as_deref())?;
            let id = ApiTokenId(id.trim().to_owned());
            match store.revoke_api_token(&organisation.id, &id, None, None, now()) {
                Ok(true) => say!("revoked token {}", id.as_str()),
                Ok(false) => say!("token {} was already revoked", id.as_str()),
                Err(amparo_store::StoreError::NotFound(_)) => {
                    return Err(CliError::Invalid(format!(
                        "--id: no token {:?} in {}",
                        id.as_str(),
                        organisation.slug
                    )));
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
    }
}

fn user_by_email(store: &Store, org: &amparo_store::OrgId, email: &str) -> CliResult<amparo_store::UserId> {
    store
        .users(org)?
        .into_iter()
        .find(|u| u.email == email)
        .map(|u| u.id)
        .ok_or_else(|| CliError::Invalid(format!("--email: no user has the email {email:?}")))
}

fn list(tokens: &[ApiToken], json: bool) -> CliResult {
    let at = now();
    let state = |t: &ApiToken| match (t.revoked_at, t.is_live(at)) {
        (Some(_), _) => "revoked",
        (None, false) => "expired",
        (None, true) => "live",
    };
    if json {
        let rows: Vec<_> = tokens
            .iter()
            .map(|t| {
                serde_json::json!({
                    "id": t.id.as_str(),
                    "kind": t.kind.as_str(),
                    "user": t.user_id.as_str(),
                    "name": t.name,
                    "scope": t.scope.as_str(),
                    "created_by": t.created_by.as_ref().map(|u| u.as_str()),
                    "created_at": t.created_at,
                    "expires_at": t.expires_at,
                    "last_used_at": t.last_used_at,
                    "revoked_at": t.revoked_at,
                    "state": state(t),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&rows).map_err(|e| CliError::Failed(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(|| String::from("-"), |at| at.format("%Y-%m-%d %H:%M").to_string())
    };
    for t in tokens {
        say!(
            "{}  {:<8} {:<5} {:<7} expires {:<16} last used {:<16} {}",
            t.id.as_str(),
            t.kind.as_str(),
            t.scope.as_str(),
            state(t),
            when(t.expires_at),
            when(t.last_used_at),
            t.name
        );
    }
    Ok(())
}
