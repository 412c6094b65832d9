//! Attachments kept in S3-compatible storage, on both backends, against a real S3 server
//! (`moto_server`, started by each test on a free port) and checked from outside with boto3
//! (`tests/support/s3_bucket.py`): a file comes back byte for byte from the bucket under its prefix;
//! no object of the bucket holds an uploaded byte in clear; a key rotation re-seals the objects in
//! the bucket so the new key alone reads them.

use std::io::Read;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use amparo_domain::CaseFile;
use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::sealing::contains;
use crate::support::{new_user, now, org};

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support");
/// A marker that must never be found in clear in the bucket.
const MARKER: &str = "AMPARO-S3-MARKER-41d7b2";
const BUCKET: &str = "amparo-attachments";
const PREFIX: &str = "clinic/prod";

/// Whether moto's server and boto3 are installed; under CI their absence fails the run.
fn moto_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import moto.server, boto3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but python3 lacks moto's server (pip install 'moto[server]')");
        }
        eprintln!("S3 test skipped: pip install 'moto[server]'");
    }
    ok
}

/// A local S3 server with one empty bucket, stopped when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl S3Server {
    fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server runs");
        let server = S3Server { child, endpoint: format!("http://127.0.0.1:{port}") };
        // Up when it accepts a connection; it takes a second or two to import.
        let address = format!("127.0.0.1:{port}");
        let up = (0..200).any(|_| {
            TcpStream::connect(&address).is_ok() || {
                std::thread::sleep(Duration::from_millis(100));
                false
            }
        });
        assert!(up, "moto_server did not start on {address}");
        server.bucket(&["create"]);
        server
    }

    fn bucket(&self, command: &[&str]) -> String {
        let out = Command::new("python3")
            .arg(format!("{SUPPORT}/s3_bucket.py"))
            .arg(command[0])
            .args([self.endpoint.as_str(), BUCKET])
            .args(&command[1..])
            .output()
            .unwrap();
        assert!(out.status.success(), "s3_bucket.py {command:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Every object of the bucket, listed and fetched by boto3.
    fn objects(&self) -> Vec<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let count: usize = self.bucket(&["dump", dir.path().to_str().unwrap()]).trim().parse().unwrap();
        let mut objects: Vec<Vec<u8>> = (0..count)
            .map(|i| {
                let mut bytes = Vec::new();
                std::fs::File::open(dir.path().join(format!("object-{i}")))
                    .unwrap()
                    .read_to_end(&mut bytes)
                    .unwrap();
                bytes
            })
            .collect();
        objects.sort();
        objects
    }

    fn settings(&self) -> S3Settings {
        S3Settings {
            endpoint: Some(self.endpoint.clone()),
            region: Some("us-east-1".into()),
            access_key_id: Some("testing".into()),
            secret_access_key: Some("testing".into()),
            allow_http: Some(true),
        }
    }

    /// The test database opened again with its attachments in the bucket, keys read as `sealer` says.
    fn store(&self, db: &TestDatabase, sealer: Sealer) -> Arc<Store> {
        let options = DatabaseOptions {
            attachments_url: Some(format!("s3://{BUCKET}/{PREFIX}")),
            attachments_s3: self.settings(),
            ..DatabaseOptions::default()
        };
        open_with_options(&db.url, Rules::builtin().unwrap(), sealer, &options).unwrap()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A case with its attorney, in a store keeping its files in the bucket.
struct Team {
    store: Arc<Store>,
    case: CaseId,
    attorney: Actor,
}

fn team(db: &TestDatabase, s3: &S3Server) -> Team {
    let store = s3.store(db, Sealer::from_file(db.key_file()).unwrap());
    let org = org(&store, "s3");
    let attorney = Actor::of(
        &store.create_user(&org, &new_user("attorney@example.org", UserRole::Attorney), now()).unwrap(),
    );
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "S3-1",
            "program": "humanitarian",
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }]
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }]
    })
    .to_string();
    let file = CaseFile::parse(&text).unwrap().0;
    let case = store.import_cases(&org, &[file], None, now()).unwrap().remove(0);
    Team { store, case, attorney }
}

