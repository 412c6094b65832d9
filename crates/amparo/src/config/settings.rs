//! Resolving the settings: built-in defaults, then the settings file, then `AMPARO_*` environment
//! variables, then command-line flags, each value remembering its layer. Resolved once per run.

use std::path::PathBuf;

use amparo_notify::{SmtpFileSettings, SmtpSettings};
use amparo_trust::Secret;

use super::api::{ApiFileSettings, ApiSettings};
use super::backups::{BackupFileSettings, BackupSettings};
use super::database::DatabaseSettings;
use super::file::{ConfigError, FileConfig};
use super::observability::{ObservabilityFileSettings, ObservabilitySettings};
use super::source::{Setting, Source};

pub const DEFAULT_DATABASE: &str = "./amparo.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Reads one environment variable: the process's own in `main`, a fixed map in tests.
pub type Environment<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Where this run finds its encryption keys: `AMPARO_KEY` (key lines, `;`-separated), else
/// `AMPARO_KEY_FILE` or `key_file`, else (SQLite only) the file beside the database.
pub struct KeySettings {
    pub file: Setting<Option<PathBuf>>,
    pub text: Option<Setting<Secret<String>>>,
}

/// Where notices link to and how they are emailed.
#[derive(Clone, Debug, Default)]
pub struct NotifySettings {
    pub public_url: Option<String>,
    /// The `[smtp]` section with its password resolved; `None` keeps notices in the app.
    pub smtp: Option<SmtpSettings>,
}

/// Everything configurable, resolved.
pub struct Settings {
    /// The settings file read, if any.
    pub config_file: Setting<Option<PathBuf>>,
    pub database_url: Setting<String>,
    pub bind: Setting<String>,
    /// Set when the site is served over HTTPS (directly or behind a proxy): cookies become `Secure`.
    pub secure_cookies: Setting<bool>,
    /// A tracing filter such as `info` or `amparo=debug`; unset, each command has its own level.
    pub log: Setting<Option<String>>,
    /// A rule-set file to use instead of the built-in one.
    pub rules_file: Setting<Option<PathBuf>>,
    /// Escalation checklists to use instead of the built-in ones.
    pub escalation_templates_file: Setting<Option<PathBuf>>,
    /// A folder of document templates replacing the built-in ones of the same name.
    pub templates_dir: Setting<Option<PathBuf>>,
    pub keys: KeySettings,
    pub public_url: Setting<Option<String>>,
    /// The `[smtp]` section as written in the file.
    pub smtp: Option<Setting<SmtpFileSettings>>,
    /// `AMPARO_SMTP_PASSWORD`, which wins over the section's `password_file`.
    pub smtp_password: Option<Setting<Secret<String>>>,
    /// What the notification commands and the server use, resolved from the above.
    pub notify: NotifySettings,
    /// The reverse proxies whose forwarding headers are believed, checked when resolved.
    pub trusted_proxies: Setting<amparo_web::TrustedProxies>,
    /// The `[database]` section: pool, timeouts, TLS, disk.
    pub database: DatabaseSettings,
    /// Scheduled backups from `amparo serve`.
    pub backups: BackupSettings,
    /// The log's format and who is served `/metrics`.
    pub observability: ObservabilitySettings,
    /// API tokens' rate and webhook endpoints' addresses.
    pub api: ApiSettings,
}

