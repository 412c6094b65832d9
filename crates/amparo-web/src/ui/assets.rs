//! The site's stylesheet, compiled in so the binary serves it without files beside it.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

pub async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../../static/app.css")).into_response()
}
