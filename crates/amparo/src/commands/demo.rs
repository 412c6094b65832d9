//! `amparo demo`: a fictional organisation, served at once.

use amparo_domain::org::UserRole;
use amparo_domain::{Date, Language};
use amparo_store::{NewOrganisation, NewUser};

use super::{now, open_store};
use crate::commands::admin::generate_password;
use crate::demo_data;
use crate::error::{CliError, CliResult};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_ADMIN: &str = "admin@demo.example.org";

pub struct DemoOptions {
    pub database: String,
    pub bind: String,
    pub cases: usize,
    pub seed: u64,
    pub today: Option<String>,
    pub serve: bool,
}

pub fn run(options: &DemoOptions) -> CliResult {
    let today = match &options.today {
        Some(text) => text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}")))?,
        None => Date::from(now().date_naive()),
    };
    let store = open_store(&options.database)?;
    let existing = store.organisations()?.into_iter().find(|o| o.slug == DEMO_SLUG);
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
    match store.credentials_by_email(DEMO_ADMIN)? {
        Some(credentials) => store.set_password(&org.id, &credentials.user.id, &hash)?,
        None => {
            let admin = NewUser {
                email: DEMO_ADMIN.into(),
                display_name: "Demo Admin".into(),
                role: UserRole::Admin,
                language: Language::En,
                password_hash: hash,
            };
            store.create_user(&org.id, &admin, now())?;
        }
    }
    let banner = format!("Amparo demo — sign in as {DEMO_ADMIN} with the one-time password {password}");
    if options.serve {
        super::serve::serve_store(store, &options.bind, false, Some(banner))
    } else {
        say!("{banner}");
        Ok(())
    }
}
