//! Plain data the store hands back and takes in.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Language, Program};
use chrono::{DateTime, Utc};

macro_rules! id_type {
    ($($name:ident),*) => {$(
        /// An opaque identifier (a UUID in text form); safe to log.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A new UUIDv7: time-ordered, so rows written together sit together in every index that
            /// leads with the id (an import then appends to the B-trees instead of scattering), and
            /// monotonic within the process. The time in it orders rows; it is never read as a fact.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

id_type!(OrgId, UserId, CaseId);

#[derive(Clone, Debug, PartialEq)]
pub struct NewOrganisation {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: UserRole,
    pub language: Language,
    /// An Argon2id PHC string; the store never sees a password.
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub email: String,
    pub display_name: String,
    pub role: UserRole,
    pub language: Language,
    pub created_at: DateTime<Utc>,
    /// When an administrator deactivated the member; `None` while they may sign in.
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// What sign-in needs: the user and their password hash, kept out of [`User`] so that it is never
/// passed around by accident.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    /// The user has a confirmed second factor: sign-in asks for its code after the password.
    pub second_factor: bool,
    /// The organisation requires a second factor of every member, not only of administrators.
    pub org_requires_second_factor: bool,
}

impl Credentials {
    /// Whether this user must have a second factor: administrators always, everyone when the
    /// organisation says so.
    pub fn second_factor_required(&self) -> bool {
        self.user.role == UserRole::Admin || self.org_requires_second_factor
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("user", &self.user.id).finish_non_exhaustive()
    }
}

/// A signed-in browser. Only the SHA-256 of the cookie's token is stored, so a copy of the database
/// does not let anyone sign in.
#[derive(Clone, PartialEq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub stage: SessionStage,
}

/// How far the sign-in behind a session has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in: the session opens what the role allows.
    Complete,
    /// The password was right; the second-factor code is still to come.
    SecondFactor,
    /// Signed in, but a second factor must be set up before anything else.
    Enrolment,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Complete => "complete",
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Enrolment => "enrolment",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStage> {
        [SessionStage::Complete, SessionStage::SecondFactor, SessionStage::Enrolment]
            .into_iter()
            .find(|stage| stage.as_str() == text)
    }
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRecord").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

/// A case as stored: its record and timeline plus the bookkeeping around them.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCase {
    pub id: CaseId,
    pub org_id: OrgId,
    pub version: i64,
    /// The record and timeline; `file.extensions.voids` lists the voided events (`file.events` still
    /// holds them as written). The history is read apart, except by export.
    pub file: CaseFile,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredCase {
    /// The case as derivation reads it: the timeline without its voided events.
    pub fn in_force(&self) -> std::borrow::Cow<'_, CaseFile> {
        self.file.in_force()
    }
}

/// One line of the case list.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub reference: String,
    pub program: Program,
    pub patient_name: String,
    pub people: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The patient's days to critical harm are at or below the organisation's threshold.
    pub critical_care: bool,
    /// The patient's status, as last derived.
    pub status: amparo_domain::Status,
    pub triage_score: i64,
    pub next_due: Option<amparo_domain::Date>,
    pub next_kind: Option<String>,
    /// The case is closed (it shows under the "closed" and "all" filters).
    pub closed: bool,
}

/// The orders the case list comes in; every one ends with the reference, so that a page is the
/// same each time it is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseSort {
    #[default]
    Reference,
    /// Family name, then given name, of the patient.
    Patient,
    /// The next deadline; cases without one come last.
    NextDeadline,
    Score,
}

impl CaseSort {
    pub const ALL: [CaseSort; 4] =
        [CaseSort::Reference, CaseSort::Patient, CaseSort::NextDeadline, CaseSort::Score];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Reference => "reference",
            CaseSort::Patient => "patient",
            CaseSort::NextDeadline => "next_deadline",
            CaseSort::Score => "score",
        }
    }

    pub fn parse(text: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The direction a column is first sorted in: the most urgent first for the score.
    pub fn descending_by_default(self) -> bool {
        self == CaseSort::Score
    }
}

/// The furthest into the case list a page may start: beyond it, a search or filter finds a case
/// sooner than paging does, and the database would walk every row before it.
pub const CASE_LIST_MAX_OFFSET: i64 = 10_000;

