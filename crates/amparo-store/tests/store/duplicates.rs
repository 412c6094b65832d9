//! Possible duplicates at intake, on both backends: the same A-number (through its blind index), or
//! the same name (accents and case aside) and birth date, found among the cases the acting person
//! sees, in another organisation never; a namesake born another day is not one.

use amparo_domain::CaseFile;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

fn file(reference: &str, patient: (&str, &str, &str), a_number: Option<&str>) -> CaseFile {
    let (given, family, birth_date) = patient;
    let mut person = serde_json::json!({ "key": "p1", "role": "patient", "given_name": given,
        "family_name": family, "birth_date": birth_date });
    if let Some(a) = a_number {
        person["a_number"] = serde_json::json!(a);
    }
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": { "reference": reference, "people": [person] },
        "events": []
    });
    CaseFile::parse(&text.to_string()).unwrap().0
}

amparo_store::on_both_backends!(
    possible_duplicates_are_found_by_a_number_or_name_and_birth_date_among_visible_cases
);

fn possible_duplicates_are_found_by_a_number_or_name_and_birth_date_among_visible_cases(db: &TestDatabase) {
    let store = db.store();
    let (here, elsewhere) = (org(&store, "here"), org(&store, "elsewhere"));
    let attorney =
        Actor::of(&store.create_user(&here, &new_user("a@here.example", UserRole::Attorney), now()).unwrap());
    let clinician = Actor::of(
        &store.create_user(&here, &new_user("c@here.example", UserRole::Clinician), now()).unwrap(),
    );
    let other = Actor::of(
        &store.create_user(&elsewhere, &new_user("a@else.example", UserRole::Attorney), now()).unwrap(),
    );
    let existing = [
        file("D-1", ("José", "Muñoz", "2019-05-04"), Some("A123456789")),
        file("D-2", ("José", "Muñoz", "2018-01-01"), None),
    ];
    let ids = store.import_cases(&here, &existing, None, now()).unwrap();

    let found = |actor: &Actor, file: &CaseFile| -> Vec<(String, Vec<DuplicateReason>)> {
        let list = store.possible_duplicates_as(actor, file, now()).unwrap();
        list.into_iter().map(|d| (d.reference, d.reasons)).collect()
    };
    let same_a_number = file("N-1", ("Pepe", "Otro", "2020-01-01"), Some("A123456789"));
    assert_eq!(
        found(&attorney, &same_a_number),
        [("D-1".to_owned(), vec![DuplicateReason::SameANumber { person: "Pepe Otro".into() }])]
    );
    let same_name = file("N-2", ("JOSE", "munoz", "2019-05-04"), None);
    assert_eq!(
        found(&attorney, &same_name),
        [("D-1".to_owned(), vec![DuplicateReason::SameNameAndBirthDate { person: "JOSE munoz".into() }])]
    );
    let both = file("N-3", ("José", "Muñoz", "2019-05-04"), Some("A123456789"));
    assert_eq!(found(&attorney, &both)[0].1.len(), 2, "both reasons on one case");
    assert!(found(&attorney, &file("N-4", ("José", "Muñoz", "2017-01-01"), None)).is_empty());
    assert!(found(&attorney, &file("N-5", ("José", "Muñiz", "2019-05-04"), None)).is_empty());
    assert!(found(&other, &both).is_empty(), "another organisation's cases are never looked at");
    assert!(found(&clinician, &both).is_empty(), "a clinician is told only of cases shared with them");
    store.set_case_shared_as(&attorney, &ids[0], &clinician.user, true, now()).unwrap();
    assert_eq!(found(&clinician, &both).len(), 1);
}
