//! The schema of a timeline event: one object per event type, each with the fields every event has
//! and exactly the fields its type takes, built from the domain's own table
//! (`amparo_domain::event::fields_of`) so that the document says what reading an event accepts.

use std::borrow::Cow;

use amparo_domain::event::{EVENT_TYPES, TypeFields, fields_of};
use amparo_domain::{OtherStatus, ServedBy};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::{PartialSchema, ToSchema};

/// A timeline event, as files, the API and webhooks' case reads write it (never built: the
/// handlers read [`amparo_domain::RawEvent`]).
pub enum TimelineEvent {}

impl PartialSchema for TimelineEvent {
    fn schema() -> RefOr<Schema> {
        let mut one_of = OneOfBuilder::new()
            .description(Some(
                "A dated fact of the case's timeline. `type` names what happened; each type takes the \
                 fields every event has and its own (listed per type), and refuses any other field.",
            ))
            .examples([json!({ "id": "e4", "type": "termination_notice", "on": "2026-03-01",
                "served_by": "personal", "depart_by": "2026-03-08" })]);
        for event_type in EVENT_TYPES {
            // `EVENT_TYPES` and `fields_of` name the same types; a domain test holds them together.
            let Some(fields) = fields_of(event_type) else { continue };
            one_of = one_of.item(of_type(event_type, fields));
        }
        one_of.into()
    }
}

impl ToSchema for TimelineEvent {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TimelineEvent")
    }
}

/// The object schema of one event type.
fn of_type(event_type: &'static str, fields: TypeFields) -> ObjectBuilder {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some(event_type))
        .property("id", text("Its id in the case file (`e1`, …), unique within the case."))
        .property("type", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([event_type])))
        .required("type")
        .property("on", date("The day it happened, or the notice's date."))
        .required("on")
        .property(
            "persons",
            ArrayBuilder::new()
                .items(text("A person's key in the case (`p1`, …)."))
                .description(Some("The people it concerns; left out when it concerns everyone in the case.")),
        )
        .property("supersedes", text("The id of the event this one corrects."))
        .property(
            "note",
            text("Free text about the event (at most 4,000 characters); never read by the rules."),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for field in fields.takes {
        // Every field the domain names has its schema below; a test holds them together.
        let schema = field_schema(field).unwrap_or_else(|| text("A field of this event type."));
        object = object.property(*field, schema);
    }
    for field in fields.requires {
        object = object.required(*field);
    }
    object
}

/// The schema of a type-specific field, by its name: each name means the same in every type.
fn field_schema(field: &str) -> Option<ObjectBuilder> {
    let schema = match field {
        "receipt_number" => text("The USCIS receipt number: three letters and ten digits (`IOE0912345678`)."),
        "valid_until" => date("The last day it is valid."),
        "class_of_admission" => text("The class of admission on the I-94 (`DT`, `UHP`, …)."),
        "i94_number" => {
            text("The I-94 admission record number: 11 digits, or 9 digits, a letter and a digit.")
        }
        "served_by" => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ServedBy::ALL.map(ServedBy::as_str)))
            .description(Some(
                "How the notice reached the family; mail adds three days to periods running from it.",
            )),
        "effective" => date("The day the termination takes effect, when the notice says."),
        "depart_by" => date("The day the notice says to leave by, when it says."),
        "respond_by" => date("The response deadline the notice states, when it states one."),
        "card_number" => text("The work permit's card number."),
        "pay_by" => date("The day the fee must be paid by."),
        "amount" => ObjectBuilder::new()
            .schema_type(SchemaType::Array(vec![Type::Number, Type::String]))
            .description(Some(
                "US dollars, from 0 to 1,000,000 with at most two decimals: a number, or a string such as \
                 `\"470.00\"`; written back as a number.",
            )),
        "days_to_critical_harm" => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .description(Some("The clinician's estimate of days without care before critical harm.")),
        "status" => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(OtherStatus::ALL.map(OtherStatus::as_str)))
            .description(Some("The immigration status granted.")),
        "answers" => text("The id of the notice event this one answers."),
        _ => return None,
    };
    Some(schema)
}

fn text(description: &'static str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).description(Some(description))
}

fn date(description: &'static str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some(description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_an_event_type_takes_has_its_own_schema() {
        for event_type in EVENT_TYPES {
            let fields = fields_of(event_type).unwrap_or_else(|| panic!("{event_type} has no fields"));
            for field in fields.takes {
                assert!(field_schema(field).is_some(), "{event_type}.{field} has no schema");
            }
        }
    }
}
