//! `amparo org …` and `amparo user …`.

use amparo_domain::Language;
use amparo_domain::org::validate_slug;
use amparo_domain::policy::PolicyError;
use amparo_store::{NewOrganisation, NewUser, parse_role};
use clap::Subcommand;

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{DatabaseArgs, OrgArgs};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organisation.
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Short name used in commands: lower-case letters, digits and '-'.
        slug: String,
        /// The organisation's full name.
        #[arg(long)]
        name: String,
    },
    /// List organisations.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Show the organisation's policy, or change it (every case is then re-derived).
    Policy {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// Days before parole ends by which re-parole should be filed (default 90).
        #[arg(long, value_name = "DAYS")]
        re_parole_lead_days: Option<u32>,
        /// Days after a clinician's attestation by which it should be refreshed (default 180).
        #[arg(long, value_name = "DAYS")]
        medical_refresh_days: Option<u32>,
        /// A case is critical-care at or below this many days to critical harm (default 7).
        #[arg(long, value_name = "DAYS")]
        critical_care_threshold_days: Option<u32>,
        /// Days after a grant or the last I-94 check by which to look at the online I-94 again
        /// (default 30, from 1 to 365).
        #[arg(long, value_name = "DAYS")]
        i94_check_days: Option<u32>,
        /// A day the office is closed (repeatable); internal targets move back past it.
        #[arg(long, value_name = "YYYY-MM-DD")]
        closure_day: Vec<String>,
        /// Remove every closure day before adding those given.
        #[arg(long)]
        clear_closure_days: bool,
        /// Days before each deadline on which reminders go out, e.g. 90,60,30,14,7,1,0 (0: the day itself).
        #[arg(long, value_name = "DAYS", value_delimiter = ',')]
        reminder_days: Option<Vec<u32>>,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account. Prints a generated one-time password unless --password-stdin is given.
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        email: String,
        /// The name shown to colleagues.
        #[arg(long)]
        name: String,
        /// admin, attorney, advocate, clinician or viewer.
        #[arg(long)]
        role: String,
        /// en or es.
        #[arg(long, default_value = "en")]
        language: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a person's second factor (a lost phone, or the only administrator locked out): their
    /// sessions end, and they set up a new one at their next sign-in if one is required of them.
    ResetSecondFactor {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
    },
    /// Deactivate a person (they left, or their account is not safe): their sessions end and their
    /// calendar feeds are revoked at once, and sign-in refuses them. The organisation's last active
    /// administrator cannot be deactivated.
    Deactivate {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
    },
}

pub fn org(command: OrgCommand, settings: &Settings) -> CliResult {
    match command {
        OrgCommand::Add { db, slug, name } => {
            validate_slug(&slug).map_err(|e| CliError::Invalid(format!("slug: {e}")))?;
            if name.trim().is_empty() {
                return Err(CliError::Invalid("--name: must not be empty".into()));
            }
            let store = open_store(settings, &settings.database(db.database))?;
            let org =
                store.create_organisation(&NewOrganisation { slug, name: name.trim().to_owned() }, now())?;
            say!("created organisation {} ({})", org.slug, org.name);
            Ok(())
        }
        OrgCommand::Policy {
            db,
            org,
            re_parole_lead_days,
            medical_refresh_days,
            critical_care_threshold_days,
            i94_check_days,
            closure_day,
            clear_closure_days,
            reminder_days,
        } => {
            let closures = closure_day
                .iter()
                .map(|d| d.parse().map_err(|e| CliError::Invalid(format!("--closure-day: {e}"))))
                .collect::<CliResult<Vec<amparo_domain::Date>>>()?;
            let store = open_store(settings, &settings.database(db.database))?;
            let organisation = resolve_org(&store, org.org.as_deref())?;
            let mut policy = store.policy(&organisation.id)?;
            let before = policy.clone();
            if let Some(days) = re_parole_lead_days {
                policy.re_parole_lead_days = days;
            }
            if let Some(days) = medical_refresh_days {
                policy.medical_refresh_days = days;
            }
            if let Some(days) = critical_care_threshold_days {
                policy.critical_care_threshold_days = days;
            }
            if let Some(days) = i94_check_days {
                policy.i94_check_days = days;
            }
            if clear_closure_days {
                policy.closure_days.clear();
            }
            policy.closure_days.extend(closures);
            policy.closure_days.sort();
            policy.closure_days.dedup();
            if let Some(days) = reminder_days {
                policy.reminder_days = days;
                policy.reminder_days = policy
                    .reminder_offsets()
                    .map_err(|e| CliError::Invalid(format!("--{}", e.replace('_', "-"))))?;
            }
            if let Err(error) = policy.validate() {
                let flag = match error {
                    PolicyError::I94CheckDays { .. } => "--i94-check-days",
                    PolicyError::ReminderTooFar(_) => "--reminder-days",
                };
                return Err(CliError::Invalid(format!("{flag}: {error}")));
            }
            if policy != before {
                let what = format!("re-deriving the cases of {}", organisation.slug);
                let stage = super::progress::Stage::uncounted("org policy", &what);
                let count = store.set_policy(&organisation.id, &policy, now())?;
                stage.done();
                eprintln!("policy of {} changed; {count} cases re-derived", organisation.slug);
            }
            let text = serde_json::to_string_pretty(&policy).map_err(|e| CliError::Failed(e.to_string()))?;
            say!("{text}");
            Ok(())
        }
        OrgCommand::List { db } => {
            let store = open_store(settings, &settings.database(db.database))?;
            for org in store.organisations()? {
                say!("{}\t{}", org.slug, org.name);
            }
            Ok(())
        }
    }
}

