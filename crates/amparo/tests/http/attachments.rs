//! Attachments through the router in process, on both backends: an upload from the case page's form
//! and through the API comes back byte for byte when viewed and downloaded, served with a sandboxing
//! policy and `nosniff`; a refused file names why (its type read from its bytes, not its name); a
//! clinician sees only medical letters of the cases shared with them; another organisation's files
//! are not found; every read is audited; the case page lists files by kind and the timeline shows
//! each event's files.

use crate::support::site::{Request, Transport};
use crate::support::snapshots::{seed_at, snapshot_time};
use crate::support::{PASSWORD, Reply, RouterApp, add_user, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    a_file_uploaded_from_the_page_is_viewed_and_downloaded_unchanged,
    the_api_adds_lists_and_serves_files_and_names_what_it_refuses,
    clinicians_and_other_organisations_see_only_what_they_may,
);

const BOUNDARY: &str = "AmparoTestBoundary7MA4YWxkTrZu0gW";
const CONTENT_TYPE: &str = "multipart/form-data; boundary=AmparoTestBoundary7MA4YWxkTrZu0gW";
const MARKER: &str = "AMPARO-HTTP-ATTACHMENT-MARKER";

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    add_user(db, "clinic-a", "dr@a.example.org", "Dora Clinician", "clinician");
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

/// A small PDF (its text is ASCII, so it travels as a string) holding the marker.
fn pdf() -> String {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {MARKER}\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

/// A `multipart/form-data` body with these text fields and a file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str)>) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    if let Some((name, content)) = file {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

fn upload(app: &RouterApp, path: &str, session: (&str, &str), body: String) -> Reply {
    let headers = vec![("cookie", session.0), ("x-csrf-token", session.1)];
    app.transport.send(Request { method: "POST", path, headers, body: Some((CONTENT_TYPE, body)) })
}

fn audited(db: &TestDatabase, action: &str) -> usize {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let query = amparo_store::AuditQuery { action: Some(action.into()), limit: 100, ..Default::default() };
    store.audit_page(&org.id, &query).unwrap().entries.len()
}

fn a_file_uploaded_from_the_page_is_viewed_and_downloaded_unchanged(db: &TestDatabase) {
    let app = app(db);
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana.0, "A-1");
    let page = format!("/cases/{id}");
    let form_token = hidden_field(&app.get(&page, &ana.0).body, "csrf");
    let fields = [
        ("csrf", form_token.as_str()),
        ("kind", "notice"),
        ("title", "Termination notice"),
        ("dated", "2026-01-15"),
        ("event", "e2"),
        ("person", "m1"),
    ];
    // The page's form sends its token as a field, not a header.
    let headers = vec![("cookie", ana.0.as_str())];
    let body = multipart(&fields, Some(("Notificación.pdf", &pdf())));
    let sent = app.transport.send(Request {
        method: "POST",
        path: &format!("{page}/attachments"),
        headers,
        body: Some((CONTENT_TYPE, body)),
    });
    assert_eq!(sent.status, 303, "{}", sent.body);
    let location = sent.header("location").unwrap().to_owned();
    let attachment = location.rsplit("#attachment-").next().unwrap().to_owned();

    let shown = app.get(&page, &ana.0);
    assert!(shown.body.contains("Termination notice"), "the evidence list names the file");
    assert!(shown.body.contains(&format!("id=\"attachment-{attachment}\"")));
    assert!(
        shown.body.contains(&format!("href=\"#attachment-{attachment}\"")),
        "the timeline links the event's file"
    );

    let viewed = app.get(&format!("{page}/attachments/{attachment}"), &ana.0);
    assert_eq!(viewed.status, 200);
    assert_eq!(viewed.body, pdf(), "the same bytes come back");
    assert_eq!(viewed.header("content-type"), Some("application/pdf"));
    assert!(viewed.header("content-disposition").unwrap().starts_with("inline;"));
    assert!(viewed.header("content-security-policy").unwrap().starts_with("sandbox"));
    assert_eq!(viewed.header("x-content-type-options"), Some("nosniff"));
    let downloaded = app.get(&format!("{page}/attachments/{attachment}/download"), &ana.0);
    assert_eq!(downloaded.body, pdf());
    assert!(
        downloaded.header("content-disposition").unwrap().contains("filename*=UTF-8''Notificaci%C3%B3n.pdf")
    );
    assert_eq!(audited(db, "attachment.read"), 2, "each read is audited");

    // A refused file shows the page again, naming the file field, with the details kept.
    let form_token = hidden_field(&app.get(&page, &ana.0).body, "csrf");
    let fields = [("csrf", form_token.as_str()), ("kind", "notice"), ("title", "Kept title")];
    let headers = vec![("cookie", ana.0.as_str())];
    let body = multipart(&fields, Some(("notice.pdf", "MZ\u{0}\u{1} an executable named .pdf")));
    let refused = app.transport.send(Request {
        method: "POST",
        path: &format!("{page}/attachments"),
        headers,
        body: Some((CONTENT_TYPE, body)),
    });
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#attachment-file\""), "{}", refused.body);
    assert!(refused.body.contains("value=\"Kept title\""));
}

