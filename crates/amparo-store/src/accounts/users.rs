//! Members of an organisation: creating them, reading them, the credentials sign-in checks, and the
//! password and language each keeps. Deactivating and inviting members is in `staff`.

use amparo_domain::Language;
use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::{corrupt, from_millis, millis};
use crate::db::{DbFailure, Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{Credentials, NewUser, OrgId, User, UserId};

const INSERT_USER: &str = "INSERT INTO users (org_id, id, email, display_name, role, language, password_hash, \
     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/// The columns [`user_row`] reads, first in every user query.
pub(crate) const USER_COLUMNS: &str =
    "id, org_id, email, display_name, role, language, created_at, deactivated_at";
const UPDATE_PASSWORD: &str = "UPDATE users SET password_hash = $3 WHERE org_id = $1 AND id = $2";
const UPDATE_USER_LANGUAGE: &str = "UPDATE users SET language = $3 WHERE org_id = $1 AND id = $2";

fn select_user() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND id = $2")
}

pub(crate) fn select_users() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY display_name, email")
}

fn select_credentials() -> String {
    format!(
        "SELECT {USER_COLUMNS}, password_hash, \
         (SELECT COUNT(*) FROM second_factors f WHERE f.org_id = $1 AND f.user_id = users.id \
          AND f.confirmed_at IS NOT NULL), \
         (SELECT o.require_second_factor FROM organisations o WHERE o.id = $1) \
         FROM users WHERE org_id = $1 AND id = $2 AND deactivated_at IS NULL AND kind = 'person'"
    )
}

/// A user from the [`USER_COLUMNS`] at the start of a row.
pub(crate) fn user_row(r: &Row) -> StoreResult<User> {
    let role = r.text(4)?;
    let language = r.text(5)?;
    Ok(User {
        role: UserRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        language: Language::parse(&language).ok_or_else(|| corrupt("language", &language))?,
        id: UserId(r.text(0)?),
        org_id: OrgId(r.text(1)?),
        email: r.text(2)?,
        display_name: r.text(3)?,
        created_at: from_millis(r.int(6)?),
        deactivated_at: r.opt_int(7)?.map(from_millis),
    })
}

pub(crate) fn user(tx: &mut dyn Tx, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
    tx.query_opt(&select_user(), &[org.as_str().into(), id.as_str().into()])?
        .map(|r| user_row(&r))
        .transpose()
}

pub(crate) fn set_password(
    tx: &mut dyn Tx,
    org: &OrgId,
    id: &UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let changed =
        tx.execute(UPDATE_PASSWORD, &[org.as_str().into(), id.as_str().into(), password_hash.into()])?;
    if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
}

/// Adds a member to `org`; `Duplicate` for an email anyone on the installation already has.
pub(crate) fn insert_user(
    tx: &mut dyn Tx,
    org: &OrgId,
    new: &NewUser,
    now: DateTime<Utc>,
) -> StoreResult<User> {
    let id = UserId::generate();
    match super::sign_in_emails::claim(tx, &new.email, org, &id) {
        Err(DbFailure::UniqueViolation) => {
            return Err(StoreError::Duplicate(format!("a user with email {} already exists", new.email)));
        }
        other => other?,
    }
    let params = [
        org.as_str().into(),
        id.as_str().into(),
        new.email.as_str().into(),
        new.display_name.as_str().into(),
        new.role.as_str().into(),
        new.language.as_str().into(),
        new.password_hash.as_str().into(),
        millis(now).into(),
    ];
    match tx.execute(INSERT_USER, &params) {
        Err(DbFailure::UniqueViolation) => {
            return Err(StoreError::Duplicate(format!("a user with email {} already exists", new.email)));
        }
        Err(DbFailure::ForeignKeyViolation) => return Err(StoreError::NotFound("organisation".into())),
        other => other?,
    };
    user(tx, org, &id)?.ok_or_else(|| StoreError::NotFound("user".into()))
}

/// Checks a role string coming from outside (CLI, forms).
pub fn parse_role(text: &str) -> StoreResult<UserRole> {
    UserRole::parse(text).ok_or_else(|| {
        let expected = ["admin", "attorney", "advocate", "clinician", "viewer"].map(String::from).to_vec();
        StoreError::field("role", amparo_domain::Problem::UnknownValue { value: text.to_owned(), expected })
    })
}

impl Store {
    pub fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        self.write(|tx| insert_user(tx, org, new, now))
    }

    pub fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
        self.read(|tx| user(tx, org, id))
    }

    pub fn users(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        self.read(|tx| users(tx, org))
    }

    /// Sign-in looks a user up by email across organisations: an email belongs to one person, and
    /// `sign_in_emails` names their organisation, whose rows are then read. A deactivated member
    /// has no credentials, so sign-in refuses them as it refuses an unknown email; nor has a service
    /// account (it acts only through organisation tokens).
    pub fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>> {
        self.read(|tx| {
            let Some((org, user)) = super::sign_in_emails::account(tx, email)? else { return Ok(None) };
            tx.query_opt(&select_credentials(), &[org.as_str().into(), user.as_str().into()])?
                .map(|r| {
                    Ok(Credentials {
                        user: user_row(&r)?,
                        password_hash: r.text(8)?,
                        second_factor: r.int(9)? > 0,
                        org_requires_second_factor: r.int(10)? != 0,
                    })
                })
                .transpose()
        })
    }

    pub fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
        self.write(|tx| set_password(tx, org, id, password_hash))
    }

    /// The language a user reads the interface in; `NotFound` for a user not in `org`.
    pub fn set_user_language(&self, org: &OrgId, id: &UserId, language: Language) -> StoreResult<()> {
        self.write(|tx| {
            let params = [org.as_str().into(), id.as_str().into(), language.as_str().into()];
            let changed = tx.execute(UPDATE_USER_LANGUAGE, &params)?;
            if changed == 1 { Ok(()) } else { Err(StoreError::NotFound("user".into())) }
        })
    }
}

/// The organisation's people, read in `tx`.
pub(crate) fn users(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<User>> {
    tx.query(&select_users(), &[org.as_str().into()])?.iter().map(user_row).collect()
}