pub fn user(command: UserCommand, settings: &Settings) -> CliResult {
    match command {
        UserCommand::Add { db, org, email, name, role, language, password_stdin } => {
            let role = parse_role(&role).map_err(|e| CliError::Invalid(format!("--{e}")))?;
            let language = Language::parse(&language)
                .ok_or_else(|| CliError::Invalid(format!("--language: {language:?} is not en or es")))?;
            let email = normalise_email(&email)?;
            if name.trim().is_empty() {
                return Err(CliError::Invalid("--name: must not be empty".into()));
            }
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| CliError::Failed(format!("standard input: {e}")))?;
                let password = line.trim_end_matches(['\r', '\n']).to_owned();
                check_password(&password, &email)?;
                (password, false)
            } else {
                (generate_password()?, true)
            };
            let password_hash = amparo_web::hash_password(&password).map_err(CliError::Failed)?;
            let store = open_store(settings, &settings.database(db.database))?;
            let organisation = resolve_org(&store, org.org.as_deref())?;
            let new = NewUser { email, display_name: name.trim().to_owned(), role, language, password_hash };
            let user = store.create_user(&organisation.id, &new, now())?;
            say!("created {} {} in {}", user.role.as_str(), user.email, organisation.slug);
            if generated {
                say!("one-time password: {password}");
            }
            Ok(())
        }
        UserCommand::ResetSecondFactor { db, email } => {
            let email = normalise_email(&email)?;
            let store = open_store(settings, &settings.database(db.database))?;
            let user = store
                .credentials_by_email(&email)?
                .ok_or_else(|| CliError::Invalid(format!("--email: no user has the email {email:?}")))?
                .user;
            if store.remove_second_factor(&user.org_id, &user.id, None, now())? {
                say!("removed the second factor of {email}; their sessions have ended");
            } else {
                say!("{email} had no second factor; their sessions have ended");
            }
            Ok(())
        }
        UserCommand::Deactivate { db, email } => {
            let email = normalise_email(&email)?;
            let store = open_store(settings, &settings.database(db.database))?;
            let user = store
                .credentials_by_email(&email)?
                .ok_or_else(|| CliError::Invalid(format!("--email: no active user has the email {email:?}")))?
                .user;
            let done = store.deactivate_user(&user.org_id, &user.id, now())?;
            say!(
                "deactivated {email} (sessions ended: {}, calendar feeds revoked: {})",
                done.sessions_ended,
                done.feeds_revoked
            );
            Ok(())
        }
    }
}

pub fn normalise_email(email: &str) -> CliResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(CliError::Invalid(format!("--email: not an email address: {email:?}")))
    }
}

/// NIST SP 800-63B: length, not composition; no common, breached-looking or context-derived passwords.
fn check_password(password: &str, email: &str) -> CliResult {
    use amparo_trust::password_policy::{PasswordContext, check};
    check(password, &PasswordContext::new(false).with_email(email))
        .map_err(|e| CliError::Invalid(format!("password: {e}")))
}

/// Twenty characters from an alphabet without look-alikes: about 110 bits.
pub fn generate_password() -> CliResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| CliError::Failed(format!("random password: {e}")))?;
    // 256 is not a multiple of 54; the slight bias this leaves is irrelevant at 110 bits.
    Ok(bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect())
}
