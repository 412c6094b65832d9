//! The OpenAPI document: served to anyone at `/api/v1/openapi.json` as `amparo_web::openapi_document`
//! builds it, listing exactly the `/api/v1` operations the application routes (no more, no fewer),
//! each with its security, answers and refusals; and reviewed, as a snapshot, on every change.
//! `openapi-spec-validator` and schemathesis check it independently in `.ci/run`.

use std::collections::BTreeSet;

use amparo_store::testing::TestDatabase;

use crate::support::RouterApp;

amparo_store::on_both_backends!(the_document_is_served_to_anyone);

/// The document as JSON.
fn document() -> serde_json::Value {
    serde_json::to_value(amparo_web::openapi_document()).unwrap()
}

fn the_document_is_served_to_anyone(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let reply = app.get("/api/v1/openapi.json", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(reply.json(), document());
}

#[test]
fn every_routed_api_operation_is_documented_and_nothing_else() {
    let routed: BTreeSet<(String, String)> = amparo_web::route_table()
        .into_iter()
        .filter(|route| route.path.starts_with("/api/v1/") || route.path == "/api/v1")
        .map(|route| (route.method.to_lowercase(), route.path.to_owned()))
        .collect();
    let document = document();
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            assert!(["get", "post", "put", "patch", "delete"].contains(&method.as_str()), "{method} {path}");
            documented.insert((method.clone(), path.clone()));
        }
    }
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(undocumented.is_empty(), "routed but not in the document: {undocumented:?}");
    assert!(unrouted.is_empty(), "in the document but not routed: {unrouted:?}");
    assert!(routed.len() > 30, "{routed:?}");
}

#[test]
fn every_operation_states_its_security_answers_and_refusals() {
    let document = document();
    assert_eq!(document["openapi"], "3.1.0");
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "amparo_session");
    assert_eq!(schemes["form_token"]["name"], "X-CSRF-Token");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.keys().any(|status| status.starts_with('2')), "{at}: no success answer");
            assert!(operation["operationId"].is_string(), "{at}");
            let security = operation["security"].as_array().unwrap();
            if path == "/api/v1/openapi.json" {
                assert!(security.is_empty(), "{at}");
                continue;
            }
            // A session (with its form token for writes) or a bearer token.
            let session = &security[0];
            assert!(session.get("session").is_some(), "{at}");
            assert_eq!(session.get("form_token").is_some(), method != "get", "{at}");
            assert!(security[1].get("bearer").is_some(), "{at}");
            for status in ["401", "403", "500", "503"] {
                let refusal = &responses[status]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(refusal, "#/components/schemas/ErrorAnswer", "{at} {status}");
            }
            for parameter in path.split('{').skip(1).map(|rest| rest.split('}').next().unwrap()) {
                let declared = operation["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == parameter && p["in"] == "path" && p["required"] == true);
                assert!(declared, "{at}: path parameter {parameter}");
            }
            if method != "get" && operation.get("requestBody").is_some() {
                let content = &operation["requestBody"]["content"];
                if let Some(form) = content.get("multipart/form-data") {
                    // An upload: its parts named, the file among them.
                    assert!(form["schema"]["properties"].get("file").is_some(), "{at}");
                } else {
                    let body = &content["application/json"]["schema"]["$ref"];
                    assert!(body.as_str().unwrap().starts_with("#/components/schemas/"), "{at}");
                }
            }
        }
    }
    // A refused value names its field, as the API's refusals do.
    let error = &document["components"]["schemas"]["ErrorAnswer"];
    for field in ["error", "message", "field", "problem"] {
        assert!(error["properties"].get(field).is_some(), "{field}");
    }
    // Every reference leads to a schema of the document.
    let text = document.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(document["components"]["schemas"].get(name).is_some(), "{name}");
    }
}

#[test]
fn the_document_is_reviewed() {
    insta::assert_json_snapshot!("openapi_document", document());
}
