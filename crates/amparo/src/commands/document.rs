//! `amparo document --case REF --kind medical-letter|cover-letter|packet|family-letter
//! [--language L] [--exhibit ID]… --out FILE [--json]`: generates a document from the record as a
//! PDF (`amparo_documents`; a letter as DOCX when FILE ends in `.docx`), writes it complete or not at all, records which data and template
//! version it came from, and says what changed since the last one of its kind. The case and the
//! exhibits are read as the operator, and every read is audited.

use std::path::{Path, PathBuf};

use amparo_documents::{DocumentError, DocumentKind, Generated, Request, Sources, Templates};
use amparo_store::{NewDocument, Store};

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::private_file::write_bytes_atomically;

/// What `amparo document` is asked for.
pub struct DocumentArgs {
    pub database: String,
    pub org: Option<String>,
    pub case: String,
    pub kind: String,
    pub language: Option<String>,
    pub exhibits: Vec<String>,
    pub out: PathBuf,
    pub json: bool,
}

impl From<DocumentError> for CliError {
    fn from(error: DocumentError) -> Self {
        match error {
            e @ (DocumentError::Missing { .. }
            | DocumentError::Exhibit { .. }
            | DocumentError::Language(_)
            | DocumentError::TemplateFolder { .. }
            | DocumentError::Typeset { .. }) => CliError::Invalid(e.to_string()),
            e => CliError::Failed(e.to_string()),
        }
    }
}

fn kind(text: &str) -> CliResult<DocumentKind> {
    DocumentKind::parse(text).ok_or_else(|| {
        let known: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
        CliError::Invalid(format!("--kind: {text:?} is not one of {}", known.join(", ")))
    })
}

/// The templates this run typesets with: the `templates_dir` folder's over the built-in ones.
pub fn templates(settings: &Settings) -> CliResult<Templates> {
    match &settings.templates_dir.value {
        Some(dir) => Ok(Templates::with_folder(dir)?),
        None => Ok(Templates::builtin()),
    }
}

pub fn run(settings: &Settings, args: &DocumentArgs) -> CliResult {
    let kind = kind(&args.kind)?;
    check_out(&args.out)?;
    if wants_docx(&args.out) && !kind.editable() {
        return Err(CliError::Invalid(format!("--out: the {kind} is made as PDF only; name a .pdf file")));
    }
    if args.language.is_some() && kind != DocumentKind::FamilyLetter {
        return Err(CliError::Invalid(String::from(
            "--language: only the family letter is written in another language",
        )));
    }
    if !args.exhibits.is_empty() && !matches!(kind, DocumentKind::CoverLetter | DocumentKind::Packet) {
        return Err(CliError::Invalid(String::from(
            "--exhibit: only the cover letter and the packet have exhibits",
        )));
    }
    let templates = templates(settings)?;
    let store = open_store(settings, &args.database)?;
    let organisation = resolve_org(&store, args.org.as_deref())?;
    let org = &organisation.id;
    let now = now();
    let missing = || CliError::Invalid(format!("--case: no case with reference {:?}", args.case));
    let id = store.case_by_reference(org, &args.case)?.ok_or_else(missing)?.id;
    let case = store.operator_read_case(org, &id, "document", now)?.ok_or_else(missing)?;
    let today = store.today_for(org, now)?;
    let policy = store.policy(org)?;
    let derivation = amparo_domain::derive(&case.in_force(), today, &policy, store.rules());
    let profile = store.organisation_profile(org)?;
    let assignments = store.assignments(org, &id)?;
    let caseworker_email = match amparo_notify::letter::caseworker(&assignments) {
        Some(a) => store.user(org, &a.user_id)?.map(|u| u.email),
        None => None,
    };
    let exhibits = match kind {
        DocumentKind::CoverLetter | DocumentKind::Packet => {
            store.operator_attachment_files(org, &id, &args.exhibits, "document", now)?
        }
        _ => Vec::new(),
    };
    let sources = Sources {
        case: &case,
        derivation: &derivation,
        organisation: &profile,
        assignments: &assignments,
        caseworker_email: caseworker_email.as_deref(),
        today,
    };
    let request = match kind {
        DocumentKind::MedicalLetter => Request::MedicalLetter { attestation: None },
        DocumentKind::CoverLetter => Request::CoverLetter { exhibits: &exhibits },
        DocumentKind::Packet => Request::Packet { exhibits: &exhibits },
        DocumentKind::FamilyLetter => Request::FamilyLetter { language: args.language.as_deref() },
    };
    let generated = amparo_documents::generate(&templates, &sources, request)?;
    if wants_docx(&args.out) {
        write_bytes_atomically(&args.out, &amparo_documents::docx(&generated)?)?;
    } else {
        write_bytes_atomically(&args.out, &generated.pdf)?;
    }
    // The files placed, in order (every attachment of the case when none was named).
    let placed: Vec<String> = exhibits.iter().map(|f| f.attachment.id.clone()).collect();
    let changes = record(&store, org, &id, (&generated, &placed), now)?;
    report(args, &generated, changes)
}