impl Settings {
    /// Resolves every layer but the flags of the command (`--database`, `--bind`), which are
    /// applied with [`Settings::with_flags`] once the command is known.
    pub fn resolve(config_flag: Option<PathBuf>, env: Environment<'_>) -> Result<Settings, ConfigError> {
        let config_file = Setting::unset()
            .or_later(env("AMPARO_CONFIG").map(PathBuf::from), Source::Environment("AMPARO_CONFIG"))
            .or_later(config_flag, Source::Flag("--config"));
        let file = FileConfig::load(config_file.value.as_deref())?;
        let in_file = || Source::File(config_file.value.clone().unwrap_or_default());
        let env_path = |name: &str| env(name).map(PathBuf::from);

        let smtp_password = env("AMPARO_SMTP_PASSWORD")
            .map(|text| Setting::new(Secret::new(text), Source::Environment("AMPARO_SMTP_PASSWORD")));
        let resolved_smtp = match &file.smtp {
            Some(section) => {
                let password = smtp_password.as_ref().map(|p| p.value.expose().clone());
                let path = config_file.value.clone().unwrap_or_default();
                Some(section.clone().resolve(password).map_err(|source| ConfigError::Smtp { path, source })?)
            }
            None => None,
        };
        let proxies_from_env = env("AMPARO_TRUSTED_PROXIES")
            .map(|text| text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect());
        let trusted_proxies = Setting::new(Vec::new(), Source::Default)
            .overridden_by(file.trusted_proxies, in_file())
            .overridden_by(proxies_from_env, Source::Environment("AMPARO_TRUSTED_PROXIES"));
        let trusted_proxies = Setting::new(
            amparo_web::TrustedProxies::parse(&trusted_proxies.value).map_err(|message| {
                ConfigError::Value { name: format!("trusted_proxies ({})", trusted_proxies.source), message }
            })?,
            trusted_proxies.source,
        );
        let database = DatabaseSettings::resolve(file.database, &in_file(), env)?;
        let backup_file =
            BackupFileSettings { dir: file.backup_dir, every: file.backup_every, keep: file.backup_keep };
        let backups = BackupSettings::resolve(backup_file, &in_file(), env)?;
        let observability_file = ObservabilityFileSettings {
            log_format: file.log_format,
            metrics_allow: file.metrics_allow,
            metrics_token: file.metrics_token,
        };
        let observability = ObservabilitySettings::resolve(observability_file, &in_file(), env)?;
        let api_file = ApiFileSettings {
            api_rate_per_minute: file.api_rate_per_minute,
            webhooks_allow_private: file.webhooks_allow_private,
        };
        let api = ApiSettings::resolve(api_file, &in_file(), env)?;
        let public_url = Setting::unset()
            .or_later(file.public_url, in_file())
            .or_later(env("AMPARO_PUBLIC_URL"), Source::Environment("AMPARO_PUBLIC_URL"));
        Ok(Settings {
            database_url: Setting::new(DEFAULT_DATABASE.to_owned(), Source::Default)
                .overridden_by(file.database_url, in_file())
                .overridden_by(env("AMPARO_DATABASE_URL"), Source::Environment("AMPARO_DATABASE_URL")),
            bind: Setting::new(DEFAULT_BIND.to_owned(), Source::Default)
                .overridden_by(file.bind, in_file())
                .overridden_by(env("AMPARO_BIND"), Source::Environment("AMPARO_BIND")),
            secure_cookies: Setting::new(false, Source::Default)
                .overridden_by(file.secure_cookies, in_file()),
            log: Setting::unset()
                .or_later(file.log, in_file())
                .or_later(env("AMPARO_LOG"), Source::Environment("AMPARO_LOG")),
            rules_file: Setting::unset()
                .or_later(file.rules_file, in_file())
                .or_later(env_path("AMPARO_RULES_FILE"), Source::Environment("AMPARO_RULES_FILE")),
            escalation_templates_file: Setting::unset()
                .or_later(file.escalation_templates_file, in_file())
                .or_later(
                    env_path("AMPARO_ESCALATION_TEMPLATES_FILE"),
                    Source::Environment("AMPARO_ESCALATION_TEMPLATES_FILE"),
                ),
            templates_dir: Setting::unset()
                .or_later(file.templates_dir, in_file())
                .or_later(env_path("AMPARO_TEMPLATES_DIR"), Source::Environment("AMPARO_TEMPLATES_DIR")),
            keys: KeySettings {
                file: Setting::unset()
                    .or_later(file.key_file, in_file())
                    .or_later(env_path("AMPARO_KEY_FILE"), Source::Environment("AMPARO_KEY_FILE")),
                text: env("AMPARO_KEY")
                    .map(|text| Setting::new(Secret::new(text), Source::Environment("AMPARO_KEY"))),
            },
            notify: NotifySettings { public_url: public_url.value.clone(), smtp: resolved_smtp },
            public_url,
            smtp: file.smtp.map(|section| Setting::new(section, in_file())),
            smtp_password,
            config_file,
            trusted_proxies,
            database,
            backups,
            observability,
            api,
        })
    }

