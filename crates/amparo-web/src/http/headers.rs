//! Security headers on every response. The stylesheet is a file and there is no inline script, so the
//! policy can forbid both.

use axum::http::HeaderValue;
use axum::response::Response;

pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cache-control", "no-store");
    response
}

/// HSTS, for a site served over HTTPS (`secure_cookies`): browsers then refuse plain HTTP to it for
/// a year, so a network attacker cannot strip TLS from the next visit.
pub async fn strict_transport_security(mut response: Response) -> Response {
    response
        .headers_mut()
        .entry("strict-transport-security")
        .or_insert(HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    response
}

/// `Server-Timing: app;dur=…` on every response: the time spent inside the application, in
/// milliseconds, so that benchmarks and browsers' developer tools can read server time apart from
/// the network.
pub async fn server_timing(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.3}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}
