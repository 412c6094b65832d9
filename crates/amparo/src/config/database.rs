//! The `[database]` section and its `AMPARO_DATABASE_*` variables: the connection pool, how long to
//! wait for the database, TLS to PostgreSQL, and the disk under a SQLite database.

use std::path::PathBuf;
use std::time::Duration;

use amparo_store::{DatabaseOptions, SslMode};
use serde::Deserialize;

use super::file::ConfigError;
use super::settings::Environment;
use super::source::{Setting, Source};

/// The `[database]` section as written, every key optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseFileSettings {
    pub pool_size: Option<u32>,
    pub connect_timeout_seconds: Option<u64>,
    pub statement_timeout_seconds: Option<u64>,
    /// `disable`, `prefer`, `require`, `verify-ca` or `verify-full`; a `sslmode` in the URL wins.
    pub sslmode: Option<String>,
    /// PEM file of the authorities a PostgreSQL server's certificate is checked against.
    pub ssl_root_cert: Option<PathBuf>,
    /// SQLite: room kept free beside the database for the audit trail, in MiB (0: none).
    pub audit_reserve_mib: Option<u64>,
    /// SQLite: warn the log and the administrators when free space falls under this, in MiB.
    pub low_space_warning_mib: Option<u64>,
    /// Where attachments are kept: a folder, `file:///folder` or `s3://bucket/prefix`; by default a
    /// folder beside a SQLite database.
    pub attachments_url: Option<String>,
    /// S3: the service's address (AWS itself when unset, or `AWS_ENDPOINT`).
    pub attachments_s3_endpoint: Option<String>,
    /// S3: the region (else `AWS_REGION`).
    pub attachments_s3_region: Option<String>,
    /// S3: the access key id (else `AWS_ACCESS_KEY_ID`).
    pub attachments_s3_access_key_id: Option<String>,
    /// S3: the secret access key (else `AWS_SECRET_ACCESS_KEY`); shown as `***`.
    pub attachments_s3_secret_access_key: Option<String>,
    /// S3: whether a plain `http://` endpoint is allowed (a service on the same machine).
    pub attachments_s3_allow_http: Option<bool>,
    /// The largest attachment accepted, in MiB.
    pub attachment_max_mib: Option<u64>,
}

/// The section resolved, each value with its source.
pub struct DatabaseSettings {
    pub pool_size: Setting<u32>,
    pub connect_timeout_seconds: Setting<u64>,
    pub statement_timeout_seconds: Setting<u64>,
    pub sslmode: Setting<Option<SslMode>>,
    pub ssl_root_cert: Setting<Option<PathBuf>>,
    pub audit_reserve_mib: Setting<u64>,
    pub low_space_warning_mib: Setting<u64>,
    pub attachments_url: Setting<Option<String>>,
    pub attachments_s3_endpoint: Setting<Option<String>>,
    pub attachments_s3_region: Setting<Option<String>>,
    pub attachments_s3_access_key_id: Setting<Option<String>>,
    pub attachments_s3_secret_access_key: Setting<Option<String>>,
    pub attachments_s3_allow_http: Setting<Option<bool>>,
    pub attachment_max_mib: Setting<u64>,
}

const MIB: u64 = 1024 * 1024;

/// A number from the environment, refused with the variable's name when it is not one.
fn number<T: std::str::FromStr>(env: Environment<'_>, name: &'static str) -> Result<Option<T>, ConfigError> {
    env(name)
        .map(|text| {
            text.trim().parse().map_err(|_| ConfigError::Value {
                name: name.to_owned(),
                message: format!("{text:?} is not a whole number"),
            })
        })
        .transpose()
}

/// A yes or no from the environment (`true`/`false`, `1`/`0`), refused with the variable's name.
fn flag(env: Environment<'_>, name: &'static str) -> Result<Option<bool>, ConfigError> {
    env(name)
        .map(|text| match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(ConfigError::Value {
                name: name.to_owned(),
                message: format!("{other:?} is not true or false"),
            }),
        })
        .transpose()
}

fn ssl_mode(text: &str, name: &str) -> Result<SslMode, ConfigError> {
    SslMode::parse(text).ok_or_else(|| ConfigError::Value {
        name: name.to_owned(),
        message: format!("{text:?} is not one of {}", SslMode::NAMES),
    })
}

