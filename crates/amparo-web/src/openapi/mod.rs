//! The OpenAPI 3.1 document of the JSON API, served at `/api/v1/openapi.json`. It is built from the
//! code: each operation names the types its handler reads and answers (`paths`), whose schemas
//! utoipa derives from the types themselves, and every operation gets the security and refusals
//! the routes share (`operation`). A test checks that it lists exactly the routed `/api/v1`
//! operations, and a snapshot keeps every change of it reviewed.

mod documents;
pub(crate) mod events;
mod operation;
mod paths;
pub(crate) mod shapes;

use std::sync::LazyLock;

use axum::Json;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::path::Paths;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder};

pub use documents::{CaseDocument, DocumentAnswer, close_reasons, note_kinds};

use crate::http::access::{Access, Routes};

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// The document's route: open to anyone, as it holds no data.
pub(crate) fn routes() -> Routes {
    Routes::new().add("GET", DOCUMENT_PATH, Access::Public, get(serve))
}

async fn serve() -> Response {
    static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(document);
    Json(&*DOCUMENT).into_response()
}

/// The whole document.
pub fn document() -> OpenApi {
    let mut paths = Paths::new();
    let mut components = ComponentsBuilder::new();
    for op in paths::operations() {
        let path = op.path;
        let (method, operation, schemas) = op.finish();
        paths.add_path_operation(path, vec![method], operation);
        for (name, schema) in schemas {
            components = components.schema(name, schema);
        }
    }
    // Every list answer flattens this in beside its `items`: one envelope, described once.
    let components = components
        .schema(
            <crate::http::paging::Paging as utoipa::ToSchema>::name(),
            <crate::http::paging::Paging as utoipa::PartialSchema>::schema(),
        )
        .security_scheme(
            operation::SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::http::cookies::SESSION,
                "The session cookie that signing in at /login sets.",
            ))),
        )
        .security_scheme(
            operation::FORM_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's form token, sent with every write made under a session cookie.",
            ))),
        )
        .security_scheme(operation::BEARER, SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)))
        .build();
    let info = InfoBuilder::new()
        .title("Amparo API")
        .version("1")
        .description(Some(
            "The JSON API of Amparo: humanitarian-parole cases of medically fragile people. Writes \
             that change a case take the case's `version` (409 when it moved on since); a refused \
             value is a 422 naming its `field`, with a stable `problem` code and an English `message`. \
             Every list is `{\"items\": [...], \"total\": n, \"next\": link or null}` (`Paging`): \
             follow `next` until it is null.",
        ))
        .build();
    OpenApiBuilder::new().info(info).paths(paths).components(Some(components)).build()
}
