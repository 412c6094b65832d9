//! "Read a notice" through the router in process, on both backends: a pasted notice is proposed as
//! an event, each value beside the notice's words, the values it does not print said missing, the
//! people it names matched to the case, and nothing recorded; "Record this event" opens the case
//! page's event form filled with the proposal (still nothing recorded); a notice uploaded as a PDF
//! is read from its text layer and a scan by Tesseract, each read of the file audited; a form with
//! nothing, or too much, names its field and reads nothing; the pages in Spanish.

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_store::testing::TestDatabase;

use crate::support::pdf::{scanned_pdf, text_pdf};
use crate::support::snapshots::{seed_at, snapshot_time};
use crate::support::{PASSWORD, RouterApp};

amparo_store::on_both_backends!(
    a_pasted_notice_is_proposed_beside_its_words_and_nothing_is_recorded,
    record_this_event_opens_the_event_form_filled_and_records_nothing,
    an_uploaded_pdf_and_a_scan_are_read_and_each_read_audited,
    a_form_with_nothing_or_both_names_its_field,
    the_pages_speak_spanish,
);

/// A request for evidence about the seeded patient (by A-number), that does not say how it was served.
const RFE: &str = "U.S. Citizenship and Immigration Services\n\nREQUEST FOR EVIDENCE\n\n\
Date of Notice: February 16, 2026\nForm: I-131, Application for Travel Documents\n\
Applicant: Lucia Ejemplo\nA#: 012345678\n\n\
Please submit the evidence listed below.\n\n\
Your response must be received by May 12, 2026. If you do not respond by the due date, we may deny your request.\n";

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

struct Reader {
    session: String,
    csrf: String,
    case: String,
}

fn reader(app: &RouterApp) -> Reader {
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, _) = app.case_id(&session, "A-1");
    Reader { session, csrf, case }
}

/// The case's version: any event recorded moves it on.
fn version(app: &RouterApp, r: &Reader) -> i64 {
    let case = app.get(&format!("/api/v1/cases/{}", r.case), &r.session).json();
    case["version"].as_i64().unwrap_or_else(|| panic!("{case}"))
}

/// The HTML of the row of the proposal's table for `field`.
fn row<'a>(page: &'a str, field: &str) -> &'a str {
    let start =
        page.find(&format!("<tr id=\"value-{field}\"")).unwrap_or_else(|| panic!("no row {field}: {page}"));
    let end = start + page[start..].find("</tr>").unwrap();
    &page[start..end]
}

fn read(app: &RouterApp, r: &Reader, text: &str, file: &str) -> crate::support::Reply {
    let path = format!("/cases/{}/notice", r.case);
    app.post_form(&path, &r.session, &[("csrf", &r.csrf), ("notice-text", text), ("notice-file", file)])
}

fn a_pasted_notice_is_proposed_beside_its_words_and_nothing_is_recorded(db: &TestDatabase) {
    let app = app(db);
    let r = reader(&app);
    let case_page = app.get(&format!("/cases/{}", r.case), &r.session).body;
    assert!(
        case_page
            .contains(&format!("<a href=\"/cases/{}/notice\" id=\"read-notice\">Read a notice</a>", r.case))
    );
    let form = app.get(&format!("/cases/{}/notice", r.case), &r.session);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<textarea id=\"notice-text\" name=\"notice-text\""), "{}", form.body);
    let before = version(&app, &r);

    let proposal = read(&app, &r, RFE, "");
    assert_eq!(proposal.status, 200, "{}", proposal.body);
    let page = &proposal.body;
    assert!(page.contains("Read from the text you pasted."));
    let kind = row(page, "type");
    assert!(kind.contains("Request for evidence") && kind.contains("<q>REQUEST FOR EVIDENCE</q>"), "{kind}");
    let dated = row(page, "notice_date");
    assert!(dated.contains("16 February 2026") || dated.contains("February 16, 2026"), "{dated}");
    assert!(dated.contains("<q>Date of Notice: February 16, 2026</q>"), "{dated}");
    let respond = row(page, "respond_by");
    assert!(
        respond.contains("2026") && respond.contains("<q>Your response must be received by May 12, 2026."),
        "{respond}"
    );
    // How it was served is not printed: empty, and said so.
    let served = row(page, "served_by");
    assert!(served.contains("class=\"missing\"") && served.contains("<strong>Missing</strong>"), "{served}");
    assert!(served.contains("Not found in the notice"), "{served}");
    assert!(page.contains("One value was not found in the notice"), "{page}");
    assert!(page.contains("Lucía Ejemplo on this case (matched by A-number)"), "{page}");
    assert!(page.contains("<input type=\"hidden\" name=\"ev-respond_by\" value=\"2026-05-12\">"), "{page}");
    assert!(!page.contains("name=\"ev-served_by\""), "nothing is filled that was not read");
    assert_eq!(version(&app, &r), before, "reading records nothing");
}

