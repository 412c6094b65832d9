//! The `amparo.case/1` format: what it accepts, and the path-addressed errors for what it refuses.

use amparo_domain::{CaseFile, CaseFileError};
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "TEST-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Ejemplo",
                  "birth_date": "2020-08-14", "a_number": "A-1234-5678", "citizenship": "MX",
                  "preferred_language": "es" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "hours_per_day": 14,
                         "days_to_critical_harm": 3, "attested_on": "2025-04-02" }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2023-09-05", "valid_until": "2025-09-04" },
            { "id": "e2", "type": "termination_notice", "on": "2025-03-20", "served_by": "email",
              "depart_by": "2025-03-27", "persons": ["p1"] },
            { "id": "e3", "type": "re_parole_filed", "on": "2025-04-01", "receipt_number": "ioe 0912345678" }
        ]
    })
}

fn error_of(doc: &Value) -> String {
    match CaseFile::parse(&doc.to_string()) {
        Ok(_) => panic!("accepted an invalid file: {doc}"),
        Err(e) => e.to_string(),
    }
}

/// Sets (or adds) the field at a JSON pointer.
fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, field) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    match target {
        Value::Object(map) => {
            map.insert(field.to_owned(), value);
        }
        Value::Array(items) => items[field.parse::<usize>().unwrap()] = value,
        _ => panic!("{parent} is not a container"),
    }
    doc
}

#[test]
fn a_valid_file_parses_and_normalises_identifiers() {
    let (file, warnings) = CaseFile::parse(&base().to_string()).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(file.case.people[0].a_number.as_ref().unwrap().as_str(), "A012345678");
    assert_eq!(file.events.len(), 3);
    assert_eq!(file.events[1].persons.as_deref(), Some(&["p1".to_owned()][..]));
}

#[test]
fn export_round_trips_exactly() {
    let (file, _) = CaseFile::parse(&base().to_string()).unwrap();
    let exported = file.to_json();
    let (again, _) = CaseFile::parse(&exported).unwrap();
    assert_eq!(again, file);
    assert_eq!(again.to_json(), exported);
}

#[test]
fn shared_examples_parse() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/examples-2027.1");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.ends_with(".expected.json") {
            CaseFile::parse(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            seen += 1;
        }
    }
    assert!(seen >= 3, "examples missing from {dir}");
}

#[test]
fn errors_name_the_offending_field() {
    let cases: Vec<(Value, &str)> = vec![
        (
            with(base(), "/events/0/valid_until", json!("2026-13-01")),
            "events[0].valid_until: not a date: \"2026-13-01\"",
        ),
        (
            with(base(), "/format", json!("amparo.case/2")),
            "format: expected \"amparo.case/1\", found \"amparo.case/2\"",
        ),
        (
            with(base(), "/events/1/persons", json!(["x9"])),
            "events[1].persons[0]: no person with key \"x9\" on this case",
        ),
        (with(base(), "/events/2/id", json!("e1")), "events[2].id: duplicate event id \"e1\""),
        (
            with(base(), "/events/0/valid_until", json!("2023-09-04")),
            "events[0].valid_until: 2023-09-04 is before the event's date (2023-09-05)",
        ),
        (
            with(base(), "/events/1/type", json!("deported")),
            "events[1].type: unknown event type \"deported\"",
        ),
        (
            with(base(), "/case/people/1/role", json!("patient")),
            "case.people[1].role: exactly one person may have the role \"patient\"",
        ),
        (
            with(base(), "/case/people/0/role", json!("sibling")),
            "case.people: exactly one person must have the role \"patient\"; none has",
        ),
        (with(base(), "/case/people/1/key", json!("p1")), "case.people[1].key: duplicate person key \"p1\""),
        (with(base(), "/case/medical/person", json!("zz")), "case.medical.person: no person with key \"zz\""),
        (
            with(base(), "/case/people/0/a_number", json!("A12")),
            "case.people[0].a_number: not an A-number: \"A12\"",
        ),
        (
            with(base(), "/events/2/receipt_number", json!("IOE12")),
            "events[2].receipt_number: not a receipt number",
        ),
        (
            with(base(), "/events/0/valid_until", json!(20250904)),
            "events[0].valid_until: invalid type: integer `20250904`, expected a string",
        ),
        (with(base(), "/case/program", json!("tps")), "case.program: unknown variant `tps`"),
        (
            with(base(), "/case/medical/hours_per_day", json!(25)),
            "case.medical.hours_per_day: must be between 0 and 24",
        ),
        (
            with(base(), "/events/0/served_by", json!("mail")),
            "events[0].served_by: not a field of a parole_granted event",
        ),
        (
            with(base(), "/events/1/served_by", Value::Null),
            "events[1].served_by: required for a termination_notice event",
        ),
        (
            with(base(), "/events/2/supersedes", json!("e9")),
            "events[2].supersedes: no earlier event with id \"e9\"",
        ),
        (
            with(base(), "/case/people/0/given_name", json!("  ")),
            "case.people[0].given_name: must not be empty",
        ),
    ];
    for (doc, expected) in cases {
        let error = error_of(&doc);
        assert!(error.starts_with(expected), "expected {expected:?}\n     got {error:?}");
    }
}

#[test]
fn supersedes_must_point_backwards() {
    let doc = with(base(), "/events/0/supersedes", json!("e3"));
    assert!(error_of(&doc).starts_with("events[0].supersedes: no earlier event with id \"e3\""));
    let doc = with(base(), "/events/2/supersedes", json!("e1"));
    assert!(CaseFile::parse(&doc.to_string()).is_ok());
}

