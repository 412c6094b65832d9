//! Case notes and contacts, on both backends: who writes, pins and reads them (checked in the store's
//! transaction), that a note never moves the case's version while a contact edit needs the current
//! one, that every read and write is audited, that the text, phone numbers and addresses are never in
//! the database's bytes in clear, and that export and import carry them unchanged.

use crate::sealing::{contains, database_bytes};

use amparo_domain::contacts::{CaseContact, ContactMethod, ContactRole, Contacts, FamilyContact};
use amparo_domain::notes::{NewNote, NoteKind};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{event, new_user, now, org};

const NOTE_TEXT: &str = "Called Rosa: the infusion pump supplier changes on Friday";
const PHONE: &str = "+1 555 0142 7781";
const ADDRESS: &str = "417 Calle Ejemplo, Apt 9, Springfield";
const WORKER_PHONE: &str = "+1 555 0150 3312";

fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "NOTES-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ]
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn contacts() -> Contacts {
    Contacts {
        family: FamilyContact {
            phone: Some(PHONE.into()),
            email: Some("familia.ejemplo@example.org".into()),
            messaging_app: Some("WhatsApp +52 55 0100 2233".into()),
            postal_address: Some(ADDRESS.into()),
            preferred_method: Some(ContactMethod::Message),
            preferred_language: Some(amparo_domain::LanguageTag::parse("es-MX").unwrap()),
            interpreter_needed: true,
        },
        others: vec![CaseContact {
            role: ContactRole::SocialWorker,
            name: Some("Marta Muestra".into()),
            organisation: Some("Example Children's Hospital".into()),
            phone: Some(WORKER_PHONE.into()),
            email: Some("social.work@hospital.example.org".into()),
        }],
    }
}

struct Team {
    store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    attorney: Actor,
    clinician: Actor,
    viewer: Actor,
}

fn team(db: &TestDatabase) -> Team {
    let store = db.store();
    let org = org(&store, "notes");
    let actor = |email: &str, role| {
        let mut user = new_user(email, role);
        user.display_name = format!("{} Person", role.as_str());
        Actor::of(&store.create_user(&org, &user, now()).unwrap())
    };
    let attorney = actor("attorney@example.org", UserRole::Attorney);
    let clinician = actor("clinician@example.org", UserRole::Clinician);
    let viewer = actor("viewer@example.org", UserRole::Viewer);
    let case = store.import_cases(&org, &[case_file()], None, now()).unwrap().remove(0);
    Team { store, org, case, attorney, clinician, viewer }
}

impl Team {
    fn version(&self) -> i64 {
        self.store.case(&self.org, &self.case).unwrap().unwrap().version
    }

    fn audited(&self, action: &str) -> usize {
        let query = AuditQuery { action: Some(action.into()), limit: 100, ..AuditQuery::default() };
        self.store.audit_page(&self.org, &query).unwrap().entries.len()
    }
}

fn note(kind: NoteKind, text: &str, event: Option<&str>) -> NewNote {
    NewNote { kind, event: event.map(str::to_owned), text: text.into() }
}

amparo_store::on_both_backends!(
    notes_are_numbered_read_pinned_first_and_never_move_the_version,
    who_may_write_pin_and_read_notes_is_checked_in_the_store,
    a_note_names_a_wrong_field_and_writes_nothing,
    contacts_are_edited_at_the_current_version_and_a_stale_edit_is_refused,
    clinicians_do_not_read_the_familys_contacts_and_only_case_workers_edit_them,
    note_text_phone_numbers_and_addresses_are_not_stored_in_clear,
    export_and_import_carry_notes_and_contacts_unchanged,
    a_key_rotation_reseals_notes_and_contacts,
);

