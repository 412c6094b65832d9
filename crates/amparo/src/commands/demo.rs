//! `amparo demo`: a fictional organisation, served at once.

use amparo_domain::org::UserRole;
use amparo_domain::{Date, Language};
use amparo_store::{NewOrganisation, NewUser};

use super::{now, open_store};
use crate::commands::admin::generate_password;
use crate::config::Settings;
use crate::demo_data;
use crate::error::{CliError, CliResult};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_ADMIN: &str = "admin@demo.example.org";
pub const DEMO_ATTORNEY: &str = "attorney@demo.example.org";

/// The demo's staff: an admin and one person for each role a case is worked in.
const DEMO_STAFF: &[(&str, &str, UserRole, Language)] = &[
    (DEMO_ADMIN, "Demo Admin", UserRole::Admin, Language::En),
    (DEMO_ATTORNEY, "Ana Abogada (demo attorney)", UserRole::Attorney, Language::En),
    ("advocate@demo.example.org", "Pat Paralegal (demo advocate)", UserRole::Advocate, Language::Es),
    ("clinician@demo.example.org", "Sam Social Worker (demo clinician)", UserRole::Clinician, Language::En),
];

/// How many demo cases get staff assigned; a large benchmark organisation leaves the rest unassigned.
const ASSIGNED_CASES: usize = 200;

/// Assigns the demo staff to the first cases, leaving every fifth without an attorney so that the
/// board shows that gap too.
fn assign_staff(
    store: &amparo_store::Store,
    org: &amparo_store::OrgId,
    staff: &[(UserRole, amparo_store::UserId)],
) -> CliResult {
    let cases = store.case_references(org)?;
    for (n, (case, _)) in cases.iter().take(ASSIGNED_CASES).enumerate() {
        for (role, user) in staff.iter().filter(|(role, _)| *role != UserRole::Admin) {
            if *role == UserRole::Attorney && n % 5 == 4 {
                continue;
            }
            store.assign(org, case, *role, Some(user), now())?;
        }
    }
    Ok(())
}

/// The organisations after the first (`--orgs`), made once each, with the same number of cases from
/// seeds of their own, so that a database holds many tenants as a large deployment's does.
fn add_organisations(store: &amparo_store::Store, options: &DemoOptions, today: Date) -> CliResult {
    let known: Vec<String> = store.organisations()?.into_iter().map(|o| o.slug).collect();
    for n in 2..=options.orgs {
        let slug = format!("{DEMO_SLUG}-{n}");
        if known.contains(&slug) {
            continue;
        }
        let name = format!("Demo Legal Aid {n} (fictional)");
        let org = store.create_organisation(&NewOrganisation { slug, name }, now())?;
        let started = std::time::Instant::now();
        let cases = demo_data::generate(options.seed + u64::from(n) - 1, options.cases, today);
        store.import_cases(&org.id, &cases, None, now())?;
        say!(
            "created {} fictional cases in {} in {:.1}s",
            cases.len(),
            org.slug,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub struct DemoOptions {
    pub database: String,
    pub bind: String,
    pub cases: usize,
    /// Organisations to make: the demo's own, then `demo-2`, `demo-3`… with cases of their own.
    pub orgs: u16,
    pub seed: u64,
    pub today: Option<String>,
    pub serve: bool,
}

pub fn run(settings: &Settings, options: &DemoOptions) -> CliResult {
    let today = match &options.today {
        Some(text) => text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}")))?,
        None => Date::from(now().date_naive()),
    };
    let store = open_store(settings, &options.database)?;
    let existing = store.organisations()?.into_iter().find(|o| o.slug == DEMO_SLUG);
    let created = existing.is_none();
    let org = match existing {
        Some(org) => {
            say!("reusing the demo organisation in {}", options.database);
            org
        }
        None => {
            let org = store.create_organisation(
                &NewOrganisation { slug: DEMO_SLUG.into(), name: "Demo Legal Aid (fictional)".into() },
                now(),
            )?;
            let started = std::time::Instant::now();
            let cases = demo_data::generate(options.seed, options.cases, today);
            store.import_cases(&org.id, &cases, None, now())?;
            say!("created {} fictional cases in {:.1}s", cases.len(), started.elapsed().as_secs_f64());
            org
        }
    };
    // A fresh one-time password each start: the demo prints it, so it must not outlive the run.
    let password = generate_password()?;
    let hash = amparo_web::hash_password(&password).map_err(CliError::Failed)?;
    let mut staff = Vec::new();
    for (email, name, role, language) in DEMO_STAFF {
        let id = match store.credentials_by_email(email)? {
            Some(credentials) => {
                store.set_password(&org.id, &credentials.user.id, &hash)?;
                credentials.user.id
            }
            None => {
                let user = NewUser {
                    email: (*email).into(),
                    display_name: (*name).into(),
                    role: *role,
                    language: *language,
                    password_hash: hash.clone(),
                };
                store.create_user(&org.id, &user, now())?.id
            }
        };
        staff.push((*role, id));
    }
    if created {
        assign_staff(&store, &org.id, &staff)?;
    }
    add_organisations(&store, options, today)?;
    let others: Vec<&str> = DEMO_STAFF.iter().skip(2).map(|(email, ..)| *email).collect();
    // The attorney comes first: administrators must set up an authenticator app before anything else,
    // which is right for an administrator and too much to ask of a first look.
    let banner = format!(
        "Amparo demo — sign in as {DEMO_ATTORNEY} with the one-time password {password}\n\
         (the same password works for {}, and for {DEMO_ADMIN}, who sets up an authenticator app first)",
        others.join(", ")
    );
    if options.serve {
        super::serve::serve_store(
            store,
            &options.bind,
            false,
            Some(banner),
            &settings.notify,
            &settings.trusted_proxies.value,
            &super::serve::Watch::of(settings)?,
        )
    } else {
        say!("{banner}");
        Ok(())
    }
}
