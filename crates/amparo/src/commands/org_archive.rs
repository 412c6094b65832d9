//! `amparo export --out FILE.tar` and `amparo import --org-archive FILE.tar`: everything an
//! organisation owns, out to one archive and back into an empty organisation. The file's format is
//! in `org_archive_file` (its CSV members in `org_archive_csv`); what is read and written, in the
//! store's `archive` module.

use std::path::Path;

use amparo_domain::CaseFile;
use amparo_domain::case_file::MAX_FILE_BYTES;
use amparo_store::archive::{ArchivedFile, OrgArchive};
use amparo_store::{Organisation, Store, UserId};
use chrono::SecondsFormat;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::org_archive_csv as csv;
use super::org_archive_file::{self as file, Counts, Member, Members};
use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// How long the reset links printed after a restore work.
const RESET_LINK_HOURS: i64 = 72;

fn json<T: Serialize>(value: &T) -> CliResult<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| CliError::Failed(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The format of `attachments/index.json`.
const ATTACHMENT_INDEX_FORMAT: &str = "amparo.attachments/1";

/// The archive's members, in archive order.
fn members(archive: &OrgArchive) -> CliResult<Members> {
    let organisation = file::OrganisationDoc {
        format: "amparo.organisation/1".into(),
        organisation: archive.organisation.clone(),
    };
    let mut members = vec![
        Member {
            path: file::ORGANISATION.into(),
            format: "amparo.organisation/1",
            bytes: json(&organisation)?,
        },
        Member {
            path: file::STAFF.into(),
            format: "amparo.staff/1",
            bytes: json(&file::StaffDoc { format: "amparo.staff/1".into(), staff: archive.staff.clone() })?,
        },
    ];
    for case in &archive.cases {
        let mut bytes = case.to_json().into_bytes();
        bytes.push(b'\n');
        let path = format!("{}{}", file::CASES, super::data::file_name(case.case.reference.as_str()));
        members.push(Member { path, format: "amparo.case/1", bytes });
    }
    members.push(Member {
        path: file::ASSIGNMENTS.into(),
        format: "csv",
        bytes: csv::write_assignments(&archive.assignments).into_bytes(),
    });
    members.push(Member {
        path: file::SHARES.into(),
        format: "csv",
        bytes: csv::write_shares(&archive.shares).into_bytes(),
    });
    let escalations = file::EscalationsDoc {
        format: "amparo.escalations/1".into(),
        escalations: archive.escalations.clone(),
    };
    members.push(Member {
        path: file::ESCALATIONS.into(),
        format: "amparo.escalations/1",
        bytes: json(&escalations)?,
    });
    let tasks = file::TasksDoc { format: "amparo.tasks/1".into(), tasks: archive.tasks.clone() };
    members.push(Member { path: file::TASKS.into(), format: "amparo.tasks/1", bytes: json(&tasks)? });
    let trail = file::AuditTrailDoc {
        format: "amparo.audit-trail/1".into(),
        organisation: archive.organisation.slug.clone(),
        entries: archive.audit.clone(),
    };
    members.push(Member {
        path: file::AUDIT_TRAIL.into(),
        format: "amparo.audit-trail/1",
        bytes: json(&trail)?,
    });
    let index = file::AttachmentIndexDoc {
        format: ATTACHMENT_INDEX_FORMAT.into(),
        attachments: archive.attachments.iter().map(|f| f.attachment.clone()).collect(),
    };
    members.push(Member {
        path: file::ATTACHMENT_INDEX.into(),
        format: ATTACHMENT_INDEX_FORMAT,
        bytes: json(&index)?,
    });
    let files = archive
        .attachments
        .iter()
        .map(|f| Member {
            path: f.attachment.file.clone(),
            format: amparo_domain::attachments::ContentType::from_mime(&f.attachment.media_type)
                .map_or("application/octet-stream", |t| t.mime()),
            bytes: f.bytes.clone(),
        })
        .collect();
    Ok(Members { documents: members, files })
}

fn counts(archive: &OrgArchive) -> Counts {
    Counts {
        cases: archive.cases.len(),
        staff: archive.staff.len(),
        assignments: archive.assignments.len(),
        shares: archive.shares.len(),
        escalations: archive.escalations.len(),
        tasks: archive.tasks.len(),
        audit_entries: archive.audit.len(),
        attachments: archive.attachments.len(),
    }
}

/// `amparo export --out FILE.tar`: the whole organisation, audited as one export.
pub fn export(settings: &Settings, database: &str, org: Option<&str>, out: &Path) -> CliResult {
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    let at = now();
    say!("reading {}", organisation.slug);
    let archive = store.export_organisation(&organisation.id, at)?;
    let members = members(&archive)?;
    let created_at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let manifest = file::manifest(&organisation.slug, counts(&archive), &members, &created_at);
    say!("writing {}", out.display());
    file::write(out, &manifest, &members, u64::try_from(at.timestamp()).unwrap_or(0))?;
    say!(
        "exported {}: {} cases, {} staff, {} audit entries, {} attachments to {}",
        organisation.slug,
        archive.cases.len(),
        archive.staff.len(),
        archive.audit.len(),
        archive.attachments.len(),
        out.display()
    );
    Ok(())
}

fn text<'a>(read: &'a file::CheckedArchive, name: &str) -> CliResult<&'a str> {
    let bytes =
        read.members.get(name).ok_or_else(|| CliError::Invalid(format!("the archive has no {name}")))?;
    std::str::from_utf8(bytes).map_err(|e| CliError::Invalid(format!("{name}: not UTF-8: {e}")))
}