/// Search, filters, order and paging over the case list. Filters combine with AND.
#[derive(Clone, Debug)]
pub struct CaseQuery {
    /// Each word matches the start of a word of the reference or of a person's names, accents and
    /// case aside; a whole A-number, receipt or I-94 number matches exactly.
    pub search: Option<String>,
    /// The patient's status.
    pub status: Option<amparo_domain::Status>,
    pub program: Option<Program>,
    pub critical_only: bool,
    /// Only cases this user is assigned to, in any role.
    pub assigned_to: Option<UserId>,
    /// Only cases whose next deadline falls on or before this day.
    pub due_by: Option<amparo_domain::Date>,
    /// Only cases shared with this clinician.
    pub shared_with: Option<UserId>,
    /// Open cases (the default), closed ones, or all.
    pub closed: ClosedFilter,
    pub sort: CaseSort,
    pub descending: bool,
    /// At most [`CASE_LIST_MAX_OFFSET`].
    pub offset: i64,
    pub limit: i64,
    /// Count the list's cases only up to this many (the page and the API use
    /// [`CASE_LIST_COUNT_CAP`]): a count stops there instead of reading every matching case. `None`
    /// counts them all, for a download's audit.
    pub count_up_to: Option<i64>,
}

/// Up to how many cases the case list page and the API count a list ("more than 1,000" beyond).
pub const CASE_LIST_COUNT_CAP: i64 = 1_000;

/// Which cases a list shows by whether they are closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClosedFilter {
    #[default]
    Open,
    Closed,
    All,
}

impl ClosedFilter {
    pub const ALL: [ClosedFilter; 3] = [ClosedFilter::Open, ClosedFilter::Closed, ClosedFilter::All];

    /// The filter as a query parameter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedFilter::Open => "open",
            ClosedFilter::Closed => "closed",
            ClosedFilter::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<ClosedFilter> {
        ClosedFilter::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

impl Default for CaseQuery {
    fn default() -> Self {
        CaseQuery {
            search: None,
            status: None,
            program: None,
            critical_only: false,
            assigned_to: None,
            due_by: None,
            shared_with: None,
            closed: ClosedFilter::Open,
            sort: CaseSort::Reference,
            descending: false,
            offset: 0,
            limit: 50,
            count_up_to: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    /// The number of cases in the list, or the query's `count_up_to` when there are more.
    pub total: i64,
    /// Whether there are more cases than `total` (the count stopped at the query's `count_up_to`).
    pub total_capped: bool,
}

/// The first deadlines of a window, one line per case, kind and day (a family's shared deadline
/// once), and how many such lines the window holds: what an overview shows.
#[derive(Clone, Debug, PartialEq)]
pub struct UpcomingDeadlines {
    pub first: Vec<UpcomingDeadline>,
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UpcomingDeadline {
    pub case_id: CaseId,
    pub reference: String,
    pub kind: String,
    pub due: amparo_domain::Date,
}

/// A stored deadline with the case it belongs to, as the organisation-wide queries return it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DueDeadline {
    pub case_id: CaseId,
    pub reference: String,
    pub kind: String,
    /// The person's key on the case; `None` for deadlines of the whole case.
    pub person: Option<String>,
    pub due: amparo_domain::Date,
    pub window_opens: Option<amparo_domain::Date>,
    pub rule: String,
    pub basis: String,
    pub citation: String,
    pub why: String,
    /// Listed with its *why* but never an overdue alarm (e.g. an asylum one-year date passed while
    /// parole continues). Written only when true, as the domain's derivation writes it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

/// Deadlines due from `from` to `to`, both included, optionally of one kind.
#[derive(Clone, Debug)]
pub struct DeadlineQuery {
    pub from: amparo_domain::Date,
    pub to: amparo_domain::Date,
    pub kind: Option<String>,
}

id_type!(EscalationId, TaskId);

/// One reason a case sits where it does on the board, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TriageReason {
    pub code: String,
    pub points: i64,
    pub text_en: String,
    pub text_es: String,
}

/// Who works a case in one role (attorney, advocate or clinician).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Assignment {
    pub role: UserRole,
    pub user_id: UserId,
    pub user_name: String,
}

/// Which open cases the board shows.
#[derive(Clone, Debug, Default)]
pub struct BoardFilter {
    pub critical_only: bool,
    /// Only cases this user is assigned to, in any role.
    pub assigned_to: Option<UserId>,
    /// Only cases shared with this clinician.
    pub shared_with: Option<UserId>,
    pub program: Option<Program>,
    /// Only cases whose next deadline falls on or before this day.
    pub due_by: Option<amparo_domain::Date>,
    pub offset: i64,
    pub limit: i64,
    /// Counts the matching cases only up to one more than this, for an overview that shows "more
    /// than N" (counting every open case of a large organisation walks tens of thousands of entries).
    pub count_up_to: Option<i64>,
    /// The reader's day: the reasons' relative phrases ("in 12 days") count from it. Without it they
    /// count from the day each case was scored, which may be days back, since a case is re-derived
    /// only when a date that changes its derivation comes.
    pub today: Option<amparo_domain::Date>,
}

/// One line of the triage board.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BoardEntry {
    pub case_id: CaseId,
    pub reference: String,
    pub patient_name: String,
    pub program: Program,
    pub score: i64,
    pub critical_care: bool,
    pub next_due: Option<amparo_domain::Date>,
    pub next_kind: Option<String>,
    pub reasons: Vec<TriageReason>,
    pub open_escalations: i64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BoardPage {
    pub entries: Vec<BoardEntry>,
    pub total: i64,
}

/// One action with an owner and a due time.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub reference: String,
    pub escalation_id: Option<EscalationId>,
    pub title_en: String,
    pub title_es: String,
    pub owner_role: UserRole,
    pub owner_id: Option<UserId>,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<UserId>,
    pub note: Option<String>,
}

/// A protocol run opened on a case by a trigger, with its checklist.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Escalation {
    pub id: EscalationId,
    pub case_id: CaseId,
    pub trigger_kind: String,
    pub trigger_event_id: Option<String>,
    pub trigger_on: amparo_domain::Date,
    pub critical_care: bool,
    pub reason_en: String,
    pub reason_es: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub tasks: Vec<Task>,
}

/// An open escalation as the dashboard lists it, with its case's reference.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OpenEscalation {
    pub id: EscalationId,
    pub case_id: CaseId,
    pub reference: String,
    pub critical_care: bool,
    pub reason_en: String,
    pub reason_es: String,
    pub opened_at: DateTime<Utc>,
}

