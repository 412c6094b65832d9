//! Sensitive fields at rest: which columns are encrypted, how a stored value is told apart from a
//! value written before encryption, and the blind indexes that keep exact-match search working.
//!
//! Threat: a copy of the database (a stolen backup, a leaked dump, a curious DBA) reveals A-numbers,
//! receipt and I-94 numbers, dates of birth, diagnoses and notes. Those values are stored as
//! XChaCha20-Poly1305 envelopes (`amparo_trust::cipher`) bound to their organisation, table, column
//! and row, under a key the operator keeps outside the database. Names stay in clear: staff search
//! by them, and a name alone says nothing of status or health.
//!
//! A stored sealed value is `enc:` followed by the envelope in base64; anything else is a value
//! written before encryption was introduced, which the store seals on its first start with a key.
//!
//! The keys may change under a running server (`amparo key rotate` writes a new current key to the
//! key file and re-encrypts every value): a value under a key this process does not know makes it
//! re-read the key file once, so readers never stop.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use amparo_trust::blind_index;
use amparo_trust::cipher::{self, DecryptError, KeyId};
use amparo_trust::keyfile::{self, KeySet};

use crate::error::{StoreError, StoreResult};

/// The prefix of every sealed value.
pub const SEALED_PREFIX: &str = "enc:";

/// A sealed column: where it lives decides the associated data its envelopes are bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    PersonBirthDate,
    PersonANumber,
    CaseMedical,
    /// A case's triage components: they name days to critical harm and care unavailable abroad.
    CaseTriage,
    /// Why an escalation opened: it names days to critical harm.
    EscalationReason,
    EventBody,
    TaskNote,
    SecondFactorSecret,
    /// Why a case was closed, in the closer's words.
    CaseCloseNote,
    /// A case note's text.
    CaseNoteBody,
    /// A case's contacts: phone numbers, email and postal addresses, names.
    CaseContacts,
    /// A case history entry's fields before and after: they copy birth dates, A-numbers and
    /// medical facts.
    CaseHistoryChanges,
    /// Why an event was voided (free text, as event bodies are).
    EventVoidReason,
    /// A form kept across a new sign-in: whatever the person typed.
    FormDraftFields,
    /// What an attached file is, in the uploader's words.
    AttachmentTitle,
    /// An attached file's name on the uploader's computer.
    AttachmentFileName,
    /// A webhook endpoint's signing secret: the worker signs with it, so it cannot be a hash.
    WebhookSecret,
}

impl Field {
    fn table_column(self) -> (&'static str, &'static str) {
        match self {
            Field::PersonBirthDate => ("people", "birth_date"),
            Field::PersonANumber => ("people", "a_number"),
            Field::CaseMedical => ("cases", "medical"),
            Field::CaseTriage => ("cases", "triage"),
            Field::EscalationReason => ("escalations", "reason"),
            Field::EventBody => ("events", "body"),
            Field::TaskNote => ("tasks", "note"),
            Field::SecondFactorSecret => ("second_factors", "secret"),
            Field::CaseCloseNote => ("cases", "close_note"),
            Field::CaseNoteBody => ("case_notes", "body"),
            Field::CaseContacts => ("case_contacts", "body"),
            Field::CaseHistoryChanges => ("case_history", "changes"),
            Field::EventVoidReason => ("event_voids", "reason"),
            Field::FormDraftFields => ("form_drafts", "fields"),
            Field::AttachmentTitle => ("attachments", "title"),
            Field::AttachmentFileName => ("attachments", "file_name"),
            Field::WebhookSecret => ("webhook_endpoints", "secret"),
        }
    }
}

/// Identifiers found by exact match through a blind index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentifierKind {
    ANumber,
    Receipt,
    I94,
}

impl IdentifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::ANumber => "a_number",
            IdentifierKind::Receipt => "receipt",
            IdentifierKind::I94 => "i94",
        }
    }

    fn domain(self) -> &'static str {
        match self {
            IdentifierKind::ANumber => blind_index::DOMAIN_A_NUMBER,
            IdentifierKind::Receipt => blind_index::DOMAIN_RECEIPT,
            IdentifierKind::I94 => blind_index::DOMAIN_I94,
        }
    }
}

