//! `amparo org …` and `amparo user …`.

use amparo_domain::Language;
use amparo_domain::org::validate_slug;
use amparo_store::{NewOrganisation, NewUser, parse_role};
use clap::Subcommand;

use super::{now, open_store, resolve_org};
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
}

/// Shortest password accepted (NIST SP 800-63B asks for at least 15 without a second factor).
pub const MIN_PASSWORD_CHARS: usize = 15;

pub fn org(command: OrgCommand, database: &dyn Fn(DatabaseArgs) -> String) -> CliResult {
    match command {
        OrgCommand::Add { db, slug, name } => {
            validate_slug(&slug).map_err(|e| CliError::Invalid(format!("slug: {e}")))?;
            if name.trim().is_empty() {
                return Err(CliError::Invalid("--name: must not be empty".into()));
            }
            let store = open_store(&database(db))?;
            let org =
                store.create_organisation(&NewOrganisation { slug, name: name.trim().to_owned() }, now())?;
            println!("created organisation {} ({})", org.slug, org.name);
            Ok(())
        }
        OrgCommand::List { db } => {
            let store = open_store(&database(db))?;
            for org in store.organisations()? {
                println!("{}\t{}", org.slug, org.name);
            }
            Ok(())
        }
    }
}

pub fn user(command: UserCommand, database: &dyn Fn(DatabaseArgs) -> String) -> CliResult {
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
                check_password(&password)?;
                (password, false)
            } else {
                (generate_password()?, true)
            };
            let password_hash = amparo_web::hash_password(&password).map_err(CliError::Failed)?;
            let store = open_store(&database(db))?;
            let organisation = resolve_org(&*store, org.org.as_deref())?;
            let new = NewUser { email, display_name: name.trim().to_owned(), role, language, password_hash };
            let user = store.create_user(&organisation.id, &new, now())?;
            println!("created {} {} in {}", user.role.as_str(), user.email, organisation.slug);
            if generated {
                println!("one-time password: {password}");
            }
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

fn check_password(password: &str) -> CliResult {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CliError::Invalid(format!("password: at least {MIN_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// Twenty characters from an alphabet without look-alikes: about 110 bits.
pub fn generate_password() -> CliResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| CliError::Failed(format!("random password: {e}")))?;
    // 256 is not a multiple of 54; the slight bias this leaves is irrelevant at 110 bits.
    Ok(bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect())
}
