//! Documents generated from a case, through the router in process, on both backends: the legal
//! staff generate every kind (the packet with chosen exhibits in the order chosen), list them with
//! what changed since the one before, and download PDF and DOCX with the right types; a download of
//! a document whose case changed since is refused rather than served different; bad choices name
//! their field; a clinician makes and reads only the medical letter of a case shared with them,
//! reviews its draft and attests it (the event, the signed PDF as a medical attachment, the
//! generation, all or nothing), which an attorney then finds in the evidence; viewers only read;
//! every generation, list and download is audited.

use crate::support::pdf::text_pdf;
use crate::support::snapshots::{seed_at, snapshot_time};
use crate::support::{PASSWORD, Reply, RouterApp, add_user, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    the_legal_staff_generate_list_and_download_every_kind,
    a_clinician_reviews_and_attests_the_medical_letter,
);

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    add_user(db, "clinic-a", "dr@a.example.org", "Dora Clinician", "clinician");
    add_user(db, "clinic-a", "vi@a.example.org", "Vic Viewer", "viewer");
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

fn store_and_org(db: &TestDatabase) -> (std::sync::Arc<amparo_store::Store>, amparo_store::OrgId) {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    (store, org)
}

/// Adds a one-page PDF exhibit titled `title` to the case as the attorney; its id.
fn exhibit(db: &TestDatabase, case: &str, title: &str) -> String {
    let (store, org) = store_and_org(db);
    let ana = store.users(&org).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap();
    let file = amparo_store::NewAttachment {
        details: amparo_domain::attachments::AttachmentDetails {
            kind: amparo_domain::attachments::AttachmentKind::Evidence,
            title: title.into(),
            dated: None,
            event: None,
            person: None,
            file_name: Some(format!("{title}.pdf")),
        },
        bytes: text_pdf(&format!("{title}\nFictional evidence for the tests.")),
    };
    let case = amparo_store::CaseId(case.to_owned());
    store.add_attachment_as(&amparo_store::Actor::of(&ana), &case, &file, snapshot_time()).unwrap().id
}

fn audited(db: &TestDatabase, action: &str) -> usize {
    let (store, org) = store_and_org(db);
    let query = amparo_store::AuditQuery { action: Some(action.into()), limit: 500, ..Default::default() };
    store.audit_page(&org, &query).unwrap().entries.len()
}

/// The page count of a PDF, by `qpdf` when it is installed (else by counting its page objects).
fn pages(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("qpdf").arg("--show-npages").arg(&path).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().parse().unwrap(),
        _ => lopdf::Document::load_mem(pdf).unwrap().get_pages().len(),
    }
}

fn assert_pdf(reply: &Reply) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.bytes.starts_with(b"%PDF"), "a PDF comes back");
    assert!(reply.header("content-disposition").unwrap().starts_with("attachment; filename="));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
}

