//! The settings file: TOML, every key optional. Unknown keys are refused, naming the key and the
//! file, so a misspelt setting is never silently ignored.

use std::path::Path;

use serde::Deserialize;

/// The settings file, every key optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    /// Set when the site is served over HTTPS (directly or behind a proxy): cookies become `Secure`.
    pub secure_cookies: Option<bool>,
    /// A tracing filter such as `info` or `amparo=debug`.
    pub log: Option<String>,
    /// A rule-set file to use instead of the built-in `us-parole/2027.1`.
    pub rules_file: Option<std::path::PathBuf>,
    /// Escalation checklists to use instead of the built-in ones.
    pub escalation_templates_file: Option<std::path::PathBuf>,
    /// A folder of document templates (`medical-letter.typ`, `letterhead.typ`…) replacing the
    /// built-in ones of the same name.
    pub templates_dir: Option<std::path::PathBuf>,
    /// The key file sensitive fields are encrypted under (made by `amparo key generate`). Without
    /// one, a SQLite database uses `<database>.key` beside it; PostgreSQL requires one.
    pub key_file: Option<std::path::PathBuf>,
    /// The address people reach the site at (`https://amparo.legal-aid.example.org`), for links in
    /// emails and calendar addresses.
    pub public_url: Option<String>,
    /// Email delivery of notifications; without it they stay in the app.
    pub smtp: Option<amparo_notify::SmtpFileSettings>,
    /// Reverse proxies (CIDRs such as `10.0.0.5/32`) whose `Forwarded` / `X-Forwarded-For` is
    /// believed for the client's address.
    pub trusted_proxies: Option<Vec<String>>,
    /// `amparo serve` writes a verified backup into this folder every `backup_every` (e.g. `6h`),
    /// keeping the newest `backup_keep`.
    pub backup_dir: Option<std::path::PathBuf>,
    pub backup_every: Option<String>,
    pub backup_keep: Option<u32>,
    /// The connection pool, timeouts, TLS to PostgreSQL and the disk under SQLite.
    pub database: Option<super::database::DatabaseFileSettings>,
    /// `text` (the default) or `json`: one JSON object a line.
    pub log_format: Option<String>,
    /// Address blocks (`10.0.0.0/8`, `127.0.0.1`) served `GET /metrics` without a token.
    pub metrics_allow: Option<Vec<String>>,
    /// A bearer token that is served `GET /metrics` from anywhere (a secret).
    pub metrics_token: Option<String>,
    /// Requests each API token may make a minute (600 by default).
    pub api_rate_per_minute: Option<u32>,
    /// Whether webhook endpoints may be at loopback or private addresses (off by default).
    pub webhooks_allow_private: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the configuration file {path} is not valid: {message}")]
    Parse { path: String, message: String },
    /// The `[smtp]` section parsed but cannot be used (a sender that is no address, say).
    #[error("the configuration file {} is not valid: {source}", path.display())]
    Smtp { path: std::path::PathBuf, source: amparo_notify::mail::MailConfigError },
    /// A value that parsed but cannot be used, named by its key or variable.
    #[error("{name}: {message}")]
    Value { name: String, message: String },
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<FileConfig, ConfigError> {
        let Some(path) = path else { return Ok(FileConfig::default()) };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse { path: shown, message: e.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amparo.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:80\"\ndatabse_url = \"x\"\n").unwrap();
        let err = FileConfig::load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("unknown field `databse_url`"), "{err}");
        std::fs::write(&path, "bind = \"0.0.0.0:80\"\n").unwrap();
        assert_eq!(FileConfig::load(Some(&path)).unwrap().bind.as_deref(), Some("0.0.0.0:80"));
    }

    #[test]
    fn the_smtp_section_is_strict_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amparo.toml");
        let good = "public_url = \"https://amparo.example.org\"\n[smtp]\nhost = \"mail.example.org\"\n\
                    security = \"tls\"\nfrom = \"Amparo <reminders@example.org>\"\n";
        std::fs::write(&path, good).unwrap();
        let config = FileConfig::load(Some(&path)).unwrap();
        assert_eq!(config.smtp.unwrap().security, amparo_notify::mail::Security::Tls);
        std::fs::write(&path, format!("{good}pasword = \"x\"\n")).unwrap();
        let err = FileConfig::load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("unknown field `pasword`"), "{err}");
    }
}
