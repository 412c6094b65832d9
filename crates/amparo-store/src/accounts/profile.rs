//! The organisation's profile: its name, address, phone, email and letter signature (what a family
//! letter prints), and its time zone, which decides the calendar day — "today" for derivation,
//! reminders and the daily pass — through [`today_for`], the one place the store takes it.

use amparo_domain::{Date, Problem, TimeZone};
use chrono::{DateTime, Utc};

use crate::access::Actor;
use crate::columns::corrupt;
use crate::db::Tx;
use crate::derivation::{self, DeriveContext};
use crate::error::{StoreError, StoreResult};
use crate::model::OrgId;
use crate::{Store, audit};

const SELECT_PROFILE: &str =
    "SELECT name, address, phone, email, letter_signature, time_zone FROM organisations WHERE id = $1";
const SELECT_TIME_ZONE: &str = "SELECT time_zone FROM organisations WHERE id = $1";
const UPDATE_PROFILE: &str = "UPDATE organisations SET name = $2, address = $3, phone = $4, email = $5, \
     letter_signature = $6, time_zone = $7 WHERE id = $1";

/// The longest name, phone or email the profile keeps.
pub const MAX_LINE: usize = 200;
/// The longest address or letter signature (several lines).
pub const MAX_BLOCK: usize = 1000;

/// How an organisation presents itself and the zone it keeps time in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationProfile {
    pub name: String,
    /// Postal address, one line per line.
    pub address: String,
    pub phone: String,
    pub email: String,
    /// The closing a family letter is signed with, one line per line.
    pub letter_signature: String,
    pub time_zone: TimeZone,
}

/// A profile as typed, before it is checked: the time zone is still a name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileInput {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub letter_signature: String,
    pub time_zone: String,
}

/// Checks a typed profile; every field refused, each named with what is wrong.
pub fn check_profile(input: &ProfileInput) -> Result<OrganisationProfile, Vec<StoreError>> {
    let mut problems = Vec::new();
    let mut text = |field: &str, value: &str, required: bool, max: usize, lines: bool| -> String {
        let value = value.trim();
        let problem = if required && value.is_empty() {
            Some(Problem::Required)
        } else if value.chars().count() > max {
            Some(Problem::TooLong { max })
        } else if value.chars().any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t'))) {
            Some(Problem::ControlCharacter)
        } else {
            None
        };
        if let Some(problem) = problem {
            problems.push(StoreError::field(field, problem));
        }
        value.replace("\r\n", "\n")
    };
    let name = text("name", &input.name, true, MAX_LINE, false);
    let address = text("address", &input.address, false, MAX_BLOCK, true);
    let phone = text("phone", &input.phone, false, MAX_LINE, false);
    let email = text("email", &input.email, false, MAX_LINE, false);
    let letter_signature = text("letter_signature", &input.letter_signature, false, MAX_BLOCK, true);
    if !email.is_empty() && !looks_like_email(&email) {
        let expected = "an email address such as office@example.org".to_owned();
        problems.push(StoreError::field("email", Problem::WrongFormat { expected, found: email.clone() }));
    }
    let time_zone = TimeZone::parse(&input.time_zone).unwrap_or_else(|problem| {
        problems.push(StoreError::field("time_zone", problem));
        TimeZone::UTC
    });
    if problems.is_empty() {
        Ok(OrganisationProfile { name, address, phone, email, letter_signature, time_zone })
    } else {
        Err(problems)
    }
}

/// One `@` with text on both sides and a dot in the domain: enough to catch a slip of the keyboard.
pub fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

pub(crate) fn stored_zone(name: &str) -> StoreResult<TimeZone> {
    TimeZone::parse(name).map_err(|_| corrupt("time_zone", name))
}

/// The organisation's time zone (UTC for one that set none).
pub(crate) fn time_zone(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<TimeZone> {
    let row = tx
        .query_opt(SELECT_TIME_ZONE, &[org.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?;
    stored_zone(&row.text(0)?)
}

/// "Today" for an organisation: the calendar day it is at `now` in the organisation's time zone.
/// Every date the store derives, reminds or digests from is taken here.
pub(crate) fn today_for(tx: &mut dyn Tx, org: &OrgId, now: DateTime<Utc>) -> StoreResult<Date> {
    Ok(time_zone(tx, org)?.today(now))
}

fn profile(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<OrganisationProfile> {
    let row = tx
        .query_opt(SELECT_PROFILE, &[org.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?;
    Ok(OrganisationProfile {
        name: row.text(0)?,
        address: row.text(1)?,
        phone: row.text(2)?,
        email: row.text(3)?,
        letter_signature: row.text(4)?,
        time_zone: stored_zone(&row.text(5)?)?,
    })
}

impl Store {
    /// The organisation's profile.
    pub fn organisation_profile(&self, org: &OrgId) -> StoreResult<OrganisationProfile> {
        self.read(|tx| profile(tx, org))
    }

    /// The organisation's time zone.
    pub fn time_zone(&self, org: &OrgId) -> StoreResult<TimeZone> {
        self.read(|tx| time_zone(tx, org))
    }

    /// "Today" for the organisation at `now`: its calendar day in its time zone.
    pub fn today_for(&self, org: &OrgId, now: DateTime<Utc>) -> StoreResult<Date> {
        self.read(|tx| today_for(tx, org, now))
    }

    /// Replaces the organisation's profile, for an administrator of it (checked in the write's
    /// transaction); audited with the fields that changed. A new time zone moves "today": the
    /// organisation's cases are derived again as of their new day in the same transaction.
    pub fn set_organisation_profile_as(
        &self,
        actor: &Actor,
        new: &OrganisationProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            crate::accounts::staff::require_admin(tx, actor)?;
            let old = profile(tx, &actor.org)?;
            let params = [
                actor.org.as_str().into(),
                new.name.as_str().into(),
                new.address.as_str().into(),
                new.phone.as_str().into(),
                new.email.as_str().into(),
                new.letter_signature.as_str().into(),
                new.time_zone.name().into(),
            ];
            tx.execute(UPDATE_PROFILE, &params)?;
            let changed: Vec<&str> = [
                ("name", old.name != new.name),
                ("address", old.address != new.address),
                ("phone", old.phone != new.phone),
                ("email", old.email != new.email),
                ("letter_signature", old.letter_signature != new.letter_signature),
                ("time_zone", old.time_zone != new.time_zone),
            ]
            .into_iter()
            .filter_map(|(field, differs)| differs.then_some(field))
            .collect();
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "organisation.profile_changed",
                target: actor.org.as_str(),
                detail: serde_json::json!({
                    "changed": changed,
                    "time_zone": new.time_zone.name(),
                }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            if old.time_zone != new.time_zone {
                // "Today" moved: derive every case again as of the organisation's new day.
                let policy = crate::policy::load_policy(tx, &actor.org)?;
                let today = new.time_zone.today(now);
                let context = DeriveContext::new(today, &policy, self.rule_set(), now, self.sealer());
                derivation::rederive_all(tx, self.sealer(), &actor.org, &context)?;
            }
            Ok(())
        })
    }
}
