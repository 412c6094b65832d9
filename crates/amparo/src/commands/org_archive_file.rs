//! The organisation archive file (`amparo export --out FILE.tar`): a plain tar, so anyone can look
//! inside with `tar -tvf FILE` without Amparo. Its members, each in a documented format with a JSON
//! Schema under `docs/schemas/` (the CSV ones are described in `docs/org-archive.md`):
//!
//! ```text
//! manifest.json          amparo.org-archive/1: what the archive holds, each member's SHA-256
//! organisation.json      amparo.organisation/1: profile, time zone, policy and checklists
//! staff.json             amparo.staff/1: staff members, without passwords or second factors
//! cases/REFERENCE.json   amparo.case/1: one case file per case
//! assignments.csv        who holds which role on each case
//! shares.csv             the cases shared with clinicians
//! escalations.json       amparo.escalations/1
//! tasks.json             amparo.tasks/1
//! audit/trail.json       amparo.audit-trail/1: the organisation's audit chain at export
//! attachments/index.json amparo.attachments/1: each case attachment's details, size and SHA-256
//! attachments/ID.EXT     each attachment's file, in clear, listed under the manifest's `attachments`
//! ```
//!
//! Members are written in that order, with sorted contents, so two exports of the same data differ
//! only in `manifest.json` and `audit/trail.json`. Reading refuses a member the manifest does not
//! list, one whose digest differs, and any name outside these.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use amparo_store::archive::{ArchivedAuditEntry, ArchivedEscalation, ArchivedMember, ArchivedTask};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CliError, CliResult};
use crate::private_file::{cannot as failed, persist_new, tar_header as header};

pub const FORMAT: &str = "amparo.org-archive/1";
pub const MANIFEST: &str = "manifest.json";
pub const ORGANISATION: &str = "organisation.json";
pub const STAFF: &str = "staff.json";
pub const CASES: &str = "cases/";
pub const ASSIGNMENTS: &str = "assignments.csv";
pub const SHARES: &str = "shares.csv";
pub const ESCALATIONS: &str = "escalations.json";
pub const TASKS: &str = "tasks.json";
pub const AUDIT_TRAIL: &str = "audit/trail.json";
pub const ATTACHMENTS: &str = "attachments/";
pub const ATTACHMENT_INDEX: &str = "attachments/index.json";
/// The most a member other than a case file may hold (a case file has its own bound).
pub const MAX_MEMBER_BYTES: u64 = 1 << 30;

/// One member as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestMember {
    pub path: String,
    /// The member's format (`amparo.case/1`, `csv`, …).
    pub format: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub amparo_version: String,
    /// When the archive was written (RFC 3339, UTC).
    pub created_at: String,
    /// The organisation's slug.
    pub organisation: String,
    pub counts: Counts,
    /// Every member but the manifest, in archive order.
    pub members: Vec<ManifestMember>,
    /// The attachments' files (under `attachments/`), listed as the other members are, in archive
    /// order; their details are in `attachments/index.json`.
    pub attachments: Vec<ManifestMember>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub cases: usize,
    pub staff: usize,
    pub assignments: usize,
    pub shares: usize,
    pub escalations: usize,
    pub tasks: usize,
    pub audit_entries: usize,
    /// Absent from archives written before they carried attachments.
    #[serde(default)]
    pub attachments: usize,
}

