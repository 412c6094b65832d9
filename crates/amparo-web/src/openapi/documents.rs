//! The schemas of bodies that are documents of their own rather than values of one type: an
//! `amparo.case/1` case file (which `amparo_domain::CaseFile::parse` reads, as `amparo import`
//! does) and the OpenAPI document itself.

use std::borrow::Cow;

use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// An `amparo.case/1` document (never built: the body is read as text by the case-file parser).
pub enum CaseDocument {}

impl PartialSchema for CaseDocument {
    fn schema() -> RefOr<Schema> {
        let object = || ObjectBuilder::new().schema_type(Type::Object);
        let events = utoipa::openapi::schema::ArrayBuilder::new().items(object());
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A whole case as `amparo import` reads it: the case (reference, programme, people, \
                 medical profile) and its events, checked all at once.",
            ))
            .property("format", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["amparo.case/1"])))
            .required("format")
            .property("case", object())
            .required("case")
            .property("events", events)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .examples([json!({
                "format": "amparo.case/1",
                "case": {
                    "reference": "DEMO-2026-001",
                    "program": "humanitarian",
                    "people": [{ "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Ejemplo",
                        "birth_date": "2020-08-14", "citizenship": "MX", "preferred_language": "es" }]
                },
                "events": [{ "id": "e1", "type": "parole_granted", "on": "2025-09-05", "valid_until": "2026-09-04" }]
            })])
            .into()
    }
}

impl ToSchema for CaseDocument {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CaseDocument")
    }
}

/// This OpenAPI document (never built: it is [`utoipa::openapi::OpenApi`]).
pub enum DocumentAnswer {}

impl PartialSchema for DocumentAnswer {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("An OpenAPI 3.1 document"))
            .property("openapi", ObjectBuilder::new().schema_type(Type::String))
            .required("openapi")
            .into()
    }
}

impl ToSchema for DocumentAnswer {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("OpenApiDocument")
    }
}

/// A string that is one of `values`.
fn one_of(values: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values))
}

/// The kinds of note (`type` of a note), from the domain's list.
pub fn note_kinds() -> ObjectBuilder {
    one_of(amparo_domain::notes::NoteKind::ALL.map(|kind| kind.as_str()))
}

/// The reasons for closing a case, from the domain's list.
pub fn close_reasons() -> ObjectBuilder {
    one_of(amparo_domain::CloseReason::ALL.map(|reason| reason.as_str()))
}