fn notes_are_numbered_read_pinned_first_and_never_move_the_version(db: &TestDatabase) {
    let t = team(db);
    let before = t.version();
    let first = t
        .store
        .add_note_as(&t.attorney, &t.case, &note(NoteKind::Call, NOTE_TEXT, Some("g1")), now())
        .unwrap();
    let later = now() + chrono::Duration::minutes(5);
    let second = t
        .store
        .add_note_as(&t.attorney, &t.case, &note(NoteKind::Meeting, "Met the family", None), later)
        .unwrap();
    assert_eq!((first.id, second.id), (1, 2));
    assert_eq!(first.author.as_deref(), Some("attorney Person"));
    assert_eq!(first.event.as_deref(), Some("g1"));
    // A note is not an edit of the case: an event form opened before it is still current.
    assert_eq!(t.version(), before);
    let appended = t.store.append_event_as(&t.attorney, &t.case, before, &event(serde_json::json!(
        { "id": "c1", "type": "i94_checked", "on": "2026-02-27", "note": "Checked online; nothing changed" }
    )), now());
    assert_eq!(appended.unwrap(), before + 1);

    let read = t.store.case_notes_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert_eq!(read.iter().map(|n| n.id).collect::<Vec<_>>(), vec![2, 1], "newest first");
    let pinned = t.store.set_note_pinned_as(&t.attorney, &t.case, 1, true, now()).unwrap();
    assert!(pinned.pinned);
    let read = t.store.case_notes_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert_eq!(read.iter().map(|n| n.id).collect::<Vec<_>>(), vec![1, 2], "pinned first");
    assert_eq!(read[0].text, NOTE_TEXT);
    t.store.set_note_pinned_as(&t.attorney, &t.case, 1, false, now()).unwrap();
    assert_eq!(t.version(), before + 1, "pins do not move the version either");
    assert_eq!((t.audited("note.added"), t.audited("note.pinned"), t.audited("note.unpinned")), (2, 1, 1));
    assert_eq!(t.audited("notes.read"), 2);
    // The event's note is kept with the event, whatever its type.
    let stored = t.store.case(&t.org, &t.case).unwrap().unwrap();
    assert_eq!(stored.file.events[1].note.as_deref(), Some("Checked online; nothing changed"));
}

