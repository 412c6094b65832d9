//! Helpers the store's tests share: the moment most tests happen at, events from JSON, and the
//! organisations and members they start from.

use amparo_domain::org::UserRole;
use amparo_domain::{Event, Language, RawEvent};
use amparo_store::{NewOrganisation, NewUser, OrgId, Store};
use chrono::{DateTime, TimeZone, Utc};

/// The moment most tests happen at: noon on 1 March 2026.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// An event from its case-file JSON.
pub fn event(json: serde_json::Value) -> Event {
    serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
}

/// A new organisation named after its slug.
pub fn org(store: &Store, slug: &str) -> OrgId {
    store
        .create_organisation(&NewOrganisation { slug: slug.into(), name: format!("Org {slug}") }, now())
        .unwrap()
        .id
}

/// A member to create, speaking Spanish, with a password hash nobody checks.
pub fn new_user(email: &str, role: UserRole) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Test Person".into(),
        role,
        language: Language::Es,
        password_hash: "$argon2id$fake".into(),
    }
}