/// A PDF of a few sealed chunks, each holding the marker.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < 2 * amparo_trust::stream::CHUNK_LEN + 777 {
        bytes.extend_from_slice(format!("% {MARKER} line {}\n", bytes.len()).as_bytes());
    }
    bytes
}

fn notice(bytes: Vec<u8>) -> NewAttachment {
    NewAttachment {
        details: AttachmentDetails {
            kind: AttachmentKind::Notice,
            title: format!("Notice {MARKER}"),
            dated: Some("2026-01-15".parse().unwrap()),
            event: None,
            person: None,
            file_name: Some("notice.pdf".into()),
        },
        bytes,
    }
}

amparo_store::on_both_backends!(
    a_file_comes_back_byte_for_byte_from_the_bucket,
    no_object_in_the_bucket_holds_an_uploaded_byte_in_clear,
    a_key_rotation_reseals_the_objects_in_the_bucket,
);

fn a_file_comes_back_byte_for_byte_from_the_bucket(db: &TestDatabase) {
    if !moto_ready() {
        return;
    }
    let s3 = S3Server::start();
    let t = team(db, &s3);
    let added = t.store.add_attachment_as(&t.attorney, &t.case, &notice(pdf()), now()).unwrap();
    let file = t.store.attachment_file_as(&t.attorney, &t.case, &added.id, "download", now()).unwrap();
    assert_eq!(file.bytes, pdf());
    assert_eq!(s3.objects().len(), 1, "one object in the bucket");
    // The object sits under the configured prefix: the store lists it there.
    let objects = Objects::open(&format!("s3://{BUCKET}/{PREFIX}"), &s3.settings()).unwrap();
    let keys = objects.keys("").unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].ends_with(&format!("{}/{}", t.case.as_str(), added.id)), "{keys:?}");
    assert_eq!(objects.describe(), format!("s3://{BUCKET}/{PREFIX}"));
    let elsewhere = Objects::open(&format!("s3://{BUCKET}/another"), &s3.settings()).unwrap();
    assert!(elsewhere.keys("").unwrap().is_empty(), "nothing outside the prefix");
}

fn no_object_in_the_bucket_holds_an_uploaded_byte_in_clear(db: &TestDatabase) {
    if !moto_ready() {
        return;
    }
    let s3 = S3Server::start();
    let t = team(db, &s3);
    for _ in 0..2 {
        t.store.add_attachment_as(&t.attorney, &t.case, &notice(pdf()), now()).unwrap();
    }
    let objects = s3.objects();
    assert_eq!(objects.len(), 2);
    for object in &objects {
        assert!(object.len() > pdf().len(), "a sealed object is longer than its file");
        assert!(!contains(object, MARKER), "the marker is in an object of the bucket in clear");
        assert!(!contains(object, "%PDF"), "the file's header is in the bucket in clear");
    }
}

fn a_key_rotation_reseals_the_objects_in_the_bucket(db: &TestDatabase) {
    if !moto_ready() {
        return;
    }
    let s3 = S3Server::start();
    let t = team(db, &s3);
    let added = t.store.add_attachment_as(&t.attorney, &t.case, &notice(pdf()), now()).unwrap();
    let before = s3.objects();
    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(t.store.reload_keys().unwrap());
    let rewritten = t.store.reseal().unwrap();
    assert!(rewritten >= 2, "the title row and the object: {rewritten}");
    assert_eq!(t.store.reseal().unwrap(), 0, "a second pass finds nothing left");
    let after = s3.objects();
    assert_eq!(after.len(), 1, "the object is replaced, not copied");
    assert_ne!(after, before, "the object in the bucket was sealed anew");
    t.store.renew_key_canary().unwrap();
    // The new key alone opens the file in the bucket.
    let only_new = Sealer::from_text(rotated.current().to_line().expose()).unwrap();
    let reopened = s3.store(db, only_new);
    let listed = reopened.case_attachments_for_page(&t.attorney, &t.case).unwrap();
    assert_eq!(listed[0].title, format!("Notice {MARKER}"));
    let file = t.store.attachment_file_as(&t.attorney, &t.case, &added.id, "view", now()).unwrap();
    assert_eq!(file.bytes, pdf());
    let in_folder = std::fs::read_dir(db.attachments_dir()).map_or(0, |entries| entries.count());
    assert_eq!(in_folder, 0, "nothing went to the attachments folder");
}