impl DatabaseSettings {
    pub fn resolve(
        file: Option<DatabaseFileSettings>,
        in_file: &Source,
        env: Environment<'_>,
    ) -> Result<DatabaseSettings, ConfigError> {
        let file = file.unwrap_or_default();
        let defaults = DatabaseOptions::default();
        let env_source = Source::Environment;
        let file_mode = file.sslmode.as_deref().map(|t| ssl_mode(t, "[database] sslmode")).transpose()?;
        let env_mode =
            env("AMPARO_DATABASE_SSLMODE").map(|t| ssl_mode(&t, "AMPARO_DATABASE_SSLMODE")).transpose()?;
        let settings = DatabaseSettings {
            pool_size: Setting::new(defaults.pool_size, Source::Default)
                .overridden_by(file.pool_size, in_file.clone())
                .overridden_by(
                    number(env, "AMPARO_DATABASE_POOL_SIZE")?,
                    env_source("AMPARO_DATABASE_POOL_SIZE"),
                ),
            connect_timeout_seconds: Setting::new(defaults.connect_timeout.as_secs(), Source::Default)
                .overridden_by(file.connect_timeout_seconds, in_file.clone())
                .overridden_by(
                    number(env, "AMPARO_DATABASE_CONNECT_TIMEOUT")?,
                    env_source("AMPARO_DATABASE_CONNECT_TIMEOUT"),
                ),
            statement_timeout_seconds: Setting::new(defaults.statement_timeout.as_secs(), Source::Default)
                .overridden_by(file.statement_timeout_seconds, in_file.clone())
                .overridden_by(
                    number(env, "AMPARO_DATABASE_STATEMENT_TIMEOUT")?,
                    env_source("AMPARO_DATABASE_STATEMENT_TIMEOUT"),
                ),
            sslmode: Setting::unset()
                .or_later(file_mode, in_file.clone())
                .or_later(env_mode, env_source("AMPARO_DATABASE_SSLMODE")),
            ssl_root_cert: Setting::unset().or_later(file.ssl_root_cert, in_file.clone()).or_later(
                env("AMPARO_DATABASE_SSL_ROOT_CERT").map(PathBuf::from),
                env_source("AMPARO_DATABASE_SSL_ROOT_CERT"),
            ),
            audit_reserve_mib: Setting::new(defaults.audit_reserve_bytes / MIB, Source::Default)
                .overridden_by(file.audit_reserve_mib, in_file.clone()),
            low_space_warning_mib: Setting::new(defaults.low_space_warning_bytes / MIB, Source::Default)
                .overridden_by(file.low_space_warning_mib, in_file.clone()),
            attachments_url: Setting::unset()
                .or_later(file.attachments_url, in_file.clone())
                .or_later(env("AMPARO_ATTACHMENTS_URL"), env_source("AMPARO_ATTACHMENTS_URL")),
            attachments_s3_endpoint: Setting::unset()
                .or_later(file.attachments_s3_endpoint, in_file.clone())
                .or_later(
                    env("AMPARO_ATTACHMENTS_S3_ENDPOINT"),
                    env_source("AMPARO_ATTACHMENTS_S3_ENDPOINT"),
                ),
            attachments_s3_region: Setting::unset()
                .or_later(file.attachments_s3_region, in_file.clone())
                .or_later(env("AMPARO_ATTACHMENTS_S3_REGION"), env_source("AMPARO_ATTACHMENTS_S3_REGION")),
            attachments_s3_access_key_id: Setting::unset()
                .or_later(file.attachments_s3_access_key_id, in_file.clone())
                .or_later(
                    env("AMPARO_ATTACHMENTS_S3_ACCESS_KEY_ID"),
                    env_source("AMPARO_ATTACHMENTS_S3_ACCESS_KEY_ID"),
                ),
            attachments_s3_secret_access_key: Setting::unset()
                .or_later(file.attachments_s3_secret_access_key, in_file.clone())
                .or_later(
                    env("AMPARO_ATTACHMENTS_S3_SECRET_ACCESS_KEY"),
                    env_source("AMPARO_ATTACHMENTS_S3_SECRET_ACCESS_KEY"),
                ),
            attachments_s3_allow_http: Setting::unset()
                .or_later(file.attachments_s3_allow_http, in_file.clone())
                .or_later(
                    flag(env, "AMPARO_ATTACHMENTS_S3_ALLOW_HTTP")?,
                    env_source("AMPARO_ATTACHMENTS_S3_ALLOW_HTTP"),
                ),
            attachment_max_mib: Setting::new(defaults.attachment_max_bytes / MIB, Source::Default)
                .overridden_by(file.attachment_max_mib, in_file.clone())
                .overridden_by(
                    number(env, "AMPARO_ATTACHMENT_MAX_MIB")?,
                    env_source("AMPARO_ATTACHMENT_MAX_MIB"),
                ),
        };
        if settings.attachment_max_mib.value == 0 {
            return Err(ConfigError::Value {
                name: "attachment_max_mib".into(),
                message: "must be at least 1".into(),
            });
        }
        if settings.pool_size.value == 0 {
            return Err(ConfigError::Value {
                name: "pool_size".into(),
                message: "a pool needs at least one connection".into(),
            });
        }
        if settings.connect_timeout_seconds.value == 0 {
            return Err(ConfigError::Value {
                name: "connect_timeout_seconds".into(),
                message: "must be at least 1 (waiting forever is what it prevents)".into(),
            });
        }
        Ok(settings)
    }