fn the_api_adds_lists_and_serves_files_and_names_what_it_refuses(db: &TestDatabase) {
    let app = app(db);
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana.0, "A-1");
    let api = format!("/api/v1/cases/{id}/attachments");
    let text = format!("Carta de la clínica. {MARKER}\n");
    let added = upload(
        &app,
        &api,
        (&ana.0, &ana.1),
        multipart(&[("kind", "evidence"), ("title", "Clinic letter")], Some(("letter.txt", &text))),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let added = added.json();
    assert_eq!(added["content_type"], "text/plain; charset=utf-8");
    assert_eq!(added["bytes"], text.len());
    let listed = app.get(&api, &ana.0).json();
    assert_eq!(listed["items"][0]["title"], "Clinic letter");
    let content = app.get(added["content"].as_str().unwrap(), &ana.0);
    assert_eq!(content.body, text);
    assert!(content.header("content-disposition").unwrap().starts_with("attachment;"));

    // Refusals name the field: the type is read from the bytes, whatever the name says.
    let refuse = |fields: &[(&str, &str)], file: Option<(&str, &str)>| {
        let reply = upload(&app, &api, (&ana.0, &ana.1), multipart(fields, file));
        (
            reply.status,
            reply.json()["field"].as_str().map(str::to_owned),
            reply.json()["problem"].as_str().map(str::to_owned),
        )
    };
    let base = [("kind", "notice"), ("title", "A notice")];
    assert_eq!(
        refuse(&base, Some(("notice.pdf", "\u{1}\u{2} binary"))),
        (422, Some("file".into()), Some("file-type-not-accepted".into()))
    );
    assert_eq!(refuse(&base, None), (422, Some("file".into()), Some("required".into())));
    assert_eq!(
        refuse(&[("kind", "passport"), ("title", "x")], Some(("a.pdf", &pdf()))).1,
        Some("kind".into())
    );
    assert_eq!(
        refuse(&[("kind", "notice"), ("title", "x"), ("event", "e9")], Some(("a.pdf", &pdf()))).1,
        Some("event".into())
    );
    // Without the token, nothing is written.
    let forged = upload(&app, &api, (&ana.0, "wrong"), multipart(&base, Some(("a.pdf", &pdf()))));
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(app.get(&api, &ana.0).json()["items"].as_array().map(Vec::len), Some(1));
}

fn clinicians_and_other_organisations_see_only_what_they_may(db: &TestDatabase) {
    let app = app(db);
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana.0, "A-1");
    let api = format!("/api/v1/cases/{id}/attachments");
    let notice = upload(
        &app,
        &api,
        (&ana.0, &ana.1),
        multipart(&[("kind", "notice"), ("title", "Notice")], Some(("n.pdf", &pdf()))),
    )
    .json();
    let letter = upload(
        &app,
        &api,
        (&ana.0, &ana.1),
        multipart(&[("kind", "medical_letter"), ("title", "Letter")], Some(("l.pdf", &pdf()))),
    )
    .json();

    let dr = app.sign_in("dr@a.example.org", PASSWORD);
    assert_eq!(app.get(&api, &dr.0).status, 404, "not shared yet");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let clinician =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap();
    let share = serde_json::json!({ "clinician": clinician.id.as_str(), "shared": true });
    assert_eq!(app.post_json(&format!("/api/v1/cases/{id}/shares"), &ana.0, &ana.1, &share).status, 200);
    let seen = app.get(&api, &dr.0).json();
    let titles: Vec<_> = seen["items"].as_array().unwrap().iter().map(|a| a["title"].clone()).collect();
    assert_eq!(titles, ["Letter"]);
    assert_eq!(app.get(notice["content"].as_str().unwrap(), &dr.0).status, 404);
    assert_eq!(app.get(letter["content"].as_str().unwrap(), &dr.0).status, 200);
    let legal = upload(
        &app,
        &api,
        (&dr.0, &dr.1),
        multipart(&[("kind", "notice"), ("title", "x")], Some(("a.pdf", &pdf()))),
    );
    assert_eq!(legal.status, 403, "a clinician adds only medical letters");

    // Another organisation's attorney finds nothing.
    let other = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get(&api, &other.0).status, 404);
    assert_eq!(app.get(notice["content"].as_str().unwrap(), &other.0).status, 404);
    assert_eq!(
        upload(
            &app,
            &api,
            (&other.0, &other.1),
            multipart(&[("kind", "notice"), ("title", "x")], Some(("a.pdf", &pdf())))
        )
        .status,
        404
    );
    assert!(!app.transport.log().contains(MARKER), "no file content reaches the log");
}
