//! What makes a snapshot stable: an organisation written through the store at a fixed time, and the
//! redactions of what changes from run to run (ids, versions, times, tokens, key material).

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Language};
use amparo_store::testing::TestDatabase;
use amparo_store::{NewOrganisation, NewUser};
use chrono::{DateTime, TimeZone, Utc};

use super::fixtures::{PASSWORD, case_json};

/// The time every snapshot is taken at: the application's clock and every seeded record agree.
pub fn snapshot_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

/// Clinic A with an attorney (`ana@a.example.org`), an advocate (`ben@a.example.org`) and the case
/// A-1; clinic B with its own attorney and case B-1. All written through the store at `now`.
pub fn seed_at(db: &TestDatabase, now: DateTime<Utc>) {
    let store = db.store();
    let hash = amparo_web::hash_password(PASSWORD).unwrap();
    let clinics = [
        (
            "clinic-a",
            "Clinic A",
            "A-1",
            "Lucía",
            &[
                ("ana@a.example.org", "Ana Attorney", UserRole::Attorney),
                ("ben@a.example.org", "Ben Advocate", UserRole::Advocate),
            ][..],
        ),
        (
            "clinic-b",
            "Clinic B",
            "B-1",
            "Iker",
            &[("bo@b.example.org", "Bo Attorney", UserRole::Attorney)][..],
        ),
    ];
    for (slug, name, reference, given, members) in clinics {
        let org = store
            .create_organisation(&NewOrganisation { slug: slug.into(), name: name.into() }, now)
            .unwrap();
        for (email, display_name, role) in members {
            let new = NewUser {
                email: (*email).into(),
                display_name: (*display_name).into(),
                role: *role,
                language: Language::En,
                password_hash: hash.clone(),
            };
            store.create_user(&org.id, &new, now).unwrap();
        }
        let (file, _warnings) = CaseFile::parse(&case_json(reference, given)).unwrap();
        store.import_cases(&org.id, &[file], None, now).unwrap();
    }
}

/// Whether `text` at `at` starts a UUID (8-4-4-4-12 hexadecimal digits).
fn uuid_at(bytes: &[u8], at: usize) -> bool {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut i = at;
    for (n, len) in GROUPS.iter().enumerate() {
        for _ in 0..*len {
            match bytes.get(i) {
                Some(b) if b.is_ascii_hexdigit() => i += 1,
                _ => return false,
            }
        }
        if n < 4 {
            if bytes.get(i) != Some(&b'-') {
                return false;
            }
            i += 1;
        }
    }
    !bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// `text` with every UUID replaced by `[uuid]`.
pub fn redact_uuids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) && uuid_at(bytes, i) {
            out.push_str("[uuid]");
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Replaces the value of every hidden input named `field` (the CSRF token, say) by `[field]`.
fn redact_hidden(html: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\" value=\"");
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&marker) {
        let value_start = start + marker.len();
        out.push_str(&rest[..value_start]);
        out.push_str(&format!("[{field}]"));
        let end = value_start + rest[value_start..].find('"').unwrap();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A page with its volatile parts redacted: ids and CSRF tokens.
pub fn redact_page(html: &str) -> String {
    redact_hidden(&redact_uuids(html), "csrf")
}

/// The JSON fields whose values change from run to run or with the order tests run in (versions,
/// times stamped by the command line's real clock, chain hashes), by name wherever they appear. Ids
/// are UUIDs, redacted wherever they appear by [`uuids_redacted`]; the ids a case file gives its
/// own events (`e1`) are stable and stay.
const VOLATILE_FIELDS: &[&str] = &["version", "at", "created_at", "updated_at", "hash", "prev_hash"];

/// Snapshot settings for this scope: every field in [`VOLATILE_FIELDS`] redacted by insta, maps
/// sorted, snapshot files named by the snapshot alone. Keep the guard alive while asserting.
pub fn redacted() -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    for field in VOLATILE_FIELDS {
        settings.add_redaction(&format!(".**.{field}"), format!("[{field}]"));
    }
    settings.set_sort_maps(true);
    settings.set_prepend_module_to_snapshot(false);
    settings.bind_to_scope()
}

/// A JSON value with every UUID inside a string (a link, say) replaced by `[uuid]`; the fields
/// themselves are redacted by [`redacted`].
pub fn uuids_redacted(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), uuids_redacted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(uuids_redacted).collect()),
        Value::String(text) => Value::String(redact_uuids(text)),
        other => other.clone(),
    }
}

/// Creates the organisation `slug` and imports the case files at `paths` into it, all through the
/// store at `now`: what is derived at import (days of unlawful presence, escalations) then depends
/// on `now` alone, never on the day the tests run.
pub fn import_at(db: &TestDatabase, slug: &str, paths: &[String], now: DateTime<Utc>) {
    let store = db.store();
    let org =
        store.create_organisation(&NewOrganisation { slug: slug.into(), name: slug.into() }, now).unwrap();
    let files: Vec<CaseFile> = paths
        .iter()
        .map(|path| CaseFile::parse(&std::fs::read_to_string(path).unwrap()).unwrap().0)
        .collect();
    store.import_cases(&org.id, &files, None, now).unwrap();
}