fn the_legal_staff_generate_list_and_download_every_kind(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana, "A-1");
    let first = exhibit(db, &id, "Dialysis schedule");
    let second = exhibit(db, &id, "Hospital admission");
    let api = format!("/api/v1/cases/{id}/documents");

    // The packet, the second file first: both exhibits placed after the cover letter.
    let body = serde_json::json!({ "kind": "packet", "exhibits": [second, first] });
    let made = app.post_json(&api, &ana, &csrf, &body);
    assert_eq!(made.status, 201, "{}", made.body);
    let packet = made.json();
    assert_eq!(packet["kind"], "packet");
    assert_eq!(packet["exhibits"], serde_json::json!([second, first]));
    assert_eq!(packet["docx"], serde_json::Value::Null, "the packet is PDF only");
    assert_eq!(packet["changes"], serde_json::Value::Null, "the first packet of the case");
    let pdf = app.get(packet["pdf"].as_str().unwrap(), &ana);
    assert_pdf(&pdf);
    let with_exhibits = pages(&pdf.bytes);
    assert!(with_exhibits >= 3, "cover letter and two exhibit pages: {with_exhibits} pages");
    let no_docx = app.get(&format!("{api}/{}/docx", packet["id"].as_str().unwrap()), &ana);
    assert_eq!(no_docx.status, 404);

    // The cover letter, as PDF and as DOCX; the family letter in Ukrainian; the medical letter.
    let cover =
        app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "cover-letter", "exhibits": [first] }));
    assert_eq!(cover.status, 201, "{}", cover.body);
    let docx = app.get(cover.json()["docx"].as_str().unwrap(), &ana);
    assert_eq!(docx.status, 200, "{}", docx.body);
    assert_eq!(docx.header("content-type"), Some(DOCX));
    assert!(docx.bytes.starts_with(b"PK"), "a DOCX is a ZIP package");
    let family =
        app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "family-letter", "language": "uk" }));
    assert_eq!(family.status, 201, "{}", family.body);
    assert_eq!(family.json()["language"], "uk");
    assert_pdf(&app.get(family.json()["pdf"].as_str().unwrap(), &ana));
    let medical = app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "medical-letter" }));
    assert_eq!(medical.status, 201, "{}", medical.body);
    let again = app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "medical-letter" }));
    assert_eq!(again.json()["changes"], serde_json::json!([]), "nothing changed since the first");

    // Each choice that cannot be made names its field, and nothing is recorded.
    for (body, field) in [
        (serde_json::json!({ "kind": "visa" }), "kind"),
        (serde_json::json!({ "kind": "medical-letter", "exhibits": [first] }), "exhibits"),
        (serde_json::json!({ "kind": "packet", "exhibits": [first, first] }), "exhibits"),
        (
            serde_json::json!({ "kind": "packet", "exhibits": ["0190aaaa-0000-7000-8000-000000000000"] }),
            "exhibits",
        ),
        (serde_json::json!({ "kind": "cover-letter", "language": "uk" }), "language"),
        (serde_json::json!({ "kind": "family-letter", "language": "tlh" }), "language"),
    ] {
        let refused = app.post_json(&api, &ana, &csrf, &body);
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(refused.json()["field"], field, "{body}: {}", refused.body);
    }
    let listed = app.get(&api, &ana).json();
    let kinds: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["packet", "cover-letter", "family-letter", "medical-letter", "medical-letter"]);
    assert_eq!(audited(db, "document.generated"), 5, "each generation audited, no refused one");

    // The case changes: the medical letter recorded before no longer matches it, and is not served
    // as if it did; a new one says what changed.
    let case = app.get(&format!("/api/v1/cases/{id}"), &ana).json();
    let patch = serde_json::json!({ "version": case["version"],
        "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 2 } });
    let edited = app.send_json("PATCH", &format!("/api/v1/cases/{id}"), (&ana, &csrf), &patch);
    assert_eq!(edited.status, 200, "{}", edited.body);
    let stale = app.get(medical.json()["pdf"].as_str().unwrap(), &ana);
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("generate it again"), "{}", stale.body);
    let renewed = app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "medical-letter" }));
    let changed: Vec<String> = renewed.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(changed.iter().any(|p| p.contains("days_to_critical_harm")), "{changed:?}");

    // The page: the list, and the packet form with exhibits ordered by the numbers typed.
    let page = app.get(&format!("/cases/{id}/documents"), &ana);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("requires English"), "the note on English filings");
    assert!(page.body.contains("Re-parole packet") && page.body.contains("Download DOCX"));
    let token = hidden_field(&page.body, "csrf");
    let (position_first, position_second) = (format!("position-{first}"), format!("position-{second}"));
    let fields = [
        ("csrf", token.as_str()),
        ("exhibits", first.as_str()),
        (position_first.as_str(), "2"),
        ("exhibits", second.as_str()),
        (position_second.as_str(), "1"),
        ("kind", "packet"),
    ];
    let posted = app.post_form(&format!("/cases/{id}/documents"), &ana, &fields);
    assert_eq!(posted.status, 303, "{}", posted.body);
    let listed = app.get(&api, &ana).json();
    let last = listed["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["exhibits"], serde_json::json!([second, first]), "ordered by the numbers typed");
    let shown = app.get(posted.header("location").unwrap(), &ana);
    assert!(shown.body.contains("Generated: Re-parole packet."), "{}", shown.body);
    let refused = app.post_form(
        &format!("/cases/{id}/documents"),
        &ana,
        &[("csrf", &token), ("kind", "family-letter"), ("language", "tlh")],
    );
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"document-language-error\""), "{}", refused.body);

    // Another organisation finds none of it; a viewer reads and downloads, and generates nothing.
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get(&api, &bo).status, 404);
    assert_eq!(app.get(last["pdf"].as_str().unwrap(), &bo).status, 404);
    assert_eq!(
        app.post_json(&api, &bo, &bo_csrf, &serde_json::json!({ "kind": "medical-letter" })).status,
        404
    );
    let (viewer, viewer_csrf) = app.sign_in("vi@a.example.org", PASSWORD);
    assert_eq!(app.get(&api, &viewer).json()["items"].as_array().unwrap().len(), 7);
    assert_pdf(&app.get(last["pdf"].as_str().unwrap(), &viewer));
    let denied = app.post_json(&api, &viewer, &viewer_csrf, &serde_json::json!({ "kind": "medical-letter" }));
    assert_eq!(denied.status, 403);
    assert_eq!(audited(db, "document.downloaded"), 4, "every download served is audited");
    assert!(audited(db, "document.listed") >= 3, "every list audited");
}