fn who_may_write_pin_and_read_notes_is_checked_in_the_store(db: &TestDatabase) {
    let t = team(db);
    let refused = |r: StoreResult<_>| matches!(r, Err(StoreError::Refused(_)));
    let plain = note(NoteKind::Note, "x", None);
    assert!(matches!(
        t.store.add_note_as(&t.viewer, &t.case, &plain, now()),
        Err(StoreError::Refused(Refusal::RoleMayNot))
    ));
    // A clinician writes notes only on a case shared with them.
    assert!(matches!(
        t.store.add_note_as(&t.clinician, &t.case, &plain, now()),
        Err(StoreError::Refused(Refusal::CaseHidden))
    ));
    assert!(refused(t.store.case_notes_as(&t.clinician, &t.case, "api", now()).map(|_| ())));
    t.store.set_case_shared_as(&t.attorney, &t.case, &t.clinician.user, true, now()).unwrap();
    let written = t.store.add_note_as(&t.clinician, &t.case, &plain, now()).unwrap();
    // A clinician, who does not read the timeline, links a note to none of its events.
    let linked = note(NoteKind::Note, "about the grant", Some("g1"));
    assert!(matches!(
        t.store.add_note_as(&t.clinician, &t.case, &linked, now()),
        Err(StoreError::Field { problem: Problem::NoSuchEvent { .. }, .. })
    ));
    assert_eq!(t.store.case_notes_as(&t.clinician, &t.case, "api", now()).unwrap().len(), 1);
    assert_eq!(t.store.case_notes_as(&t.viewer, &t.case, "api", now()).unwrap().len(), 1);
    // Pinning is the case workers' own.
    for actor in [&t.clinician, &t.viewer] {
        let pinned = t.store.set_note_pinned_as(actor, &t.case, i64::from(written.id), true, now());
        assert!(matches!(pinned, Err(StoreError::Refused(Refusal::RoleMayNot))), "{:?}", actor.role);
    }
    assert!(matches!(
        t.store.set_note_pinned_as(&t.attorney, &t.case, 99, true, now()),
        Err(StoreError::NotFound(_))
    ));
    let elsewhere = CaseId("no-such-case".into());
    assert!(matches!(
        t.store.add_note_as(&t.attorney, &elsewhere, &plain, now()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(t.audited("note.added"), 1);
}

fn a_note_names_a_wrong_field_and_writes_nothing(db: &TestDatabase) {
    let t = team(db);
    let cases = [
        (note(NoteKind::Call, "  ", None), "text", Problem::Required),
        (note(NoteKind::Call, &"x".repeat(4_001), None), "text", Problem::TooLong { max: 4_000 }),
        (
            note(NoteKind::Call, "about nothing", Some("zz")),
            "event",
            Problem::NoSuchEvent { id: "zz".into() },
        ),
    ];
    for (bad, field, problem) in cases {
        match t.store.add_note_as(&t.attorney, &t.case, &bad, now()) {
            Err(StoreError::Field { path, problem: found }) => {
                assert_eq!((path.as_str(), found), (field, problem))
            }
            other => panic!("expected a field error on {field}, got {other:?}"),
        }
    }
    assert!(t.store.case_notes_as(&t.attorney, &t.case, "api", now()).unwrap().is_empty());
    assert_eq!(t.audited("note.added"), 0);
}

fn contacts_are_edited_at_the_current_version_and_a_stale_edit_is_refused(db: &TestDatabase) {
    let t = team(db);
    let (version, empty) = t.store.case_contacts_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert!(empty.is_empty());
    let saved = t.store.set_case_contacts_as(&t.attorney, &t.case, version, contacts(), now()).unwrap();
    assert_eq!(saved, version + 1);
    let (read_version, read) = t.store.case_contacts_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert_eq!((read_version, read), (saved, contacts()));
    // Someone else's edit meanwhile: the stale one is refused and nothing of it is kept.
    let mut stale = contacts();
    stale.family.phone = Some("+1 555 0199 0000".into());
    assert!(matches!(
        t.store.set_case_contacts_as(&t.attorney, &t.case, version, stale, now()),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(t.store.case_contacts_as(&t.attorney, &t.case, "api", now()).unwrap().1, contacts());
    // A wrong shape names its field and writes nothing.
    let mut wrong = contacts();
    wrong.others[0].email = Some("marta.example.org".into());
    match t.store.set_case_contacts_as(&t.attorney, &t.case, saved, wrong, now()) {
        Err(StoreError::Field { path, problem }) => {
            assert_eq!(path, "others[0].email");
            assert_eq!(problem, Problem::NotAnEmail { value: "marta.example.org".into() });
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    assert_eq!(t.version(), saved);
    assert_eq!((t.audited("contacts.updated"), t.audited("contacts.read")), (1, 3));
}

fn clinicians_do_not_read_the_familys_contacts_and_only_case_workers_edit_them(db: &TestDatabase) {
    let t = team(db);
    t.store.set_case_contacts_as(&t.attorney, &t.case, t.version(), contacts(), now()).unwrap();
    t.store.set_case_shared_as(&t.attorney, &t.case, &t.clinician.user, true, now()).unwrap();
    let (_, seen) = t.store.case_contacts_as(&t.clinician, &t.case, "api", now()).unwrap();
    assert_eq!(seen.family, FamilyContact::default());
    assert_eq!(seen.others, contacts().others);
    let page = t.store.case_contacts_for_page(&t.clinician, &t.case).unwrap();
    assert_eq!(page.family, FamilyContact::default());
    assert_eq!(t.store.case_contacts_for_page(&t.viewer, &t.case).unwrap(), contacts());
    for actor in [&t.clinician, &t.viewer] {
        let written = t.store.set_case_contacts_as(actor, &t.case, t.version(), Contacts::default(), now());
        assert!(matches!(written, Err(StoreError::Refused(Refusal::RoleMayNot))), "{:?}", actor.role);
    }
    assert_eq!(t.store.case_contacts_for_page(&t.attorney, &t.case).unwrap(), contacts());
}

fn note_text_phone_numbers_and_addresses_are_not_stored_in_clear(db: &TestDatabase) {
    let t = team(db);
    t.store.add_note_as(&t.attorney, &t.case, &note(NoteKind::Call, NOTE_TEXT, None), now()).unwrap();
    t.store.set_case_contacts_as(&t.attorney, &t.case, t.version(), contacts(), now()).unwrap();
    // Imported ones too.
    let mut file = case_file();
    file.case.reference = amparo_domain::identifiers::CaseReference::parse("NOTES-2").unwrap();
    let exported = t.store.export_case(&t.org, &t.case, now()).unwrap().unwrap().file;
    file.extensions.notes = exported.extensions.notes.clone();
    file.extensions.contacts = exported.extensions.contacts.clone();
    t.store.import_cases(&t.org, &[file], None, now()).unwrap();
    let bytes = database_bytes(db);
    assert!(contains(&bytes, "NOTES-2"), "the check reads the data it looks in");
    for secret in [NOTE_TEXT, PHONE, ADDRESS, WORKER_PHONE, "familia.ejemplo@example.org"] {
        assert!(!contains(&bytes, secret), "{secret:?} is stored in clear");
    }
    assert_eq!(t.store.case_notes_as(&t.attorney, &t.case, "api", now()).unwrap()[0].text, NOTE_TEXT);
}

fn export_and_import_carry_notes_and_contacts_unchanged(db: &TestDatabase) {
    let t = team(db);
    t.store.add_note_as(&t.attorney, &t.case, &note(NoteKind::Email, NOTE_TEXT, Some("g1")), now()).unwrap();
    t.store.add_note_as(&t.attorney, &t.case, &note(NoteKind::Message, "Second\nline", None), now()).unwrap();
    t.store.set_note_pinned_as(&t.attorney, &t.case, 2, true, now()).unwrap();
    t.store.set_case_contacts_as(&t.attorney, &t.case, t.version(), contacts(), now()).unwrap();
    let first = t.store.export_case(&t.org, &t.case, now()).unwrap().unwrap().file.to_json();
    assert!(first.contains("\"notes\"") && first.contains("\"contacts\""), "{first}");

    let other_org = org(&t.store, "elsewhere");
    let (parsed, _) = CaseFile::parse(&first).unwrap();
    let imported = t.store.import_cases(&other_org, &[parsed], None, now()).unwrap().remove(0);
    let second = t.store.export_case(&other_org, &imported, now()).unwrap().unwrap().file.to_json();
    assert_eq!(first, second);
    // A file without the sections stays valid and imports with none.
    let plain = t.store.export_case(&t.org, &t.case, now()).unwrap().unwrap();
    let mut bare = plain.file.clone();
    bare.extensions.notes.clear();
    bare.extensions.contacts = None;
    assert!(!bare.to_json().contains("\"notes\""));
}

fn a_key_rotation_reseals_notes_and_contacts(db: &TestDatabase) {
    let t = team(db);
    t.store.add_note_as(&t.attorney, &t.case, &note(NoteKind::Call, NOTE_TEXT, None), now()).unwrap();
    t.store.set_case_contacts_as(&t.attorney, &t.case, t.version(), contacts(), now()).unwrap();
    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(t.store.reload_keys().unwrap());
    // The case's own sealed values, then its note and its contacts.
    let rewritten = t.store.reseal().unwrap();
    assert!(rewritten >= 2, "{rewritten}");
    assert_eq!(t.store.reseal().unwrap(), 0, "a second pass finds nothing left");
    t.store.renew_key_canary().unwrap();
    // The new key alone reads them back.
    let only_new = rotated.current().to_line();
    let reopened = amparo_store::open(&db.url, Sealer::from_text(only_new.expose()).unwrap()).unwrap();
    // (Reads that write no audit entry: the trail's anchors are the old key's until it is rotated too.)
    assert_eq!(reopened.case_notes_for_page(&t.attorney, &t.case).unwrap()[0].text, NOTE_TEXT);
    assert_eq!(reopened.case_contacts_for_page(&t.attorney, &t.case).unwrap(), contacts());
}