#[test]
fn unknown_fields_are_refused_not_dropped() {
    let mut doc = base();
    doc["case"]["people"][0]["nickname"] = json!("Anita");
    assert!(
        error_of(&doc).starts_with("case.people[0].nickname: unknown field `nickname`"),
        "{}",
        error_of(&doc)
    );
    let mut doc = base();
    doc["events"][0]["colour"] = json!("red");
    assert!(error_of(&doc).starts_with("events[0].colour: unknown field `colour`"), "{}", error_of(&doc));
}

#[test]
fn broken_json_reports_line_and_column() {
    let text = base().to_string();
    let truncated = &text[..text.len() / 2];
    match CaseFile::parse(truncated) {
        Err(CaseFileError::Syntax { line, .. }) => assert_eq!(line, 1),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let duplicated = r#"{"format":"amparo.case/1","format":"amparo.case/1","case":{},"events":[]}"#;
    assert!(CaseFile::parse(duplicated).unwrap_err().to_string().contains("duplicate field `format`"));
    let trailing = format!("{text} {{}}");
    assert!(matches!(CaseFile::parse(&trailing), Err(CaseFileError::Syntax { .. })));
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let huge = " ".repeat(amparo_domain::case_file::MAX_FILE_BYTES + 1);
    assert!(matches!(CaseFile::parse(&huge), Err(CaseFileError::TooLarge { .. })));
}

#[test]
fn unknown_receipt_prefix_is_a_warning() {
    let doc = with(base(), "/events/2/receipt_number", json!("ZZZ0912345678"));
    let (_, warnings) = CaseFile::parse(&doc.to_string()).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].path, "events[2].receipt_number");
}

#[test]
fn notes_and_contacts_are_optional_sections_that_round_trip() {
    let doc = with(
        with(
            base(),
            "/notes",
            json!([{ "id": 1, "type": "call", "at": "2025-03-21T10:00:00Z", "author": "Inés Muestra",
                     "event": "e2", "pinned": true, "text": "Called the mother." }]),
        ),
        "/contacts",
        json!({ "family": { "phone": "+1 555 0142 7781", "interpreter_needed": true },
                "others": [{ "role": "physician", "name": "Dr. Muestra" }, { "role": "social_worker" }] }),
    );
    let (file, _) = CaseFile::parse(&doc.to_string()).unwrap();
    assert_eq!(file.extensions.notes.len(), 1);
    let contacts = file.extensions.contacts.as_ref().unwrap();
    assert_eq!(contacts.others.len(), 1, "a contact with nothing but its role is dropped");
    let exported = file.to_json();
    let (again, _) = CaseFile::parse(&exported).unwrap();
    assert_eq!((again.to_json(), again), (exported, file));
    // Without them, a file writes neither section.
    let (plain, _) = CaseFile::parse(&base().to_string()).unwrap();
    assert!(!plain.to_json().contains("notes") && !plain.to_json().contains("contacts"));
}

#[test]
fn every_event_type_takes_a_note_and_its_length_is_bounded() {
    let (file, _) =
        CaseFile::parse(&with(base(), "/events/0/note", json!("Seen in person.")).to_string()).unwrap();
    assert_eq!(file.events[0].note.as_deref(), Some("Seen in person."));
    let long = with(base(), "/events/2/note", json!("x".repeat(4_001)));
    assert_eq!(error_of(&long), "events[2].note: at most 4000 characters");
}

#[test]
fn notes_and_contacts_name_the_offending_field() {
    let note = |fields: Value| {
        let mut n = json!({ "id": 1, "type": "note", "at": "2025-03-21T10:00:00Z", "text": "x" });
        for (k, v) in fields.as_object().unwrap() {
            n[k] = v.clone();
        }
        with(base(), "/notes", json!([n]))
    };
    let cases: Vec<(Value, &str)> = vec![
        (note(json!({ "event": "e9" })), "notes[0].event: no event with id \"e9\" on this case"),
        (note(json!({ "text": " " })), "notes[0].text: must not be empty"),
        (note(json!({ "id": 0 })), "notes[0].id"),
        (note(json!({ "type": "fax" })), "notes[0].type"),
        (
            with(base(), "/contacts", json!({ "family": { "email": "rosa.example.org" } })),
            "contacts.family.email: \"rosa.example.org\" is not an email address",
        ),
        (
            with(base(), "/contacts", json!({ "others": [{ "role": "consulate", "phone": "ext" }] })),
            "contacts.others[0].phone: \"ext\" is not a telephone number",
        ),
        (
            with(
                base(),
                "/contacts",
                json!({ "others": [{ "role": "consulate" }, { "role": "consulate" }] }),
            ),
            "contacts.others[1].role",
        ),
    ];
    for (doc, expected) in cases {
        let error = error_of(&doc);
        assert!(error.starts_with(expected), "{error} does not start with {expected}");
    }
    let two = with(
        base(),
        "/notes",
        json!([{ "id": 1, "type": "note", "at": "2025-03-21T10:00:00Z", "text": "a" },
               { "id": 1, "type": "note", "at": "2025-03-21T10:00:00Z", "text": "b" }]),
    );
    assert_eq!(error_of(&two), "notes[1].id: note number 1 is given twice");
}
