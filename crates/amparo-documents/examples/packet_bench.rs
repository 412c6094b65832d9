//! The packet's time against merging the same PDFs with `qpdf --empty --pages`, in one run: a
//! fictional case with N exhibits of P pages each (default 10 × 3 = 30 pages). Run by
//! `bench/packet.sh`; prints each median and the ratio.
//!
//! Usage: `packet_bench OUT_DIR [EXHIBITS] [PAGES] [ROUNDS]`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use amparo_documents::{Request, Sources, Templates, generate};
use amparo_domain::attachments::{AttachmentKind, ContentType};
use amparo_domain::{CaseFile, Policy, RuleSet, TimeZone, derive};
use amparo_store::{Attachment, AttachmentFile, CaseId, OrgId, OrganisationProfile, StoredCase};
use chrono::{TimeZone as _, Utc};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

type Failure = Box<dyn std::error::Error>;

/// A PDF of `pages` Letter pages of text, as a scanned-and-OCR'd notice would be at its lightest.
fn exhibit(label: &str, pages: usize) -> Result<Vec<u8>, Failure> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for page in 1..=pages {
        let mut operations =
            vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 11.into()])];
        operations.push(Operation::new("Td", vec![72.into(), 720.into()]));
        for line in 0..40 {
            operations.push(Operation::new(
                "Tj",
                vec![Object::string_literal(format!(
                    "{label}, page {page}, line {line}: the facts of the exhibit as the original prints them."
                ))],
            ));
            operations.push(Operation::new("Td", vec![0.into(), (-15).into()]));
        }
        operations.push(Operation::new("ET", vec![]));
        let stream = doc.add_object(Stream::new(dictionary! {}, Content { operations }.encode()?));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => stream,
        })));
    }
    let count = i64::try_from(kids.len())?;
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
    doc.save_to(&mut bytes)?;
    Ok(bytes)
}

fn case() -> Result<StoredCase, Failure> {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "BENCH-1",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Lina", "family_name": "Ejemplova", "citizenship": "UA" },
                { "key": "m1", "role": "parent", "given_name": "Oksana", "family_name": "Ejemplova" }
            ],
            "medical": { "person": "p1", "condition": "intestinal failure", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "facility": "Example Children's Hospital" }
        },
        "events": [ { "id": "g1", "type": "parole_granted", "on": "2025-06-12", "valid_until": "2026-06-11" } ]
    })
    .to_string();
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single().ok_or("no such moment")?;
    Ok(StoredCase {
        id: CaseId("bench".into()),
        org_id: OrgId("bench".into()),
        version: 1,
        file: CaseFile::parse(&text).map_err(|e| e.to_string())?.0,
        created_at: at,
        updated_at: at,
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).ok_or("usage: packet_bench OUT_DIR [EXHIBITS] [PAGES] [ROUNDS]")?);
    let exhibits: usize = args.get(2).map_or(Ok(10), |a| a.parse())?;
    let pages: usize = args.get(3).map_or(Ok(3), |a| a.parse())?;
    let rounds: usize = args.get(4).map_or(Ok(5), |a| a.parse())?;
    std::fs::create_dir_all(out)?;

    let mut files = Vec::new();
    let mut paths = Vec::new();
    for n in 0..exhibits {
        let bytes = exhibit(&format!("Exhibit file {}", n + 1), pages)?;
        let path = out.join(format!("exhibit-{n:02}.pdf"));
        std::fs::write(&path, &bytes)?;
        paths.push(path);
        let at = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).single().ok_or("no such moment")?;
        files.push(AttachmentFile {
            attachment: Attachment {
                id: format!("exhibit-{n}"),
                case: CaseId("bench".into()),
                kind: AttachmentKind::Evidence,
                title: format!("Evidence file {}", n + 1),
                file_name: None,
                content_type: ContentType::Pdf,
                byte_size: u64::try_from(bytes.len())?,
                dated: None,
                event: None,
                person: None,
                uploaded_at: at,
                uploaded_by: None,
            },
            bytes,
        });
    }

    let case = case()?;
    let today = "2026-03-02".parse().map_err(|e| format!("{e:?}"))?;
    let derivation = derive(&case.in_force(), today, &Policy::default(), RuleSet::builtin()?);
    let profile = OrganisationProfile {
        name: "Harbor Legal Aid Example".into(),
        address: "12 Example Street".into(),
        phone: String::new(),
        email: String::new(),
        letter_signature: String::new(),
        time_zone: TimeZone::parse("UTC").map_err(|e| format!("{e:?}"))?,
    };
    let sources = Sources {
        case: &case,
        derivation: &derivation,
        organisation: &profile,
        assignments: &[],
        caseworker_email: None,
        today,
    };
    let templates = Templates::builtin();

    let mut packet_times = Vec::new();
    let mut qpdf_times = Vec::new();
    let mut packet_pages = 0;
    // Taking turns, so a noisy moment on the shared machine hurts both.
    for round in 0..rounds + 1 {
        // Nothing memoized by the round before: each round typesets from scratch, with the fonts and
        // the standard library loaded once as in a server.
        typst::comemo::evict(0);
        let started = Instant::now();
        let generated = generate(&templates, &sources, Request::Packet { exhibits: &files })?;
        let packet_time = started.elapsed();
        std::fs::write(out.join("packet.pdf"), &generated.pdf)?;
        packet_pages = Document::load_mem(&generated.pdf)?.get_pages().len();

        let started = Instant::now();
        let status = Command::new("qpdf")
            .arg("--empty")
            .arg("--pages")
            .args(&paths)
            .arg("--")
            .arg(out.join("merged.pdf"))
            .status()?;
        let qpdf_time = started.elapsed();
        if !status.success() {
            return Err("qpdf failed".into());
        }
        // The first round warms the fonts and the library, once per process as in a server.
        if round == 0 {
            println!("first packet (cold: fonts and library loaded): {:.3} s", packet_time.as_secs_f64());
            continue;
        }
        packet_times.push(packet_time);
        qpdf_times.push(qpdf_time);
    }
    let (packet, qpdf) = (median(packet_times), median(qpdf_times));
    println!(
        "{exhibits} exhibits x {pages} pages = {} exhibit pages; packet {packet_pages} pages",
        exhibits * pages
    );
    println!("packet (median of {rounds}): {:.3} s", packet.as_secs_f64());
    println!("qpdf --empty --pages (median of {rounds}): {:.3} s", qpdf.as_secs_f64());
    println!("ratio packet / qpdf merge: {:.1}", packet.as_secs_f64() / qpdf.as_secs_f64());
    Ok(())
}