    /// What the store is opened with.
    pub fn options(&self) -> DatabaseOptions {
        DatabaseOptions {
            pool_size: self.pool_size.value,
            connect_timeout: Duration::from_secs(self.connect_timeout_seconds.value),
            statement_timeout: Duration::from_secs(self.statement_timeout_seconds.value),
            ssl_mode: self.sslmode.value,
            ssl_root_cert: self.ssl_root_cert.value.clone(),
            audit_reserve_bytes: self.audit_reserve_mib.value.saturating_mul(MIB),
            low_space_warning_bytes: self.low_space_warning_mib.value.saturating_mul(MIB),
            attachments_url: self.attachments_url.value.clone(),
            attachments_s3: amparo_store::S3Settings {
                endpoint: self.attachments_s3_endpoint.value.clone(),
                region: self.attachments_s3_region.value.clone(),
                access_key_id: self.attachments_s3_access_key_id.value.clone(),
                secret_access_key: self.attachments_s3_secret_access_key.value.clone(),
                allow_http: self.attachments_s3_allow_http.value,
            },
            attachment_max_bytes: self.attachment_max_mib.value.saturating_mul(MIB),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn resolve(section: &str, env: &[(&str, &str)]) -> Result<DatabaseSettings, ConfigError> {
        let file: DatabaseFileSettings = toml::from_str(section).unwrap();
        let env: HashMap<String, String> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        DatabaseSettings::resolve(Some(file), &Source::File("amparo.toml".into()), &|name| {
            env.get(name).cloned()
        })
    }

    #[test]
    fn each_value_comes_from_the_file_or_the_environment_with_its_source() {
        let settings = resolve(
            "pool_size = 4\nsslmode = \"verify-full\"\nssl_root_cert = \"/etc/amparo/db-ca.pem\"\naudit_reserve_mib = 0\n",
            &[("AMPARO_DATABASE_STATEMENT_TIMEOUT", "30"), ("AMPARO_DATABASE_SSLMODE", "require")],
        )
        .unwrap();
        let options = settings.options();
        assert_eq!(options.pool_size, 4);
        assert_eq!(options.ssl_mode, Some(SslMode::Require), "the environment wins over the file");
        assert_eq!(settings.sslmode.source, Source::Environment("AMPARO_DATABASE_SSLMODE"));
        assert_eq!(options.statement_timeout, Duration::from_secs(30));
        assert_eq!(options.connect_timeout, Duration::from_secs(5), "a default");
        assert_eq!(options.ssl_root_cert, Some(PathBuf::from("/etc/amparo/db-ca.pem")));
        assert_eq!(options.audit_reserve_bytes, 0);
    }

    #[test]
    fn unusable_values_are_refused_naming_them() {
        let bad = |section: &str, env: &[(&str, &str)]| match resolve(section, env) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("{section} {env:?} was accepted"),
        };
        assert!(bad("sslmode = \"allow\"\n", &[]).starts_with("[database] sslmode: \"allow\" is not one of"));
        assert!(bad("", &[("AMPARO_DATABASE_POOL_SIZE", "many")]).starts_with("AMPARO_DATABASE_POOL_SIZE:"));
        assert!(bad("pool_size = 0\n", &[]).starts_with("pool_size:"));
        assert!(bad("connect_timeout_seconds = 0\n", &[]).starts_with("connect_timeout_seconds:"));
    }
}