/// Cases a programme-wide change touches: every condition given must hold.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSelection {
    pub program: Option<Program>,
    pub class_of_admission: Option<String>,
    /// ISO 3166-1 alpha-2 code of any person on the case.
    pub citizenship: Option<String>,
    /// Cases covered until a day before this one.
    pub parole_ends_before: Option<amparo_domain::Date>,
}

impl CaseSelection {
    pub fn is_empty(&self) -> bool {
        self.program.is_none()
            && self.class_of_admission.is_none()
            && self.citizenship.is_none()
            && self.parole_ends_before.is_none()
    }
}

/// A case a selection found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SelectedCase {
    pub case_id: CaseId,
    pub reference: String,
    pub patient_name: String,
    pub covered_until: Option<amparo_domain::Date>,
}

/// A review task to open on every selected case; `key` makes repeating the action harmless.
#[derive(Clone, Debug)]
pub struct ReviewTask {
    pub key: String,
    pub title_en: String,
    pub title_es: String,
    pub due_in_hours: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReviewOutcome {
    pub selected: usize,
    pub created: usize,
}

/// An entry to append to the audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    pub actor: Option<UserId>,
    /// A dotted verb, such as `case.read`.
    pub action: String,
    /// The id of what was acted on.
    pub target: String,
    /// Ids and field names only.
    pub detail: serde_json::Value,
}

/// One stored entry of the audit trail.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuditRecord {
    /// The organisation id, or `""` for installation-wide entries.
    pub chain: String,
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    /// JSON; ids and settings only, never sensitive values.
    pub detail: String,
    pub hash: String,
    /// The key whose audit subkey HMAC'd this entry; `None` for entries from before the chain was
    /// keyed (plain SHA-256). Not exported: it says nothing to a reader of the trail.
    #[serde(skip_serializing)]
    pub key_id: Option<String>,
}

/// The outcome of checking one chain of the audit trail.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ChainReport {
    pub chain: String,
    pub entries: usize,
    /// `Err` names the first break found.
    pub outcome: Result<(), String>,
}