fn record_this_event_opens_the_event_form_filled_and_records_nothing(db: &TestDatabase) {
    let app = app(db);
    let r = reader(&app);
    let before = version(&app, &r);
    let proposal = read(&app, &r, RFE, "").body;
    let start =
        proposal.find(&format!("action=\"/cases/{}/notice/event#record\"", r.case)).expect("the button");
    let form = &proposal[start..start + proposal[start..].find("</form>").unwrap()];
    let mut fields: Vec<(String, String)> = form
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|s| {
            let (name, rest) = s.split_once("\" value=\"").unwrap();
            (name.to_owned(), rest.split('"').next().unwrap().to_owned())
        })
        .collect();
    assert!(fields.iter().any(|(n, v)| n == "ev-type" && v == "rfe_received"), "{fields:?}");
    // A field the event form does not have is not taken from the post.
    fields.push(("ev-id".into(), "forged".into()));
    let sent: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let opened = app.post_form(&format!("/cases/{}/notice/event", r.case), &r.session, &sent);
    assert_eq!(opened.status, 200, "{}", opened.body);
    let page = &opened.body;
    assert!(page.contains("Filled from a notice you read: check each value"), "{page}");
    assert!(page.contains("<option value=\"rfe_received\" selected>"), "{page}");
    assert!(page.contains("name=\"ev-respond_by\" type=\"date\" value=\"2026-05-12\""), "{page}");
    assert!(page.contains("name=\"ev-on\" type=\"date\" value=\"2026-02-16\""), "{page}");
    assert!(!page.contains("forged"));
    assert_eq!(version(&app, &r), before, "opening the form records nothing");
    // Without its token the post is refused.
    let forged =
        app.post_form(&format!("/cases/{}/notice/event", r.case), &r.session, &[("ev-type", "rfe_received")]);
    assert_eq!(forged.status, 403);
}

fn audited_reads(db: &TestDatabase, via: &str) -> usize {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let query =
        amparo_store::AuditQuery { action: Some("attachment.read".into()), limit: 100, ..Default::default() };
    let entries = store.audit_page(&org.id, &query).unwrap().entries;
    entries.iter().filter(|e| e.detail.contains(via)).count()
}

/// Adds a file to A-1 as its attorney, through the store; its id.
fn attach(db: &TestDatabase, kind: AttachmentKind, title: &str, bytes: Vec<u8>) -> String {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let ana = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap();
    let case = store.case_by_reference(&org.id, "A-1").unwrap().unwrap().id;
    let details = AttachmentDetails {
        kind,
        title: title.into(),
        dated: None,
        event: None,
        person: None,
        file_name: None,
    };
    let new = amparo_store::NewAttachment { details, bytes };
    store.add_attachment_as(&amparo_store::Actor::of(&ana), &case, &new, snapshot_time()).unwrap().id
}

fn tesseract_installed() -> bool {
    let ok =
        std::process::Command::new("tesseract").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true but tesseract is not installed");
        eprintln!("scanned-notice page test skipped: tesseract is not installed");
    }
    ok
}