/// The keys a store encrypts under, and where to re-read them from when they change.
pub struct Sealer {
    keys: RwLock<Arc<KeySet>>,
    /// The key file, when the keys came from one (keys given in the environment cannot change).
    file: Option<PathBuf>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealer {{ current key: {} }}", self.current_key_id())
    }
}

impl Sealer {
    pub fn new(keys: KeySet, file: Option<PathBuf>) -> Sealer {
        Sealer { keys: RwLock::new(Arc::new(keys)), file }
    }

    /// Keys read from a key file (mode 0600), re-read when a rotation replaces it.
    pub fn from_file(path: &std::path::Path) -> StoreResult<Sealer> {
        let keys = keyfile::load(path).map_err(|e| StoreError::Key(e.to_string()))?;
        Ok(Sealer::new(keys, Some(path.to_path_buf())))
    }

    /// Keys given as text (an environment variable: key lines separated by newlines or `;`).
    pub fn from_text(text: &str) -> StoreResult<Sealer> {
        let keys = keyfile::load_from_env(text).map_err(|e| StoreError::Key(e.to_string()))?;
        Ok(Sealer::new(keys, None))
    }

    pub(crate) fn keys(&self) -> Arc<KeySet> {
        match self.keys.read() {
            Ok(keys) => keys.clone(),
            // A writer panicked mid-swap; the Arc it left is still a whole key set.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the key file; returns whether the set of keys changed.
    pub fn reload(&self) -> StoreResult<bool> {
        let Some(path) = &self.file else { return Ok(false) };
        let fresh = keyfile::load(path).map_err(|e| StoreError::Key(e.to_string()))?;
        let changed = {
            let current = self.keys();
            fresh.keys().map(|k| k.key_id()).ne(current.keys().map(|k| k.key_id()))
        };
        if changed {
            let mut slot = match self.keys.write() {
                Ok(slot) => slot,
                Err(poisoned) => poisoned.into_inner(),
            };
            *slot = Arc::new(fresh);
        }
        Ok(changed)
    }

    pub fn current_key_id(&self) -> KeyId {
        self.keys().current().key_id()
    }

    /// Encrypts `plaintext` for one field of one row.
    pub fn seal(&self, field: Field, org: &str, row: &str, plaintext: &str) -> StoreResult<String> {
        let (table, column) = field.table_column();
        let ad = cipher::field_ad(org, table, column, row);
        let keys = self.keys();
        let sealed = keys
            .current()
            .field_key()
            .encrypt_text(plaintext, &ad)
            .map_err(|e| StoreError::Key(format!("cannot encrypt {table}.{column}: {e}")))?;
        Ok(format!("{SEALED_PREFIX}{sealed}"))
    }

    pub fn seal_opt(
        &self,
        field: Field,
        org: &str,
        row: &str,
        plaintext: Option<&str>,
    ) -> StoreResult<Option<String>> {
        plaintext.map(|p| self.seal(field, org, row, p)).transpose()
    }

    /// Decrypts a stored value; a value written before encryption is returned as it is.
    pub fn open(&self, field: Field, org: &str, row: &str, stored: &str) -> StoreResult<String> {
        let Some(envelope) = stored.strip_prefix(SEALED_PREFIX) else { return Ok(stored.to_owned()) };
        let (table, column) = field.table_column();
        let ad = cipher::field_ad(org, table, column, row);
        match self.keys().keyring().decrypt_text(envelope, &ad) {
            Err(DecryptError::WrongKey { .. }) if self.reload()? => {
                self.keys().keyring().decrypt_text(envelope, &ad)
            }
            other => other,
        }
        .map_err(|e| StoreError::Key(format!("cannot decrypt {table}.{column} of row {row}: {e}")))
    }

    pub fn open_opt(
        &self,
        field: Field,
        org: &str,
        row: &str,
        stored: Option<String>,
    ) -> StoreResult<Option<String>> {
        stored.map(|s| self.open(field, org, row, &s)).transpose()
    }

    /// Whether a stored value must be rewritten: written before encryption, or under an older key.
    pub fn needs_reseal(&self, stored: &str) -> bool {
        match stored.strip_prefix(SEALED_PREFIX) {
            None => true,
            Some(envelope) => self.keys().keyring().needs_rotation_text(envelope),
        }
    }

    /// The blind index of an identifier under the current key, for storing.
    pub fn blind(&self, kind: IdentifierKind, normalised: &str) -> String {
        self.keys().blind_index_key().index(kind.domain(), normalised)
    }

    /// The blind index of an identifier under every key held, for searching while a rotation is
    /// rewriting indexes.
    pub fn blind_all(&self, kind: IdentifierKind, normalised: &str) -> Vec<String> {
        self.keys().keys().map(|k| k.blind_index_key().index(kind.domain(), normalised)).collect()
    }

    /// A canary to store once, so a later start with another key is refused.
    pub fn canary(&self) -> StoreResult<String> {
        self.keys().keyring().canary().map_err(|e| StoreError::Key(e.to_string()))
    }

    /// Refuses keys that cannot read the stored canary, naming the key the database expects.
    pub fn check_canary(&self, canary: &str) -> StoreResult<()> {
        let keys = self.keys();
        keys.keyring().check_canary(canary).map_err(|e| match e {
            DecryptError::WrongKey { key_id } => StoreError::WrongKey { expected: key_id.to_string() },
            other => StoreError::Key(format!("the stored key canary does not decrypt: {other}")),
        })
    }
}

/// Row ids that bind envelopes to their row.
pub fn person_row(case: &str, position: i64) -> String {
    format!("{case}/{position}")
}

pub fn event_row(case: &str, seq: i64) -> String {
    format!("{case}/{seq}")
}

pub fn attachment_row(case: &str, id: &str) -> String {
    format!("{case}/{id}")
}

pub fn note_row(case: &str, seq: i64) -> String {
    format!("{case}/{seq}")
}

/// Where a database's keys came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// A key file or key text the operator configured.
    Configured,
    /// The key file beside an embedded SQLite database, used when none is configured;
    /// `created` when this call made it.
    BesideDatabase { path: PathBuf, created: bool },
}

/// The keys for the database `url` names: the configured key text or key file; else, for SQLite
/// only, the key file beside the database (`amparo.db.key`), created with mode 0600 when missing so
/// that every command pointed at the database keeps working. PostgreSQL requires a configured key:
/// a server database shared by several machines must not depend on a file one of them made.
pub fn keys_for_database(
    url: &str,
    key_file: Option<&std::path::Path>,
    key_text: Option<&str>,
) -> StoreResult<(Sealer, KeyOrigin)> {
    if let Some(text) = key_text.filter(|t| !t.trim().is_empty()) {
        return Ok((Sealer::from_text(text)?, KeyOrigin::Configured));
    }
    if let Some(path) = key_file {
        return Ok((Sealer::from_file(path)?, KeyOrigin::Configured));
    }
    if crate::is_postgres_url(url) {
        return Err(StoreError::Key(
            "PostgreSQL needs a configured key: set AMPARO_KEY_FILE (or `key_file` in the configuration) \
             to a key file made by `amparo key generate`"
                .into(),
        ));
    }
    let mut path = crate::sqlite_path_from_url(url).into_os_string();
    path.push(".key");
    let path = PathBuf::from(path);
    let created = match keyfile::write_new(&path) {
        Ok(_) => true,
        // Already there, or another process made it a moment ago: use it.
        Err(keyfile::KeyFileError::AlreadyExists { .. }) => false,
        Err(e) => return Err(StoreError::Key(e.to_string())),
    };
    Ok((Sealer::from_file(&path)?, KeyOrigin::BesideDatabase { path, created }))
}
