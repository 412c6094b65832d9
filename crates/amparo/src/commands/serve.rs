//! `amparo serve`.

use std::sync::Arc;

use amparo_store::Store;
use amparo_web::{AppState, SystemClock};

use super::open_store;
use crate::config::redact_url;
use crate::error::{CliError, CliResult};

pub fn run(database: &str, bind: &str, secure_cookies: bool) -> CliResult {
    let store = open_store(database)?;
    tracing::info!(database = %redact_url(database), "database ready");
    serve_store(store, bind, secure_cookies, None)
}

/// Serves `store` on `bind`; `banner` is printed once the port is open.
pub fn serve_store(
    store: Arc<dyn Store>,
    bind: &str,
    secure_cookies: bool,
    banner: Option<String>,
) -> CliResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| CliError::Failed(format!("cannot listen on {bind}: {e}")))?;
        let address = listener.local_addr().map_err(|e| CliError::Failed(e.to_string()))?;
        let state = AppState { store, clock: Arc::new(SystemClock), secure_cookies };
        if let Some(banner) = banner {
            println!("{banner}");
        }
        // Tests and scripts read this line to learn the port when binding to port 0.
        println!("listening on http://{address}");
        amparo_web::serve(listener, amparo_web::router(state))
            .await
            .map_err(|e| CliError::Failed(format!("server stopped: {e}")))
    })
}
