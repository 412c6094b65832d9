//! The HTTP answer of a download: `text/csv; charset=utf-8`, an attachment with a file name made
//! only of our own ASCII (never of user input), and a body either whole or streamed from chunks.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc::Receiver;

/// Chunks of a streamed file; an error ends the download unfinished, so a client never mistakes a
/// cut file for a whole one.
pub type Chunk = Result<String, std::io::Error>;

fn headers(file_name: &str) -> [(axum::http::HeaderName, String); 3] {
    debug_assert!(file_name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    [
        (CONTENT_TYPE, String::from("text/csv; charset=utf-8")),
        (CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        // Case data: not to be kept by shared caches or the browser's.
        (CACHE_CONTROL, String::from("no-store")),
    ]
}

/// A file small enough to be built whole (a person's tasks, a window of deadlines).
pub fn whole(file_name: &str, text: String) -> Response {
    (headers(file_name), text).into_response()
}

/// A file sent as its chunks arrive.
pub fn streamed(file_name: &str, chunks: Receiver<Chunk>) -> Response {
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks.recv().await.map(|chunk| (chunk, chunks))
    });
    (headers(file_name), Body::from_stream(stream)).into_response()
}
