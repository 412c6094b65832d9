//! Snapshots of what operators read: `amparo deadlines --json` for the worked examples and across
//! stored cases, `amparo triage --json` in both languages, and the wording of refusals. Paths of
//! the test's scratch folders are redacted, and so are ids and versions (see `support::snapshots`).
//! The long commands' progress off a terminal (one line per stage) is snapshotted too.

use std::path::{Path, PathBuf};

use amparo_store::testing::TestDatabase;

use crate::support::snapshots::{import_at, redacted, snapshot_time, uuids_redacted};
use crate::support::{Outcome, Run, run, run_on};

amparo_store::on_both_backends!(deadlines_and_triage_across_stored_cases, progress_off_a_terminal);

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../amparo-domain/tests/data/examples-2027.1")
}

fn example(name: &str) -> String {
    examples().join(format!("{name}.json")).to_string_lossy().into_owned()
}

/// A refusal as the operator sees it: the exit code and standard error, with `dir` shown as `[dir]`.
fn refusal(outcome: &Outcome, dir: &Path) -> String {
    assert!(outcome.stdout.is_empty(), "a refusal prints nothing on standard output: {outcome:#?}");
    let stderr = outcome.stderr.replace(&*dir.to_string_lossy(), "[dir]");
    format!("exit code: {}\n{stderr}", outcome.code)
}

#[test]
fn deadlines_of_the_worked_examples() {
    let _redactions = redacted();
    for (name, today) in
        [("e1-regrant", "2026-02-01"), ("e2-rfe-mail", "2026-02-20"), ("e3-expired-adult", "2026-02-01")]
    {
        let args = ["deadlines", "--case-file", &example(name), "--today", today, "--json"];
        insta::assert_json_snapshot!(format!("deadlines_{name}"), run(&args).json());
    }
    let spanish = [
        "deadlines",
        "--case-file",
        &example("e2-rfe-mail"),
        "--today",
        "2026-02-20",
        "--json",
        "--language",
        "es",
    ];
    insta::assert_json_snapshot!("deadlines_e2-rfe-mail_spanish", run(&spanish).json());
}

/// A family whose mother acquired another status (her federal coverage is then not assessed), with a
/// grant whose I-94 recheck and re-parole target follow the organisation's settings.
const OTHER_STATUS_FAMILY: &str = r#"{"format":"amparo.case/1","case":{"reference":"POLICY-1","program":"humanitarian",
 "people":[{"key":"p1","role":"patient","given_name":"Nina","family_name":"Ejemplo","birth_date":"2019-04-02"},
           {"key":"m1","role":"parent","given_name":"Rosa","family_name":"Ejemplo","birth_date":"1990-05-05"}]},
 "events":[{"id":"g1","type":"parole_granted","on":"2026-01-05","valid_until":"2027-01-04"},
           {"id":"s1","type":"status_granted","on":"2026-01-20","persons":["m1"],"status":"tps"}]}"#;

#[test]
fn deadlines_under_a_policy_file() {
    let _redactions = redacted();
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("family.json");
    std::fs::write(&case, OTHER_STATUS_FAMILY).unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{ "i94_check_days": 14, "re_parole_lead_days": 120 }"#).unwrap();
    let (case, policy) = (case.to_string_lossy().into_owned(), policy.to_string_lossy().into_owned());
    let args = ["deadlines", "--case-file", &case, "--today", "2026-02-01", "--json"];
    let defaults = run(&args).json();
    let settled = run(&[&args[..], &["--policy", &policy]].concat()).json();
    let due = |value: &serde_json::Value, kind: &str| {
        let deadlines = value["deadlines"].as_array().unwrap();
        deadlines.iter().find(|d| d["kind"] == kind).map(|d| d["due"].clone()).unwrap()
    };
    // The defaults (30 days, 90 days) and the file's (14, 120) give other dates; 14 days after the
    // grant is Martin Luther King Jr. Day, so the check moves back to the Friday before.
    assert_eq!(due(&defaults, "i94_recheck_by"), "2026-02-04");
    assert_eq!(due(&settled, "i94_recheck_by"), "2026-01-16");
    assert_ne!(due(&defaults, "re_parole_file_by"), due(&settled, "re_parole_file_by"));
    insta::assert_json_snapshot!("deadlines_under_a_policy_file", settled);
}

