//! A failed scheduled backup tells every administrator of every organisation, once a day, and no
//! one else.

use amparo_domain::Language;
use amparo_domain::notice::NoticeKind;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{NewOrganisation, NewUser};
use chrono::{TimeZone, Utc};

amparo_store::on_both_backends!(administrators_are_told_of_a_failed_backup_once_a_day);

fn administrators_are_told_of_a_failed_backup_once_a_day(db: &TestDatabase) {
    let store = db.store();
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
    let mut people = Vec::new();
    for slug in ["clinic-a", "clinic-b"] {
        let org = store
            .create_organisation(&NewOrganisation { slug: slug.into(), name: slug.into() }, now)
            .unwrap();
        for (role, who) in [(UserRole::Admin, "admin"), (UserRole::Attorney, "attorney")] {
            let user = NewUser {
                email: format!("{who}@{slug}.example.org"),
                display_name: who.into(),
                role,
                language: Language::En,
                password_hash: "not used".into(),
            };
            people.push((org.id.clone(), store.create_user(&org.id, &user, now).unwrap().id, role));
        }
    }
    assert_eq!(store.record_backup_failure(now).unwrap(), 2, "one administrator in each organisation");
    assert_eq!(store.record_backup_failure(now).unwrap(), 0, "told once a day");
    for (org, user, role) in &people {
        let notices = store.notifications(org, user, 10).unwrap().items;
        match role {
            UserRole::Admin => {
                assert_eq!(notices.len(), 1);
                assert_eq!(notices[0].kind, NoticeKind::BackupFailed);
                assert_eq!(notices[0].facts.due, Some("2027-03-01".parse().unwrap()));
                assert_eq!(notices[0].case_id, None);
            }
            _ => assert!(notices.is_empty(), "only administrators are told"),
        }
    }
    let next_day = now + chrono::Duration::days(1);
    assert_eq!(store.record_backup_failure(next_day).unwrap(), 2, "told again the next day");
}
