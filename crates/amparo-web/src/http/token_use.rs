//! The use of an API token by a request that writes, recorded in the request's own write
//! transaction: one commit and one append to the audit chain per request instead of two (see
//! `amparo_store::DeferredTokenUse`). The layer [`record_unspent`] gives each request a slot; the
//! bearer check leaves the checked use in it ([`wait`]); [`crate::AppState::with_store`] hands it to
//! the store for its calls ([`take`], [`put_back`]); and whatever use is still in the slot when the
//! handler has answered (its write failed or was refused, or it wrote nothing) is recorded on its
//! own before the answer leaves (or, when the client went away first, in the background). A use that
//! cannot be recorded, or a token revoked meanwhile, turns the answer into the refusal or failure:
//! no answer leaves without its use audited.

use std::sync::{Arc, Mutex, PoisonError};

use amparo_store::{DeferredTokenUse, TokenRefusal};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::ApiError;

/// Where one request's use waits; shared by the layer and the request's own tasks.
#[derive(Clone, Default)]
struct Slot(Arc<Mutex<Option<DeferredTokenUse>>>);

impl Slot {
    fn replace(&self, deferred: Option<DeferredTokenUse>) -> Option<DeferredTokenUse> {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut held, deferred)
    }
}

tokio::task_local! {
    static SLOT: Slot;
}

/// Whether the running request can have its token's use recorded with its write (it runs under
/// [`record_unspent`]).
pub(crate) fn can_wait() -> bool {
    SLOT.try_with(|_| ()).is_ok()
}

/// Leaves the request's checked use for its write transaction.
pub(crate) fn wait(deferred: DeferredTokenUse) {
    let _ = SLOT.try_with(|slot| slot.replace(Some(deferred)));
}

/// The use waiting for the running request's store calls, taken for them.
pub(crate) fn take() -> Option<DeferredTokenUse> {
    SLOT.try_with(|slot| slot.replace(None)).ok().flatten()
}

/// Puts back a use the store calls did not record.
pub(crate) fn put_back(deferred: DeferredTokenUse) {
    wait(deferred);
}

/// A request's slot that, dropped with a use still in it (the client went away before the handler
/// answered), records the use in the background: a use is audited even when nobody reads the answer.
struct RecordWhenDropped {
    slot: Slot,
    store: std::sync::Arc<amparo_store::Store>,
}

impl Drop for RecordWhenDropped {
    fn drop(&mut self) {
        let Some(deferred) = self.slot.replace(None) else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let store = self.store.clone();
        runtime.spawn_blocking(move || {
            if let Err(error) = store.record_token_use(deferred) {
                tracing::error!(%error, "recording the API token's use of a request left unanswered");
            }
        });
    }
}

/// The layer: runs the request with a slot for its token's use, and records the use its store
/// calls left unrecorded before the answer leaves.
pub(crate) async fn record_unspent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let guard = RecordWhenDropped { slot: Slot::default(), store: state.store.clone() };
    let response = SLOT.scope(guard.slot.clone(), next.run(request)).await;
    let Some(deferred) = guard.slot.replace(None) else { return response };
    let store = state.store.clone();
    let recorded = tokio::task::spawn_blocking(move || store.record_token_use(deferred)).await;
    match recorded {
        Ok(Ok(Ok(()))) => response,
        Ok(Ok(Err(
            TokenRefusal::Unknown | TokenRefusal::Revoked | TokenRefusal::Expired | TokenRefusal::Deactivated,
        ))) => crate::http::bearer::invalid_token(),
        Ok(Err(error)) => ApiError::from(error).into_response(),
        Err(error) => {
            tracing::error!(%error, "recording an API token's use");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
