//! Amparo's persistence: one [`Store`] over SQLite, the embedded default, or PostgreSQL, both passing
//! the same contract suite. What differs per engine (SQL dialect details, pooling, transaction modes,
//! row locks, migrations) lives in `db` and nowhere else; every subject (accounts, cases, triage,
//! notices, security, audit…) is written once, in its own module's `impl Store`.
//!
//! Every write is one transaction on the engine's writer path. Every case carries a version; a write
//! based on a stale version is refused with [`StoreError::Conflict`] and nothing is merged. Every row
//! carries its organisation id and every query is scoped by it.

mod access;
mod accounts;
mod api_tokens;
pub mod archive;
pub mod attachments;
mod audit;
pub mod backup;
mod case_list;
mod case_set;
mod cases;
mod columns;
mod conditions;
mod contacts;
mod dashboard;
mod db;
mod deadlines;
mod derivation;
mod documents;
mod duplicates;
mod error;
mod form_drafts;
mod import;
mod meta;
#[macro_use]
mod model;
mod notes;
mod notices;
mod operations;
mod policy;
mod row_buffer;
mod security;
mod sharing;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod triage;
pub mod webhooks;

use std::sync::Arc;

use amparo_domain::CaseFile;

pub use access::{Actor, Refusal};
pub use accounts::{
    Acceptance, Deactivation, INVALID_INVITATION, Invitation, LAST_ACTIVE_ADMIN, LAST_ADMIN, NewInvitation,
    OrganisationProfile, ProfileInput, RoleActor, RoleChange, SELF_DEACTIVATION, SessionReads, check_profile,
    parse_role,
};
pub use api_tokens::{
    ApiToken, ApiTokenId, DeferredTokenUse, MAX_NAME_CHARS as MAX_TOKEN_NAME_CHARS, NewApiToken,
    TokenRefusal, TokenScope, TokenUse, check_name as check_token_name,
};
pub use attachments::{Attachment, AttachmentFile, NewAttachment, Objects, S3Settings};
pub use audit::INSTALLATION as AUDIT_INSTALLATION_CHAIN;
pub use audit::checkpoint::{AuditCheckpoint, CheckpointHead};
pub use audit::page::{AuditCursor, AuditPage, AuditQuery, RecentChainCheck};
pub use case_list::bare::{BareParam, BareStatement};
pub use case_list::chunks::{CaseChunk, CaseListCursor};
pub use cases::answers::AnswerableNotice;
pub use cases::closure::{CASE_CLOSED, CloseRequest};
pub use cases::page_reads::{CasePageAsks, CasePageReads};
pub use cases::recordings::EventRecording;
pub use dashboard::{Dashboard, DashboardQuery};
pub use db::migrate::{Migration, MigrationReport, POSTGRES as POSTGRES_MIGRATIONS};
pub use db::options::{DatabaseOptions, SslMode};
pub use db::pg_roles::APPLICATION_ROLE;
pub use db::sqlite::path_from_url as sqlite_path_from_url;
pub use db::{Backend, DiskReport, PoolUse};
pub use db::{distribution, statements};
pub use derivation::Rules;
pub use documents::{DocumentRecord, NewDocument};
pub use duplicates::{DuplicateReason, PossibleDuplicate};
pub use error::{StoreError, StoreResult};
pub use form_drafts::{KeptForm, NewFormDraft};
pub use model::*;
pub use notices::DIGEST_DAYS;
pub use notices::model::*;
pub use operations::Operations;
pub use security::resets::INVALID_LINK as INVALID_RESET_LINK;
pub use security::seal;
pub use security::seal::Sealer;
pub use security::second_factors::{
    CODE_ALREADY_USED, Enrolment, Promotion, SecondFactor, stage_after_password,
};
pub use store::Store;
pub use triage::tasks::CHECKLIST_DONE;
pub use webhooks::{
    NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryId, WebhookEndpoint, WebhookEndpointId, WebhookEvent,
    WebhookState,
};

/// Cases to import, one at a time, read on another thread than the caller's.
pub type CaseSource<'a> = dyn Iterator<Item = StoreResult<CaseFile>> + Send + 'a;

/// Opens the store a URL names: `postgres://` or `postgresql://` for PostgreSQL, `sqlite://PATH`,
/// `sqlite:PATH` or a bare path for SQLite, with the built-in rule set. Migrations are applied
/// before it is returned.
pub fn open(url: &str, sealer: Sealer) -> StoreResult<Arc<Store>> {
    open_with_rules(url, Rules::builtin()?, sealer)
}

/// As [`open`], deriving deadlines under `rules`; when they differ from the rules the stored
/// deadlines were derived under, every case is marked for re-derivation.
pub fn open_with_rules(url: &str, rules: Rules, sealer: Sealer) -> StoreResult<Arc<Store>> {
    open_with_options(url, rules, sealer, &DatabaseOptions::default())
}

/// As [`open_with_rules`], connecting as `options` say (pool size, timeouts, TLS, disk).
pub fn open_with_options(
    url: &str,
    rules: Rules,
    sealer: Sealer,
    options: &DatabaseOptions,
) -> StoreResult<Arc<Store>> {
    let store = if is_postgres_url(url) {
        Store::open_postgres_with(url, sealer, options)?
    } else {
        Store::open_sqlite_with(sqlite_path_from_url(url), sealer, options)?
    };
    // An embedded database keeps its attachments in a folder beside it unless told otherwise.
    let objects = attachments::objects_for(url, options.attachments_url.as_deref(), &options.attachments_s3)?;
    let mut store = store.with_rules(rules).with_attachment_limit(options.attachment_max_bytes);
    if let Some(objects) = objects {
        store = store.with_objects(objects);
    }
    store.migrate()?;
    store.anchor_audit_chains()?;
    store.adopt_keys()?;
    store.adopt_rules()?;
    Ok(Arc::new(store))
}

/// Whether a database URL names PostgreSQL (anything else is a SQLite file).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}