/// `organisation.json`: the format tag and the organisation's section.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDoc {
    pub format: String,
    #[serde(flatten)]
    pub organisation: amparo_store::archive::ArchivedOrganisation,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffDoc {
    pub format: String,
    pub staff: Vec<ArchivedMember>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationsDoc {
    pub format: String,
    pub escalations: Vec<ArchivedEscalation>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TasksDoc {
    pub format: String,
    pub tasks: Vec<ArchivedTask>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIndexDoc {
    pub format: String,
    pub attachments: Vec<amparo_store::archive::ArchivedAttachment>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditTrailDoc {
    pub format: String,
    pub organisation: String,
    pub entries: Vec<ArchivedAuditEntry>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A member ready to be written: its name, format and bytes.
pub struct Member {
    pub path: String,
    pub format: &'static str,
    pub bytes: Vec<u8>,
}

impl Member {
    fn listed(&self) -> ManifestMember {
        ManifestMember {
            path: self.path.clone(),
            format: self.format.to_owned(),
            bytes: self.bytes.len() as u64,
            sha256: sha256_hex(&self.bytes),
        }
    }
}

/// The archive's members: the documents, then the attachments' files.
pub struct Members {
    pub documents: Vec<Member>,
    pub files: Vec<Member>,
}

/// The manifest for `members`, which it lists in order.
pub fn manifest(organisation: &str, counts: Counts, members: &Members, created_at: &str) -> Manifest {
    Manifest {
        format: FORMAT.to_owned(),
        amparo_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: created_at.to_owned(),
        organisation: organisation.to_owned(),
        counts,
        members: members.documents.iter().map(Member::listed).collect(),
        attachments: members.files.iter().map(Member::listed).collect(),
    }
}

/// Writes the archive `out` (which must not exist): the manifest first, then `members` in order;
/// complete or not at all, readable by its owner only (a private temporary file beside it, made
/// with `O_EXCL`, renamed into place without replacing anything).
pub fn write(out: &Path, manifest: &Manifest, members: &Members, mtime: u64) -> CliResult {
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".amparo-export-").suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let temporary = builder.tempfile_in(folder).map_err(|e| failed(folder, "create a file in", e))?;
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| CliError::Failed(e.to_string()))?;
    let mut tar = tar::Builder::new(temporary.as_file());
    let written = (|| -> std::io::Result<()> {
        tar.append_data(&mut header(text.len() as u64, mtime), MANIFEST, text.as_slice())?;
        for member in members.documents.iter().chain(&members.files) {
            let mut member_header = header(member.bytes.len() as u64, mtime);
            tar.append_data(&mut member_header, &member.path, member.bytes.as_slice())?;
        }
        tar.finish()
    })();
    written.map_err(|e| failed(temporary.path(), "write", e))?;
    drop(tar);
    persist_new(temporary, out, folder)
}

/// An archive read and checked against its manifest: every member's bytes by name.
pub struct CheckedArchive {
    pub manifest: Manifest,
    pub members: BTreeMap<String, Vec<u8>>,
    /// The SHA-256 of the whole file, as the restore's audit entry names it.
    pub sha256: String,
}

fn invalid(archive: &Path, why: impl std::fmt::Display) -> CliError {
    CliError::Invalid(format!("{}: not an Amparo organisation archive: {why}", archive.display()))
}

/// Whether `name` is a member this format may hold (the manifest is read apart).
fn allowed(name: &str) -> bool {
    let in_folder = |folder: &str, ext: &str| {
        name.strip_prefix(folder).is_some_and(|rest| {
            !rest.is_empty() && !rest.contains('/') && rest.ends_with(ext) && !rest.starts_with('.')
        })
    };
    [ORGANISATION, STAFF, ASSIGNMENTS, SHARES, ESCALATIONS, TASKS, AUDIT_TRAIL].contains(&name)
        || in_folder(CASES, ".json")
        || in_folder(ATTACHMENTS, "")
}

/// Reads `archive` whole into memory and checks it: only known member names, each at most
/// [`MAX_MEMBER_BYTES`], each listed in the manifest with its size and digest, and each listed one
/// present.
pub fn read(archive: &Path) -> CliResult<CheckedArchive> {
    let bytes = std::fs::read(archive).map_err(|e| failed(archive, "read", e))?;
    let sha256 = sha256_hex(&bytes);
    let mut manifest: Option<Manifest> = None;
    let mut members = BTreeMap::new();
    let mut tar = tar::Archive::new(bytes.as_slice());
    for entry in tar.entries().map_err(|e| invalid(archive, e))? {
        let mut entry = entry.map_err(|e| invalid(archive, e))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(invalid(archive, "a member that is not a plain file"));
        }
        let name = entry.path().map_err(|e| invalid(archive, e))?.to_string_lossy().into_owned();
        if name != MANIFEST && !allowed(&name) {
            return Err(invalid(archive, format!("unexpected member {name:?}")));
        }
        if entry.size() > MAX_MEMBER_BYTES {
            return Err(invalid(archive, format!("{name}: larger than {MAX_MEMBER_BYTES} bytes")));
        }
        let mut content = Vec::new();
        entry.read_to_end(&mut content).map_err(|e| invalid(archive, format!("{name}: {e}")))?;
        if name == MANIFEST {
            let parsed: Manifest =
                serde_json::from_slice(&content).map_err(|e| invalid(archive, format!("{MANIFEST}: {e}")))?;
            if parsed.format != FORMAT {
                return Err(invalid(archive, format!("format {:?}, expected {FORMAT:?}", parsed.format)));
            }
            manifest = Some(parsed);
        } else if members.insert(name.clone(), content).is_some() {
            return Err(invalid(archive, format!("{name} appears twice")));
        }
    }
    let manifest = manifest.ok_or_else(|| invalid(archive, format!("no {MANIFEST}")))?;
    let listed: BTreeMap<&str, &ManifestMember> =
        manifest.members.iter().chain(&manifest.attachments).map(|m| (m.path.as_str(), m)).collect();
    for (name, content) in &members {
        let entry = listed
            .get(name.as_str())
            .ok_or_else(|| invalid(archive, format!("{name} is not listed in {MANIFEST}")))?;
        if entry.bytes != content.len() as u64 || entry.sha256 != sha256_hex(content) {
            return Err(invalid(archive, format!("{name} differs from its digest in {MANIFEST}")));
        }
    }
    if let Some(missing) = listed.keys().find(|name| !members.contains_key(**name)) {
        return Err(invalid(archive, format!("{MANIFEST} lists {missing}, which is not in the archive")));
    }
    Ok(CheckedArchive { manifest, members, sha256 })
}