fn a_clinician_reviews_and_attests_the_medical_letter(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (dora, dora_csrf) = app.sign_in("dr@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana, "A-1");
    let api = format!("/api/v1/cases/{id}/documents");
    let packet = app.post_json(&api, &ana, &csrf, &serde_json::json!({ "kind": "packet" }));
    assert_eq!(packet.status, 201, "{}", packet.body);

    // Not shared yet: nothing of the case exists for the clinician.
    assert_eq!(app.get(&format!("/cases/{id}/documents"), &dora).status, 404);
    assert_eq!(app.get(&format!("/cases/{id}/documents/attest"), &dora).status, 404);
    let (store, org) = store_and_org(db);
    let dora_id = store.users(&org).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap().id;
    let share = serde_json::json!({ "clinician": dora_id.as_str(), "shared": true });
    assert_eq!(app.post_json(&format!("/api/v1/cases/{id}/shares"), &ana, &csrf, &share).status, 200);

    // Shared: the medical letter only — not the packet, to read or to make.
    let page = app.get(&format!("/cases/{id}/documents"), &dora);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"attest-link\"") && !page.body.contains("id=\"make-packet\""));
    assert_eq!(app.get(&api, &dora).json()["items"], serde_json::json!([]), "the packet is not theirs");
    assert_eq!(app.get(packet.json()["pdf"].as_str().unwrap(), &dora).status, 404);
    let refused = app.post_json(&api, &dora, &dora_csrf, &serde_json::json!({ "kind": "packet" }));
    assert_eq!(refused.status, 403, "{}", refused.body);

    // The review shows the draft's text; a form with every field wrong names each and writes nothing.
    let review = app.get(&format!("/cases/{id}/documents/attest"), &dora);
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("short bowel syndrome"), "the draft's text is shown");
    let token = hidden_field(&review.body, "csrf");
    let version = hidden_field(&review.body, "version");
    let attest = format!("/cases/{id}/documents/attest");
    let wrong = app.post_form(
        &attest,
        &dora,
        &[
            ("csrf", &token),
            ("version", &version),
            ("name", " "),
            ("credentials", ""),
            ("date", "2026-03-09"),
            ("statement", ""),
        ],
    );
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    for field in [
        "document-name-error",
        "document-credentials-error",
        "document-date-error",
        "document-statement-error",
    ] {
        assert!(wrong.body.contains(&format!("id=\"{field}\"")), "{field}: {}", wrong.body);
    }
    assert!(wrong.body.contains("after today"), "{}", wrong.body);
    let attachments = format!("/api/v1/cases/{id}/attachments");
    assert_eq!(app.get(&attachments, &ana).json()["items"], serde_json::json!([]));

    // Attested: the event, the signed PDF kept as a medical letter, the generation naming it.
    let fields = [
        ("csrf", token.as_str()),
        ("version", version.as_str()),
        ("name", "Dr. Dora Example"),
        ("credentials", "MD, pediatric gastroenterology"),
        ("date", "2026-03-02"),
        ("statement", "I have reviewed this letter and it is true to my knowledge."),
    ];
    let attested = app.post_form(&attest, &dora, &fields);
    assert_eq!(attested.status, 303, "{}", attested.body);
    let kept = app.get(&attachments, &ana).json();
    let kept = &kept["items"].as_array().unwrap()[0];
    assert_eq!(kept["kind"], "medical_letter");
    assert!(kept["title"].as_str().unwrap().contains("Dr. Dora Example"));
    let events = app.get(&format!("/api/v1/cases/{id}"), &ana).json()["file"]["events"].clone();
    assert!(
        events.as_array().unwrap().iter().any(|e| e["type"] == "medical_attested" && e["on"] == "2026-03-02"),
        "{events}"
    );
    let theirs = app.get(&api, &dora).json();
    let letter = &theirs["items"].as_array().unwrap()[0];
    assert_eq!(letter["attested_attachment"], kept["id"]);
    assert_eq!(letter["docx"], serde_json::Value::Null, "the signed letter is kept as its PDF");
    let signed = app.get(letter["pdf"].as_str().unwrap(), &dora);
    assert_pdf(&signed);
    let original = app.get(kept["content"].as_str().unwrap(), &ana);
    assert_eq!(signed.bytes, original.bytes, "the kept signed PDF is what is downloaded");
    let evidence = app.get(&format!("/cases/{id}"), &ana);
    assert!(evidence.body.contains("Medical necessity letter, attested by Dr. Dora Example"));

    // The same form again, at the version reviewed before: the case moved on, so it is shown again
    // to review, and nothing is written.
    let stale = app.post_form(&attest, &dora, &fields);
    assert_eq!(stale.status, 422, "{}", stale.body);
    assert!(stale.body.contains("The case changed while you were reviewing"), "{}", stale.body);
    let body = serde_json::json!({ "name": "Dr. Dora Example", "credentials": "MD", "date": "2026-03-02",
        "statement": "Reviewed.", "version": version.parse::<i64>().unwrap() });
    let api_attest = format!("{api}/attestation");
    assert_eq!(app.post_json(&api_attest, &dora, &dora_csrf, &body).status, 409);
    assert_eq!(app.get(&attachments, &ana).json()["items"].as_array().unwrap().len(), 1);

    // Through the API at the current version; an attorney attests nothing.
    let current = app.get(&format!("/api/v1/cases/{id}"), &ana).json()["version"].clone();
    let body = serde_json::json!({ "name": "Dr. Dora Example", "credentials": "MD", "date": "2026-03-02",
        "statement": "Reviewed again.", "version": current });
    let by_api = app.post_json(&api_attest, &dora, &dora_csrf, &body);
    assert_eq!(by_api.status, 201, "{}", by_api.body);
    assert_eq!(by_api.json()["version"], current.as_i64().unwrap() + 1);
    let by_attorney = app.post_json(&api_attest, &ana, &csrf, &body);
    assert_eq!(by_attorney.status, 403);
    assert_eq!(app.get(&attest, &ana).status, 403);
}
