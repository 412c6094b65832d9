//! Email over SMTP with `lettre`: the operator's settings, and a [`Mailer`] that sends one rendered
//! message with a Message-ID fixed by the notice, so a resent message is recognisably the same one.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::Deserialize;

/// How the connection to the mail server is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a test server.
    None,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// A secret that never prints.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The `[smtp]` section of the configuration file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFileSettings {
    pub host: String,
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    pub username: Option<String>,
    /// A file holding the password (a container secret, say); `AMPARO_SMTP_PASSWORD` overrides it.
    pub password_file: Option<PathBuf>,
    /// The sender, e.g. `Amparo <reminders@legal-aid.example.org>`.
    pub from: String,
    /// Seconds to wait for the server before an attempt counts as failed (default 30).
    pub timeout_seconds: Option<u64>,
    /// Seconds before the first retry of a failed attempt; each further retry waits twice as long
    /// (default 60).
    pub retry_seconds: Option<u64>,
    /// Seconds a worker holds a message it is sending before another may take it over (default 300).
    pub lease_seconds: Option<u64>,
    /// Attempts before a message is given up (default 10).
    pub max_attempts: Option<u32>,
    /// A PEM file of the authorities the relay's certificate is checked against, for a relay with
    /// a private authority; without it, the public authorities are used.
    pub ca_file: Option<PathBuf>,
}

/// Settings ready to connect with.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
    pub timeout: Duration,
    pub retry: Duration,
    pub lease: Duration,
    pub max_attempts: u32,
    /// The relay's private authorities (PEM, read from `ca_file`), trusted instead of the public ones.
    pub ca_pem: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("smtp.password_file {path}: {source}")]
    PasswordFile { path: String, source: std::io::Error },
    #[error("smtp.from: not an email address with an optional name ({0})")]
    From(String),
    #[error("smtp.host: {0}")]
    Host(String),
    #[error("smtp: a username needs a password (smtp.password_file or AMPARO_SMTP_PASSWORD)")]
    MissingPassword,
    #[error("smtp.ca_file {path}: {message}")]
    CaFile { path: String, message: String },
}

impl SmtpFileSettings {
    /// Resolves the password (from `password_env` if set, else the file) and checks the sender.
    pub fn resolve(self, password_env: Option<String>) -> Result<SmtpSettings, MailConfigError> {
        let password = match (password_env.filter(|p| !p.is_empty()), &self.password_file) {
            (Some(password), _) => Some(Secret(password)),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|source| MailConfigError::PasswordFile {
                    path: path.display().to_string(),
                    source,
                })?;
                Some(Secret(text.trim_end_matches(['\r', '\n']).to_owned()))
            }
            (None, None) => None,
        };
        if self.username.is_some() && password.is_none() {
            return Err(MailConfigError::MissingPassword);
        }
        self.from.parse::<Mailbox>().map_err(|e| MailConfigError::From(e.to_string()))?;
        if self.host.trim().is_empty() {
            return Err(MailConfigError::Host("give the mail server's host name".into()));
        }
        let ca_pem = match &self.ca_file {
            Some(path) => {
                let failed =
                    |message: String| MailConfigError::CaFile { path: path.display().to_string(), message };
                let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
                // A file without any certificate parses as an empty list: refused as well.
                let has_certificate = pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----");
                Certificate::from_pem(&pem)
                    .ok()
                    .filter(|_| has_certificate)
                    .ok_or_else(|| failed("not a PEM certificate".into()))?;
                Some(pem)
            }
            None => None,
        };
        Ok(SmtpSettings {
            ca_pem,
            port: self.port.unwrap_or(self.security.default_port()),
            host: self.host,
            security: self.security,
            username: self.username,
            password,
            from: self.from,
            timeout: Duration::from_secs(self.timeout_seconds.unwrap_or(30).max(1)),
            retry: Duration::from_secs(self.retry_seconds.unwrap_or(60).max(1)),
            lease: Duration::from_secs(self.lease_seconds.unwrap_or(300).max(1)),
            max_attempts: self.max_attempts.unwrap_or(10).max(1),
        })
    }
}

/// One message to one person.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    pub to: &'a str,
    /// Without angle brackets: `notification-id@domain`.
    pub message_id: String,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth another try later: the server is unreachable, busy, or dropped the connection.
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help: the address is refused or not an address.
    #[error("{0}")]
    Permanent(String),
}

