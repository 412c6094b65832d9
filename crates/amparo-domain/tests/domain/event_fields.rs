//! `fields_of`, the table of which fields each event type takes and requires, against what reading
//! an event actually accepts and refuses: the API publishes its event schema from that table, so
//! the two must never disagree.

use amparo_domain::event::{EVENT_TYPES, RawEvent, fields_of};
use amparo_domain::problem::Problem;
use serde_json::{Value, json};

/// A valid value for each type-specific field.
fn sample(field: &str) -> Value {
    match field {
        "receipt_number" => json!("IOE0912345678"),
        "valid_until" | "effective" | "depart_by" | "respond_by" | "pay_by" => json!("2026-09-04"),
        "class_of_admission" => json!("DT"),
        "i94_number" => json!("12345678901"),
        "served_by" => json!("mail"),
        "card_number" => json!("SRC1234567890"),
        "amount" => json!(470.0),
        "days_to_critical_harm" => json!(3),
        "status" => json!("asylee"),
        "answers" => json!("e1"),
        other => panic!("no sample for {other}"),
    }
}

fn read(event_type: &str, fields: &[&str]) -> Result<(), (String, Problem)> {
    let mut object = json!({ "type": event_type, "on": "2026-03-01" });
    for field in fields {
        object[*field] = sample(field);
    }
    let raw: RawEvent = serde_json::from_value(object).unwrap();
    raw.into_event().map(|_| ()).map_err(|e| (e.field.to_owned(), e.problem))
}

#[test]
fn every_type_is_read_with_exactly_the_fields_its_table_names() {
    let every_field: Vec<&str> =
        EVENT_TYPES.iter().flat_map(|t| fields_of(t).unwrap().takes.iter().copied()).collect();
    for event_type in EVENT_TYPES {
        let fields = fields_of(event_type).unwrap_or_else(|| panic!("{event_type} has no fields"));
        assert!(fields.requires.iter().all(|f| fields.takes.contains(f)), "{event_type}");
        assert_eq!(read(event_type, fields.takes), Ok(()), "{event_type} with all its fields");
        assert_eq!(read(event_type, fields.requires), Ok(()), "{event_type} with its required fields");
        for missing in fields.requires {
            let rest: Vec<&str> = fields.takes.iter().copied().filter(|f| f != missing).collect();
            assert_eq!(
                read(event_type, &rest),
                Err((missing.to_string(), Problem::RequiredFor { event_type: event_type.to_string() })),
                "{event_type} without {missing}"
            );
        }
        for foreign in every_field.iter().filter(|f| !fields.takes.contains(f)) {
            let mut with = fields.requires.to_vec();
            with.push(foreign);
            assert_eq!(
                read(event_type, &with),
                Err((foreign.to_string(), Problem::NotAFieldOf { event_type: event_type.to_string() })),
                "{event_type} with {foreign}"
            );
        }
    }
}

#[test]
fn an_unknown_type_has_no_fields_and_is_refused_by_name() {
    assert_eq!(fields_of("parole_extended"), None);
    assert_eq!(
        read("parole_extended", &[]),
        Err(("type".to_string(), Problem::UnknownEventType { value: "parole_extended".to_string() }))
    );
}