/// A JSON member, its format checked; a wrong field is refused naming its path in the member.
fn document<T: DeserializeOwned>(read: &file::CheckedArchive, name: &str, format: &str) -> CliResult<T> {
    let text = text(read, name)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CliError::Invalid(format!("{name}: {e}")))?;
    let found = value.get("format").and_then(serde_json::Value::as_str).unwrap_or_default();
    if found != format {
        return Err(CliError::Invalid(format!("{name}: format {found:?}, expected {format:?}")));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| CliError::Invalid(format!("{name}: {}: {}", e.path(), e.inner())))
}

fn cases(read: &file::CheckedArchive) -> CliResult<Vec<CaseFile>> {
    let mut cases = Vec::new();
    for (name, bytes) in read.members.range(file::CASES.to_owned()..) {
        if !name.starts_with(file::CASES) {
            break;
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(CliError::Invalid(format!(
                "{name}: a case file may be at most {MAX_FILE_BYTES} bytes"
            )));
        }
        let text = text(read, name)?;
        let (case, warnings) =
            CaseFile::parse(text).map_err(|e| CliError::Invalid(format!("{name}: {e}")))?;
        for warning in warnings {
            eprintln!("warning: {name}: {warning}");
        }
        let expected = format!("{}{}", file::CASES, super::data::file_name(case.case.reference.as_str()));
        if &expected != name {
            return Err(CliError::Invalid(format!(
                "{name}: holds case {}, whose file is {expected}",
                case.case.reference
            )));
        }
        cases.push(case);
    }
    Ok(cases)
}

/// The attachments the index lists, each with its file; a file no entry names is refused. An
/// archive written before archives carried attachments has no index, and no attachments.
fn attachments(read: &file::CheckedArchive) -> CliResult<Vec<ArchivedFile>> {
    let files: Vec<&String> = read.manifest.attachments.iter().map(|m| &m.path).collect();
    if !read.members.contains_key(file::ATTACHMENT_INDEX) {
        return match files.first() {
            Some(path) => {
                Err(CliError::Invalid(format!("{path}: the archive has no {}", file::ATTACHMENT_INDEX)))
            }
            None => Ok(Vec::new()),
        };
    }
    let index: file::AttachmentIndexDoc = document(read, file::ATTACHMENT_INDEX, ATTACHMENT_INDEX_FORMAT)?;
    let named: std::collections::BTreeSet<&str> = index.attachments.iter().map(|a| a.file.as_str()).collect();
    if let Some(stray) = files.iter().find(|path| !named.contains(path.as_str())) {
        return Err(CliError::Invalid(format!("{stray}: no entry of {} names it", file::ATTACHMENT_INDEX)));
    }
    let listed: std::collections::BTreeSet<&str> = files.iter().map(|p| p.as_str()).collect();
    index
        .attachments
        .into_iter()
        .enumerate()
        .map(|(i, attachment)| {
            // Only a member the manifest lists as an attachment's file may be one.
            let bytes = listed
                .contains(attachment.file.as_str())
                .then(|| read.members.get(&attachment.file))
                .flatten()
                .ok_or_else(|| {
                    CliError::Invalid(format!(
                        "{}: attachments[{i}].file: {} is not an attachment file of the archive",
                        file::ATTACHMENT_INDEX,
                        attachment.file
                    ))
                })?;
            Ok(ArchivedFile { bytes: bytes.clone(), attachment })
        })
        .collect()
}

