//! `amparo triage` and `amparo demo` through the real binary.

use amparo_store::testing::TestDatabase;

use crate::support::{Run, run, run_on, stdout_of};

fn case(reference: &str, days_to_harm: u32, terminated: bool) -> String {
    let mut events = vec![serde_json::json!(
        { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" })];
    if terminated {
        events.push(serde_json::json!(
            { "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" }));
    }
    serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days_to_harm }
        },
        "events": events
    })
    .to_string()
}

fn board_ranks_and_explains(db: &TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    let mut files = Vec::new();
    for (reference, days, terminated) in [("CALM", 90, false), ("CRIT-TERM", 3, true), ("TERM", 90, true)] {
        let path = dir.path().join(format!("{reference}.json"));
        std::fs::write(&path, case(reference, days, terminated)).unwrap();
        files.push(path.to_string_lossy().into_owned());
    }
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    stdout_of(&run_on(db, &import));

    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["triage", "--json", "--today", "2026-03-01"])))
            .unwrap();
    let order: Vec<&str> =
        json["cases"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
    assert_eq!(order, ["CRIT-TERM", "TERM", "CALM"]);
    assert_eq!(json["total"], 3);
    assert_eq!(json["cases"][0]["critical_care"], true);
    assert_eq!(json["cases"][0]["open_escalations"], 1);

    let critical = stdout_of(&run_on(db, &["triage", "--critical", "--today", "2026-03-01"]));
    assert!(
        critical.contains("1 open cases") && critical.contains("CRIT-TERM") && !critical.contains("CALM")
    );
    assert!(critical.contains("patient critical"), "{critical}");
    let spanish =
        stdout_of(&run_on(db, &["triage", "--critical", "--language", "es", "--today", "2026-03-01"]));
    assert!(spanish.contains("paciente en estado crítico"), "{spanish}");
    assert!(spanish.contains("aviso de terminación"), "{spanish}");

    for (args, field) in [
        (&["triage", "--program", "tps"][..], "--program"),
        (&["triage", "--language", "fr"][..], "--language"),
        (&["triage", "--assigned-to", "nobody@example.org"][..], "--assigned-to"),
        (&["triage", "--limit", "0"][..], "--limit"),
    ] {
        let refused = run_on(db, args);
        assert_eq!(Some(refused.code), Some(2), "{args:?}");
        assert!(refused.stderr.as_str().contains(field), "{args:?}");
    }
}

amparo_store::on_both_backends!(board_ranks_and_explains);

#[test]
fn the_demo_is_created_once_staffed_and_escalated() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("demo.db");
    let demo = |extra: &[&str]| {
        let mut args =
            vec!["demo", "--no-serve", "--today", "2026-11-23", "--database", database.to_str().unwrap()];
        args.extend(extra);
        run(&args).stdout()
    };
    let first = demo(&[]);
    assert!(first.contains("created 25 fictional cases"), "{first}");
    let password =
        first.split("one-time password ").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    assert_eq!(password.len(), 20);
    let again = demo(&[]);
    assert!(again.contains("reusing the demo organisation"), "{again}");
    assert!(!again.contains(&password), "every start prints a new one-time password");

    let json =
        run(&["triage", "--json", "--today", "2026-11-23", "--database", database.to_str().unwrap()]).json();
    let cases = json["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "most demo cases are open");
    assert_eq!(cases[0]["critical_care"], true, "a critical-care case tops the demo board");
    assert!(cases.iter().any(|c| c["open_escalations"].as_i64().unwrap() > 0), "the demo shows escalations");
    let mine = Run::new(&[
        "triage",
        "--json",
        "--assigned-to",
        "attorney@demo.example.org",
        "--today",
        "2026-11-23",
    ])
    .args(&["--database", database.to_str().unwrap()])
    .outcome()
    .json();
    let assigned = mine["total"].as_i64().unwrap();
    assert!(
        assigned > 0 && assigned < json["total"].as_i64().unwrap(),
        "some cases lack an attorney: {assigned}"
    );
}

#[test]
fn the_demo_makes_more_organisations_each_with_its_own_cases_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("demo.db");
    let db = database.to_str().unwrap();
    let demo = || {
        run(&["demo", "--no-serve", "--today", "2026-11-23", "--cases", "6", "--orgs", "3", "--database", db])
            .stdout()
    };
    let first = demo();
    assert!(first.contains("created 6 fictional cases in demo-2"), "{first}");
    assert!(first.contains("created 6 fictional cases in demo-3"), "{first}");
    let again = demo();
    assert!(!again.contains("created"), "each organisation is made once: {again}");
    for org in ["demo", "demo-2", "demo-3"] {
        let board =
            run(&["triage", "--json", "--today", "2026-11-23", "--org", org, "--database", db]).json();
        let total = board["total"].as_i64().unwrap();
        assert!((1..=6).contains(&total), "{org} has its own open cases: {total}");
    }
    let refused = run(&["demo", "--no-serve", "--orgs", "0", "--database", db]).stderr_of_failure();
    assert!(refused.contains("--orgs"), "{refused}");
}
