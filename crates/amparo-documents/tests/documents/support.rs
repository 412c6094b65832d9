//! What the document tests share: a fictional case, the organisation's profile, exhibits made as
//! real PDFs and PNGs, and the poppler and qpdf tools run on what is generated.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use amparo_documents::{Generated, Request, Sources, Templates, generate};
use amparo_domain::attachments::{AttachmentKind, ContentType};
use amparo_domain::{CaseFile, Date, Derivation, Policy, RuleSet, TimeZone, derive};
use amparo_store::{Attachment, AttachmentFile, CaseId, OrgId, OrganisationProfile, StoredCase};
use chrono::{TimeZone as _, Utc};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// The day documents are dated in these tests.
pub fn today() -> Date {
    "2026-03-02".parse().unwrap()
}

/// A fictional family: a patient on home parenteral nutrition, her mother and brother.
pub fn case_json(language: &str) -> serde_json::Value {
    serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "DOC-7",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Lina", "family_name": "Ejemplova",
                  "birth_date": "2019-06-21", "citizenship": "UA", "a_number": "A012345678",
                  "preferred_language": language },
                { "key": "m1", "role": "parent", "given_name": "Oksana", "family_name": "Ejemplova",
                  "birth_date": "1988-11-02", "citizenship": "UA" },
                { "key": "s1", "role": "sibling", "given_name": "Taras", "family_name": "Ejemplov",
                  "birth_date": "2015-01-30", "citizenship": "UA" }
            ],
            "medical": {
                "person": "p1",
                "condition": "intestinal failure",
                "regimen": "home parenteral nutrition",
                "hours_per_day": 14,
                "facility": "Example Children's Hospital",
                "available_in_origin_country": false,
                "days_to_critical_harm": 3
            }
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-06-12", "valid_until": "2026-06-11" }
        ]
    })
}

pub fn stored_case(language: &str) -> StoredCase {
    let file = CaseFile::parse(&case_json(language).to_string()).unwrap().0;
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    StoredCase {
        id: CaseId("case-doc-7".into()),
        org_id: OrgId("org-doc".into()),
        version: 1,
        file,
        created_at: at,
        updated_at: at,
    }
}

pub fn profile() -> OrganisationProfile {
    OrganisationProfile {
        name: "Harbor Legal Aid Example".into(),
        address: "12 Example Street\nSpringfield, EX 00000".into(),
        phone: "+1 555 0100".into(),
        email: "intake@harbor.example".into(),
        letter_signature: "Dana Example, Attorney\nHarbor Legal Aid Example".into(),
        time_zone: TimeZone::parse("America/New_York").unwrap(),
    }
}

pub fn derivation(case: &StoredCase) -> Derivation {
    derive(&case.in_force(), today(), &Policy::default(), RuleSet::builtin().unwrap())
}

/// Generates `request` for `case` with the built-in templates.
pub fn generated(case: &StoredCase, request: Request) -> Generated {
    generated_with(&Templates::builtin(), case, request)
}

pub fn generated_with(templates: &Templates, case: &StoredCase, request: Request) -> Generated {
    let derivation = derivation(case);
    let profile = profile();
    generate(templates, &sources(case, &derivation, &profile), request).unwrap()
}

/// What a document is made from: `case` as of [`today`], with no one assigned and no caseworker.
pub fn sources<'a>(
    case: &'a StoredCase,
    derivation: &'a Derivation,
    organisation: &'a OrganisationProfile,
) -> Sources<'a> {
    Sources { case, derivation, organisation, assignments: &[], caseworker_email: None, today: today() }
}

/// A real PDF of `pages` Letter pages, each printing `label` and its page number in Helvetica.
pub fn exhibit_pdf(label: &str, pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for page in 1..=pages {
        let text = format!("{label} source page {page}");
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 18.into()]),
                Operation::new("Td", vec![72.into(), 640.into()]),
                Operation::new("Tj", vec![Object::string_literal(text)]),
                Operation::new("ET", vec![]),
            ],
        };
        let stream = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => stream,
        });
        kids.push(Object::from(page_id));
    }
    let count = i64::try_from(kids.len()).unwrap();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A real PNG: a 64×48 grey picture (stored, uncompressed deflate blocks).
