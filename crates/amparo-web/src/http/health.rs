//! The health check, for load balancers and monitors: 200 only when the database answers and can
//! write. Every read of a case writes an audit entry first, so a database that cannot write (a full
//! disk, a read-only standby) serves nothing, and says so with 503. Low disk space is a warning in
//! the body and the log, not a failure.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;

const MIB: u64 = 1024 * 1024;

pub async fn health(State(state): State<AppState>) -> Response {
    let now = state.clock.now();
    let checked = state
        .with_store(move |store| {
            store.ping()?;
            store.probe_write(now)?;
            Ok(store.disk())
        })
        .await;
    match checked {
        Ok(Some(disk)) if disk.is_low() => {
            let free = disk.free_bytes / MIB;
            tracing::warn!(
                free_mib = free,
                reserve_held = disk.reserve_held,
                "low disk space under the database"
            );
            (StatusCode::OK, format!("ok\nwarning: low disk space ({free} MiB free)\n")).into_response()
        }
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable or cannot write\n").into_response()
        }
    }
}
