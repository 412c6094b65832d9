//! One operation of the document as a feature declares it: its method and path, what it reads from
//! the query, the body it takes and the answers it gives, each a type whose schema utoipa derives.
//! Path parameters, the security each needs (a session, and its form token for writes; or a bearer
//! token) and the refusals every route shares are filled in here, so no operation can forget them.

use std::collections::BTreeMap;

use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required};

use crate::http::answers::ErrorAnswer;

/// The security scheme of a signed-in session's cookie.
pub const SESSION: &str = "session";
/// The security scheme of the session's form token, sent in `X-CSRF-Token` with every write.
pub const FORM_TOKEN: &str = "form_token";
/// The security scheme of an API token sent as `Authorization: Bearer`.
pub const BEARER: &str = "bearer";

/// Schemas by name, as the document's components hold them.
pub type Schemas = BTreeMap<String, RefOr<Schema>>;

/// An operation under construction.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    operation: OperationBuilder,
    schemas: Schemas,
    public: bool,
    /// Whether a 400 of the operation's own is declared (a signed-in operation otherwise gets the
    /// shared one: a session cookie and an API token sent together).
    declares_400: bool,
}

/// The schema of `T` by reference, with `T` and every schema it refers to added to `schemas`.
fn reference<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let mut found = Vec::new();
    T::schemas(&mut found);
    found.push((T::name().into_owned(), T::schema()));
    schemas.extend(found);
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn http_method(method: &str) -> HttpMethod {
    match method {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// What a refusal with `status` means, for the document.
fn refusal_description(status: u16) -> &'static str {
    match status {
        400 => "Not valid JSON, or a session cookie and an API token sent together",
        401 => "Not signed in",
        403 => "The role may not do this, or the write came without the session's form token",
        404 => "No such record among those the reader may see",
        409 => "The case moved on since the version sent, or the change is refused by what exists",
        413 => "The body is too large",
        422 => "A value is wrong: `field` names it and `problem` says how",
        429 => "Too many requests with this API token this minute: wait the seconds `Retry-After` says",
        503 => "The database cannot be reached or cannot write now",
        _ => "Something went wrong on the server's side; nothing was changed",
    }
}

impl Op {
    /// `method path`, named `id`, under `tag`. Path parameters are read from the path.
    pub fn new(method: &'static str, path: &'static str, id: &str, tag: &str, summary: &str) -> Op {
        let mut operation = OperationBuilder::new().operation_id(Some(id)).tag(tag).summary(Some(summary));
        for name in path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)) {
            let parameter = ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)));
            operation = operation.parameter(parameter);
        }
        Op { method, path, operation, schemas: Schemas::new(), public: false, declares_400: false }
    }

    /// Open to anyone, signed in or not.
    pub fn public(mut self) -> Op {
        self.public = true;
        self
    }

    /// A query parameter of `schema`.
    pub fn query(mut self, name: &str, schema: ObjectBuilder, description: &str) -> Op {
        let parameter = ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(schema));
        self.operation = self.operation.parameter(parameter);
        self
    }

    /// The JSON body, of `T`.
    pub fn body<T: ToSchema>(mut self) -> Op {
        let schema = reference::<T>(&mut self.schemas);
        let body = RequestBodyBuilder::new()
            .content("application/json", json_content(schema))
            .required(Some(Required::True))
            .build();
        self.operation = self.operation.request_body(Some(body));
        self
    }

    /// A `multipart/form-data` body whose parts are the properties of `form`.
    pub fn multipart_body(mut self, form: ObjectBuilder) -> Op {
        let schema = RefOr::T(Schema::Object(form.build()));
        let body = RequestBodyBuilder::new()
            .content("multipart/form-data", json_content(schema))
            .required(Some(Required::True))
            .build();
        self.operation = self.operation.request_body(Some(body));
        self
    }

    /// The answer with `status` when all goes well: a file's bytes, served as one of `media_types`
    /// (the type read from them; parameters such as `charset` are left out of the document's keys).
    pub fn answers_file(mut self, status: u16, description: &str, media_types: &[&str]) -> Op {
        let mut response = ResponseBuilder::new().description(description);
        for media_type in media_types {
            let essence = media_type.split(';').next().unwrap_or(media_type).trim();
            let bytes = ObjectBuilder::new().schema_type(Type::String).content_media_type(essence);
            response = response.content(essence, json_content(RefOr::T(Schema::Object(bytes.build()))));
        }
        let response = response.build();
        self.operation = self.operation.response(status.to_string(), response);
        self
    }

    /// The answer with `status` when all goes well, of `T`.
    pub fn answers<T: ToSchema>(mut self, status: u16, description: &str) -> Op {
        let schema = reference::<T>(&mut self.schemas);
        let response = ResponseBuilder::new()
            .description(description)
            .content("application/json", json_content(schema))
            .build();
        self.operation = self.operation.response(status.to_string(), response);
        self
    }

    /// The refusal with `status`, of `T` (a refusal of its own kind).
    pub fn refuses_with<T: ToSchema>(mut self, status: u16, description: &str) -> Op {
        self.declares_400 |= status == 400;
        self = self.answers::<T>(status, description);
        self
    }

    /// Refusals with `statuses`, each an [`ErrorAnswer`].
    pub fn refuses(mut self, statuses: &[u16]) -> Op {
        for &status in statuses {
            self.declares_400 |= status == 400;
            self = self.answers::<ErrorAnswer>(status, refusal_description(status));
        }
        self
    }

    /// The finished operation: its method, its security and the refusals every route may give,
    /// and the schemas it refers to.
    pub fn finish(mut self) -> (HttpMethod, utoipa::openapi::path::Operation, Schemas) {
        let write = self.method != "GET";
        if self.public {
            self.operation = self.operation.securities(Some(Vec::<SecurityRequirement>::new()));
        } else {
            let session = if write {
                SecurityRequirement::new(SESSION, Vec::<String>::new()).add(FORM_TOKEN, Vec::<String>::new())
            } else {
                SecurityRequirement::new(SESSION, Vec::<String>::new())
            };
            let bearer = SecurityRequirement::new(BEARER, Vec::<String>::new());
            self.operation = self.operation.securities(Some([session, bearer]));
            self = self.refuses(&[401, 403, 429]);
            if !self.declares_400 {
                self = self.refuses(&[400]);
            }
        }
        self = self.refuses(&[500, 503]);
        (http_method(self.method), self.operation.build(), self.schemas)
    }
}