pub fn exhibit_png() -> Vec<u8> {
    let (width, height) = (64u32, 48u32);
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0u8);
        raw.extend((0..width).map(|x| u8::try_from((x + y) % 256).unwrap()));
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap();
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        png.extend(&body);
        png.extend(crc32(&body).to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &zlib);
    chunk(b"IEND", &[]);
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// An attachment of the case with its bytes.
pub fn attachment(id: &str, title: &str, content_type: ContentType, bytes: Vec<u8>) -> AttachmentFile {
    AttachmentFile {
        attachment: Attachment {
            id: id.into(),
            case: CaseId("case-doc-7".into()),
            kind: AttachmentKind::Evidence,
            title: title.into(),
            file_name: None,
            content_type,
            byte_size: u64::try_from(bytes.len()).unwrap(),
            dated: Some("2026-01-15".parse().unwrap()),
            event: None,
            person: None,
            uploaded_at: Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap(),
            uploaded_by: None,
        },
        bytes,
    }
}

/// The PDF written to a temporary file, for the command-line tools.
pub struct PdfFile {
    _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
}

pub fn pdf_file(bytes: &[u8]) -> PdfFile {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    PdfFile { _dir: dir, path }
}

fn run(program: &str, args: &[&str], path: &Path) -> String {
    let output = Command::new(program)
        .args(args)
        .arg(path)
        .args(if program == "pdftotext" { vec!["-"] } else { vec![] })
        .output()
        .unwrap_or_else(|e| panic!("{program} could not be run: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `qpdf --check` passes on the PDF.
pub fn assert_qpdf_check(pdf: &PdfFile) {
    let out = run("qpdf", &["--check"], &pdf.path);
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
}

/// The PDF's text, as `pdftotext` reads it.
pub fn text_of(pdf: &PdfFile) -> String {
    run("pdftotext", &["-enc", "UTF-8"], &pdf.path)
}

/// The PDF's text with spaces and line breaks folded to single spaces and words hyphenated at a line's
/// end joined again (a justified paragraph breaks its lines where it likes), without the bidi marks
/// pdftotext puts around right-to-left runs.
pub fn flat_text_of(pdf: &PdfFile) -> String {
    flatten(&text_of(pdf))
}

pub fn flatten(text: &str) -> String {
    let text: String = text.chars().filter(|c| !matches!(c, '\u{202a}'..='\u{202e}')).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace("\u{ad} ", "")
}

/// The fonts `pdffonts` lists: (name, embedded).
pub fn fonts_of(pdf: &PdfFile) -> Vec<(String, bool)> {
    let out = run("pdffonts", &[], &pdf.path);
    out.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            // name type [encoding…] emb sub uni object ID: emb is the fifth column from the end.
            let embedded = columns.len() >= 5 && columns[columns.len() - 5] == "yes";
            (columns[0].to_owned(), embedded)
        })
        .collect()
}

/// Every font the PDF uses is embedded, and there is at least one.
pub fn assert_fonts_embedded(pdf: &PdfFile) -> Vec<String> {
    let fonts = fonts_of(pdf);
    assert!(!fonts.is_empty(), "no fonts listed");
    for (name, embedded) in &fonts {
        assert!(embedded, "font {name} is not embedded: {fonts:?}");
    }
    fonts.into_iter().map(|(name, _)| name).collect()
}

/// The page count `pdfinfo` reads.
pub fn pages_of(pdf: &PdfFile) -> usize {
    let out = run("pdfinfo", &[], &pdf.path);
    out.lines().find_map(|l| l.strip_prefix("Pages:")).map(|n| n.trim().parse().unwrap()).unwrap()
}

/// The PDF's bookmarks (outline titles) as qpdf's JSON gives them.
pub fn bookmarks_of(pdf: &PdfFile) -> Vec<String> {
    let out = run("qpdf", &["--json", "--json-key=outlines"], &pdf.path);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut titles = Vec::new();
    fn walk(items: &serde_json::Value, titles: &mut Vec<String>) {
        for item in items.as_array().into_iter().flatten() {
            if let Some(title) = item["title"].as_str() {
                titles.push(title.to_owned());
            }
            walk(&item["kids"], titles);
        }
    }
    walk(&json["outlines"], &mut titles);
    titles
}