/// Every section of a checked archive, parsed.
fn parse(read: &file::CheckedArchive) -> CliResult<OrgArchive> {
    let organisation: file::OrganisationDoc = document(read, file::ORGANISATION, "amparo.organisation/1")?;
    let staff: file::StaffDoc = document(read, file::STAFF, "amparo.staff/1")?;
    let escalations: file::EscalationsDoc = document(read, file::ESCALATIONS, "amparo.escalations/1")?;
    let tasks: file::TasksDoc = document(read, file::TASKS, "amparo.tasks/1")?;
    let trail: file::AuditTrailDoc = document(read, file::AUDIT_TRAIL, "amparo.audit-trail/1")?;
    if read.manifest.organisation != organisation.organisation.slug {
        return Err(CliError::Invalid(format!(
            "{}: organisation {:?}, but {} names {:?}",
            file::MANIFEST,
            read.manifest.organisation,
            file::ORGANISATION,
            organisation.organisation.slug
        )));
    }
    Ok(OrgArchive {
        organisation: organisation.organisation,
        staff: staff.staff,
        cases: cases(read)?,
        assignments: csv::read_assignments(file::ASSIGNMENTS, text(read, file::ASSIGNMENTS)?)?,
        shares: csv::read_shares(file::SHARES, text(read, file::SHARES)?)?,
        escalations: escalations.escalations,
        tasks: tasks.tasks,
        audit: trail.entries,
        attachments: attachments(read)?,
    })
}

/// A one-time reset link for each active administrator, so that someone can sign in and send the
/// others theirs from the staff page.
fn reset_links(
    settings: &Settings,
    store: &Store,
    organisation: &Organisation,
    archive: &OrgArchive,
) -> CliResult {
    let base = super::notify::base_url(&settings.notify, super::serve_address());
    let at = now();
    let admins = archive.staff.iter().filter(|m| m.role == "admin" && m.deactivated_at.is_none());
    for member in admins {
        // The link names the organisation, as the server's own reset links do.
        let issued = amparo_trust::scoped_secret::issue(organisation.id.as_str())
            .map_err(|e| CliError::Failed(format!("random token: {e}")))?;
        let expires = at + chrono::Duration::hours(RESET_LINK_HOURS);
        let user = UserId(member.id.clone());
        store.issue_password_reset(&organisation.id, &user, &issued.hash, None, at, expires)?;
        say!("  {}: {base}/reset/{}", member.email, issued.text);
    }
    Ok(())
}

/// `amparo import --org-archive FILE.tar`: restores the archive into an empty organisation (the
/// archive's slug, or `--org`), all or nothing.
pub fn import(settings: &Settings, database: &str, org: Option<&str>, path: &Path) -> CliResult {
    say!("checking {}", path.display());
    let read = file::read(path)?;
    let archive = parse(&read)?;
    let slug = org.unwrap_or(&archive.organisation.slug).to_owned();
    amparo_domain::org::validate_slug(&slug).map_err(|e| CliError::Invalid(format!("--org: {e}")))?;
    let store = open_store(settings, database)?;
    say!("restoring {} cases into {slug}", archive.cases.len());
    let report = store.restore_organisation(&slug, &archive, &read.sha256, now())?;
    say!(
        "restored {}: {} cases, {} staff, {} attachments (archive sha256 {})",
        report.organisation.slug,
        report.cases,
        report.staff,
        report.attachments,
        read.sha256
    );
    say!("staff have no passwords yet; administrators set theirs through these links:");
    reset_links(settings, &store, &report.organisation, &archive)?;
    Ok(())
}