fn an_uploaded_pdf_and_a_scan_are_read_and_each_read_audited(db: &TestDatabase) {
    let app = app(db);
    let r = reader(&app);
    let pdf = attach(db, AttachmentKind::Notice, "Request for evidence", text_pdf(RFE));
    let photo =
        attach(db, AttachmentKind::Identity, "An identity photo", b"\xff\xd8\xff\xe0 not a notice".to_vec());
    let form = app.get(&format!("/cases/{}/notice", r.case), &r.session).body;
    assert!(form.contains(&format!("<option value=\"{pdf}\">Request for evidence</option>")), "{form}");
    assert!(!form.contains(&photo), "a photo is neither a notice nor a PDF: not offered");

    let before = audited_reads(db, "notice read");
    let proposal = read(&app, &r, "", &pdf);
    assert_eq!(proposal.status, 200, "{}", proposal.body);
    assert!(proposal.body.contains("id=\"read-from\">Read from the PDF"), "{}", proposal.body);
    assert!(
        row(&proposal.body, "respond_by").contains("<q>Your response must be received by May 12, 2026."),
        "{}",
        proposal.body
    );
    assert_eq!(audited_reads(db, "notice read"), before + 1, "the file's read is audited");

    let refused = read(&app, &r, "", &photo);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("<a href=\"#notice-file\">That file is not one of this case"),
        "{}",
        refused.body
    );
    assert_eq!(audited_reads(db, "notice read"), before + 1, "a file not offered is not read");

    if tesseract_installed() {
        let scans =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../amparo-domain/tests/notices/scanned");
        let jpeg = std::fs::read(scans.join("rfe-scan.jpg")).unwrap();
        let scan = attach(db, AttachmentKind::Notice, "Scanned request", scanned_pdf(&jpeg, 1275, 1650));
        let proposal = read(&app, &r, "", &scan);
        assert_eq!(proposal.status, 200, "{}", proposal.body);
        assert!(
            proposal
                .body
                .contains("Read from a scanned image by Tesseract: check every value against the paper.")
        );
        assert!(row(&proposal.body, "type").contains("Request for evidence"), "{}", proposal.body);
        assert_eq!(audited_reads(db, "notice read"), before + 2);
    }
}

fn a_form_with_nothing_or_both_names_its_field(db: &TestDatabase) {
    let app = app(db);
    let r = reader(&app);
    let nothing = read(&app, &r, "  ", "");
    assert_eq!(nothing.status, 422);
    assert!(nothing.body.contains("<a href=\"#notice-text\">Paste the notice"), "{}", nothing.body);
    assert!(nothing.body.contains("aria-invalid=\"true\""));
    let both = read(&app, &r, RFE, "some-file");
    assert_eq!(both.status, 422);
    assert!(
        both.body.contains("<a href=\"#notice-file\">Paste the text or choose a file, not both"),
        "{}",
        both.body
    );
    assert!(both.body.contains("Your response must be received by"), "what was typed is kept");
    let too_long = read(&app, &r, &"x".repeat(100_001), "");
    assert_eq!(too_long.status, 422);
    // Another organisation's case is not found; the reader's own case id elsewhere reads nothing.
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let elsewhere =
        app.post_form(&format!("/cases/{}/notice", r.case), &bo, &[("csrf", &bo_csrf), ("notice-text", RFE)]);
    assert_eq!(elsewhere.status, 404);
    assert_eq!(app.get(&format!("/cases/{}/notice", r.case), &bo).status, 404);
}

fn the_pages_speak_spanish(db: &TestDatabase) {
    let app = app(db);
    let r = reader(&app);
    app.choose_language(&r.session, &r.csrf, "es");
    let form = app.get(&format!("/cases/{}/notice", r.case), &r.session).body;
    assert!(form.contains("<html lang=\"es\">") && form.contains("Leer un aviso del caso A-1"), "{form}");
    let page = read(&app, &r, RFE, "").body;
    assert!(page.contains("Evento propuesto para el caso A-1"), "{page}");
    assert!(row(&page, "served_by").contains("<strong>Falta</strong>"), "{page}");
    assert!(page.contains("Lucía Ejemplo en este caso (por número A)"), "{page}");
    assert!(page.contains("Registrar este evento"));
}