    /// The settings with the command's own flags laid over them.
    pub fn with_flags(mut self, database: Option<String>, bind: Option<String>) -> Settings {
        self.database_url = self.database_url.overridden_by(database, Source::Flag("--database"));
        self.bind = self.bind.overridden_by(bind, Source::Flag("--bind"));
        self
    }

    /// The database a command works on: its `--database` flag, else the resolved setting.
    pub fn database(&self, flag: Option<String>) -> String {
        flag.unwrap_or_else(|| self.database_url.value.clone())
    }

    /// The logging filter: the configured one, else the command's own level.
    pub fn log_filter(&self, command_default: &str) -> String {
        self.log.value.clone().unwrap_or_else(|| command_default.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn resolve(file: &str, env: &[(&str, &str)]) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amparo.toml");
        std::fs::write(&path, file).unwrap();
        let env: HashMap<String, String> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Settings::resolve(Some(path), &|name| env.get(name).cloned()).unwrap()
    }

    #[test]
    fn each_layer_overrides_the_one_before_and_is_remembered() {
        let settings =
            resolve("bind = \"0.0.0.0:80\"\ndatabase_url = \"file.db\"\n", &[("AMPARO_BIND", "0.0.0.0:81")]);
        assert_eq!(settings.secure_cookies, Setting::new(false, Source::Default));
        assert_eq!(settings.database_url.value, "file.db");
        assert!(matches!(settings.database_url.source, Source::File(_)));
        assert_eq!(settings.bind, Setting::new("0.0.0.0:81".to_owned(), Source::Environment("AMPARO_BIND")));
        let settings = settings.with_flags(None, Some("0.0.0.0:82".into()));
        assert_eq!(settings.bind, Setting::new("0.0.0.0:82".to_owned(), Source::Flag("--bind")));
        assert!(matches!(settings.database_url.source, Source::File(_)), "no --database flag given");
    }

    #[test]
    fn the_smtp_password_comes_from_the_environment() {
        let section =
            "[smtp]\nhost = \"mail.example.org\"\nusername = \"amparo\"\nfrom = \"Amparo <r@example.org>\"\n";
        let settings = resolve(section, &[("AMPARO_SMTP_PASSWORD", "hunter2")]);
        let smtp = settings.notify.smtp.unwrap();
        assert_eq!(smtp.password.map(|p| p.0), Some("hunter2".to_owned()));
    }

    #[test]
    fn trusted_proxies_are_checked_when_resolved() {
        let settings = resolve("trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.7\"]\n", &[]);
        assert_eq!(settings.trusted_proxies.value.to_string(), "10.0.0.0/8, 192.0.2.7/32");
        let settings = resolve("", &[("AMPARO_TRUSTED_PROXIES", "10.1.0.0/16, ::1")]);
        assert_eq!(settings.trusted_proxies.value.to_string(), "10.1.0.0/16, ::1/128");
        assert_eq!(settings.trusted_proxies.source, Source::Environment("AMPARO_TRUSTED_PROXIES"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amparo.toml");
        std::fs::write(&path, "trusted_proxies = [\"10.0.0.0/33\"]\n").unwrap();
        let error = Settings::resolve(Some(path), &|_| None).err().unwrap().to_string();
        assert!(error.starts_with("trusted_proxies (file ") && error.contains("10.0.0.0/33"), "{error}");
    }
}