/// Sends one message; `Ok` only once the server accepted it.
pub trait Mailer: Send + Sync {
    fn send(&self, message: &Outgoing) -> Result<(), SendError>;
}

/// The SMTP mailer.
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings) -> Result<SmtpMailer, MailConfigError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailConfigError::From(e.to_string()))?;
        let tls = || {
            let host = |e: lettre::transport::smtp::Error| MailConfigError::Host(e.to_string());
            match &settings.ca_pem {
                // Only the relay's own authorities: a public one could vouch for any name.
                Some(pem) => TlsParameters::builder(settings.host.clone())
                    .certificate_store(CertificateStore::None)
                    .add_root_certificate(Certificate::from_pem(pem).map_err(host)?)
                    .build()
                    .map_err(host),
                None => TlsParameters::new(settings.host.clone()).map_err(host),
            }
        };
        let mut builder = SmtpTransport::builder_dangerous(settings.host.as_str())
            .port(settings.port)
            .timeout(Some(settings.timeout));
        builder = match settings.security {
            Security::Starttls => builder.tls(Tls::Required(tls()?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
            Security::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        Ok(SmtpMailer { transport: builder.build(), from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, outgoing: &Outgoing) -> Result<(), SendError> {
        let to: Mailbox =
            outgoing.to.parse().map_err(|e| SendError::Permanent(format!("recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(outgoing.subject)
            .message_id(Some(format!("<{}>", outgoing.message_id)))
            .multipart(MultiPart::alternative_plain_html(outgoing.text.to_owned(), outgoing.html.to_owned()))
            .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            if e.is_permanent() {
                SendError::Permanent(e.to_string())
            } else {
                SendError::Transient(e.to_string())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_settings() -> SmtpFileSettings {
        SmtpFileSettings {
            host: "mail.example.org".into(),
            port: None,
            security: Security::Starttls,
            username: Some("amparo".into()),
            password_file: None,
            from: "Amparo <reminders@example.org>".into(),
            timeout_seconds: None,
            retry_seconds: None,
            lease_seconds: None,
            max_attempts: None,
            ca_file: None,
        }
    }

    #[test]
    fn finding_10_a_relay_with_a_private_authority_is_trusted_through_ca_file() {
        let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/relay-ca.pem");
        let settings =
            SmtpFileSettings { ca_file: Some(ca), ..file_settings() }.resolve(Some("x".into())).unwrap();
        assert!(settings.ca_pem.as_ref().is_some_and(|pem| pem.starts_with(b"-----BEGIN CERTIFICATE-----")));
        for security in [Security::Starttls, Security::Tls] {
            assert!(SmtpMailer::new(&SmtpSettings { security, ..settings.clone() }).is_ok());
        }

        let missing = SmtpFileSettings { ca_file: Some("/nonexistent/ca.pem".into()), ..file_settings() };
        let error = missing.resolve(Some("x".into())).unwrap_err().to_string();
        assert!(error.starts_with("smtp.ca_file /nonexistent/ca.pem:"), "{error}");
        let not_pem = std::env::temp_dir().join(format!("amparo-not-a-ca-{}.pem", std::process::id()));
        std::fs::write(&not_pem, "not a certificate").unwrap();
        let error = SmtpFileSettings { ca_file: Some(not_pem.clone()), ..file_settings() }
            .resolve(Some("x".into()))
            .unwrap_err()
            .to_string();
        std::fs::remove_file(&not_pem).unwrap();
        assert!(error.contains("not a PEM certificate"), "{error}");
    }

    #[test]
    fn the_password_comes_from_the_environment_or_a_file_and_never_prints() {
        let settings = file_settings().resolve(Some("hunter2-but-longer".into())).unwrap();
        assert_eq!(settings.port, 587);
        assert!(!format!("{settings:?}").contains("hunter2"));
        let dir = std::env::temp_dir().join(format!("amparo-smtp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("password");
        std::fs::write(&path, "from-a-file\n").unwrap();
        let from_file =
            SmtpFileSettings { password_file: Some(path), ..file_settings() }.resolve(None).unwrap();
        assert_eq!(from_file.password, Some(Secret("from-a-file".into())));
        assert!(matches!(file_settings().resolve(None), Err(MailConfigError::MissingPassword)));
        let bad_from = SmtpFileSettings { from: "not an address".into(), ..file_settings() };
        assert!(bad_from.resolve(Some("x".into())).unwrap_err().to_string().starts_with("smtp.from"));
    }
}
