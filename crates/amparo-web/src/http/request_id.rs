//! A request id on every request: the client's `X-Request-Id` when it is well formed (1 to 64
//! letters, digits, `-`, `_` or `.`), else a new one. Every log line written while the request is
//! handled carries it (it is a field of the request's span, which the store calls on the blocking
//! pool enter too), and the response returns it as `X-Request-Id`, so an operator can find a
//! request's lines from what a client reports.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

pub const HEADER: &str = "x-request-id";

/// The longest id accepted from a client.
const LONGEST: usize = 64;

/// The client's id, when it is one we keep.
fn well_formed(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let fits = !text.is_empty()
        && text.len() <= LONGEST
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    fits.then_some(text)
}

pub async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(well_formed)
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        let kept = |text: &str| well_formed(&HeaderValue::from_str(text).unwrap()).is_some();
        assert!(kept("0f3c9a-req.1_b"));
        assert!(!kept(""));
        assert!(!kept("has space"));
        assert!(!kept("a\"b"));
        assert!(!kept(&"x".repeat(65)));
        assert!(kept(&"x".repeat(64)));
    }
}