/// What changed since the last generation of the same kind and language (`None` for the first),
/// and this one recorded.
fn record(
    store: &Store,
    org: &amparo_store::OrgId,
    case: &amparo_store::CaseId,
    (generated, exhibits): (&Generated, &[String]),
    now: chrono::DateTime<chrono::Utc>,
) -> CliResult<Option<(String, Vec<amparo_documents::Change>)>> {
    let kind = generated.kind.as_str();
    let previous = store.latest_document(org, case, kind, &generated.language)?;
    let changes = match previous {
        Some(before) => {
            let earlier: amparo_documents::Fingerprint = serde_json::from_str(&before.fingerprint)
                .map_err(|e| CliError::Failed(format!("document {}: fingerprint: {e}", before.id)))?;
            let mut changes = generated.fingerprint.changes_since(&earlier);
            if before.template_version != generated.template_version {
                changes.insert(
                    0,
                    amparo_documents::Change {
                        path: String::from("template"),
                        how: amparo_documents::ChangeKind::Changed,
                    },
                );
            }
            Some((before.created_at.to_rfc3339(), changes))
        }
        None => None,
    };
    let fingerprint =
        serde_json::to_string(&generated.fingerprint).map_err(|e| CliError::Failed(e.to_string()))?;
    let new = NewDocument {
        case,
        kind,
        language: &generated.language,
        template_version: &generated.template_version,
        data_hash: &generated.fingerprint.hash(),
        fingerprint: &fingerprint,
        attachment: None,
        exhibits,
    };
    store.record_document_by_operator(org, &new, now)?;
    Ok(changes)
}

fn report(
    args: &DocumentArgs,
    generated: &Generated,
    changes: Option<(String, Vec<amparo_documents::Change>)>,
) -> CliResult {
    let out = args.out.display();
    if args.json {
        let document = serde_json::json!({
            "out": out.to_string(),
            "kind": generated.kind,
            "language": generated.language,
            "template_version": generated.template_version,
            "data_hash": generated.fingerprint.hash(),
            "previous": changes.as_ref().map(|(at, _)| at),
            "changes": changes.as_ref().map(|(_, c)| c),
        });
        say!("{}", serde_json::to_string_pretty(&document).map_err(|e| CliError::Failed(e.to_string()))?);
        return Ok(());
    }
    say!("Wrote {out}: {} ({}).", generated.kind, generated.language);
    say!("Template: {}", generated.template_version);
    match changes {
        None => say!("First {} of this case.", generated.kind),
        Some((at, changes)) if changes.is_empty() => say!("Nothing changed since the one made {at}."),
        Some((at, changes)) => {
            say!("Changed since the one made {at}:");
            for change in changes {
                say!("  {:<8} {}", format!("{:?}", change.how).to_lowercase(), change.path);
            }
        }
    }
    Ok(())
}

/// Whether the file asked for is a DOCX (by its extension); anything else is written as PDF.
fn wants_docx(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

/// Whether `path` names a file to write (not a folder).
pub fn check_out(path: &Path) -> CliResult {
    if path.is_dir() {
        return Err(CliError::Invalid(format!(
            "--out: {} is a folder; name the PDF to write",
            path.display()
        )));
    }
    Ok(())
}