#[test]
fn refusals_of_policy_files_name_the_key() {
    let _redactions = redacted();
    let dir = tempfile::tempdir().unwrap();
    let policy = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let cases = [
        ("refused_policy_unknown_key", policy("misspelt.json", r#"{ "i94_check_day": 14 }"#)),
        ("refused_policy_out_of_bounds", policy("bounds.json", r#"{ "i94_check_days": 400 }"#)),
        ("refused_policy_wrong_type", policy("type.json", r#"{ "closure_days": ["2026-02-30"] }"#)),
        ("refused_policy_not_an_object", policy("list.json", "[14]")),
        ("refused_policy_missing_file", dir.path().join("missing.json").to_string_lossy().into_owned()),
    ];
    for (name, path) in cases {
        let args = ["deadlines", "--case-file", &example("e1-regrant"), "--policy", &path, "--json"];
        let outcome = Run::new(&args).cwd(dir.path()).outcome();
        assert_eq!(outcome.code, 2, "{name}: {outcome:#?}");
        insta::assert_snapshot!(name, refusal(&outcome, dir.path()));
    }
}

fn deadlines_and_triage_across_stored_cases(db: &TestDatabase) {
    let _redactions = redacted();
    let files = ["e1-regrant", "e2-rfe-mail", "e3-expired-adult"].map(example);
    import_at(db, "demo", &files, snapshot_time());

    let due = run_on(db, &["deadlines", "--due-within", "120", "--today", "2026-03-02", "--json"]).json();
    insta::assert_json_snapshot!("deadlines_due_within_120_days", uuids_redacted(&due));
    let board = run_on(db, &["triage", "--json", "--today", "2026-03-02"]).json();
    insta::assert_json_snapshot!("triage_board", uuids_redacted(&board));
    let spanish =
        run_on(db, &["triage", "--json", "--language", "es", "--critical", "--today", "2026-03-02"]).json();
    insta::assert_json_snapshot!("triage_board_critical_spanish", uuids_redacted(&spanish));

    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("refused_triage_language", &["triage", "--language", "fr"][..]),
        ("refused_triage_programme", &["triage", "--program", "tps"][..]),
        ("refused_unknown_organisation", &["triage", "--org", "nowhere"][..]),
        ("refused_taken_slug", &["org", "add", "demo", "--name", "Demo again"][..]),
        ("refused_unknown_deadline_kind", &["deadlines", "--due-within", "5", "--kind", "bogus"][..]),
    ] {
        insta::assert_snapshot!(name, refusal(&run_on(db, args), dir.path()));
    }
}

/// Off a terminal (as here, where standard error is a pipe), each stage of a long command writes one
/// line on standard error when it is done, and standard output keeps the result alone.
fn progress_off_a_terminal(db: &TestDatabase) {
    let _redactions = redacted();
    let files = ["e1-regrant", "e2-rfe-mail", "e3-expired-adult"].map(example);
    let out = tempfile::tempdir().unwrap();
    let export_dir = out.path().join("export");
    let export_dir = export_dir.to_str().unwrap();
    let mut lines = String::new();
    let steps: [(&str, Vec<&str>); 4] = [
        ("org add demo", vec!["org", "add", "demo", "--name", "Demo"]),
        (
            "import (3 files)",
            [&["import"][..], &files.iter().map(String::as_str).collect::<Vec<_>>()].concat(),
        ),
        ("export --dir", vec!["export", "--dir", export_dir]),
        ("org policy --re-parole-lead-days 100", vec!["org", "policy", "--re-parole-lead-days", "100"]),
    ];
    for (shown, args) in &steps {
        let outcome = run_on(db, args);
        assert_eq!(outcome.code, 0, "{outcome:#?}");
        assert!(!outcome.stdout.contains(": done"), "progress stays off standard output: {outcome:#?}");
        lines.push_str(&format!("$ amparo {shown}\n{}", outcome.stderr));
    }
    insta::assert_snapshot!("progress_off_a_terminal", lines);
}

#[test]
fn refusals_of_files_and_flags() {
    let _redactions = redacted();
    let dir = tempfile::tempdir().unwrap();
    let bad_case = dir.path().join("bad.json");
    std::fs::write(
        &bad_case,
        r#"{"format":"amparo.case/1","case":{"reference":"X","people":[{"key":"p1","role":"patient","given_name":"A","family_name":"B"}]},"events":[{"id":"e1","type":"parole_granted","on":"2026-01-01","valid_until":"2026-13-01"}]}"#,
    )
    .unwrap();
    let bad_case = bad_case.to_string_lossy().into_owned();
    let misspelt = dir.path().join("amparo.toml");
    std::fs::write(&misspelt, "bind = \"127.0.0.1:8080\"\ndatabse_url = \"x\"\n").unwrap();
    let misspelt = misspelt.to_string_lossy().into_owned();
    let missing = dir.path().join("missing.toml").to_string_lossy().into_owned();
    for (name, args) in [
        ("refused_case_file_date", &["deadlines", "--case-file", &bad_case, "--today", "2026-02-01"][..]),
        (
            "refused_today_not_a_date",
            &["deadlines", "--case-file", &example("e1-regrant"), "--today", "tomorrow"][..],
        ),
        (
            "refused_deadlines_language",
            &["deadlines", "--case-file", &example("e1-regrant"), "--language", "fr"][..],
        ),
        ("refused_config_unknown_key", &["--config", &misspelt, "org", "list"][..]),
        ("refused_config_missing_file", &["--config", &missing, "org", "list"][..]),
    ] {
        let outcome = Run::new(args).cwd(dir.path()).outcome();
        insta::assert_snapshot!(name, refusal(&outcome, dir.path()));
    }
}
