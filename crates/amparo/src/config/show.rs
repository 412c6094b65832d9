//! `amparo config show`: every setting, its value and where it came from, one per line. Secrets
//! (the key, the SMTP password, a password inside the database URL) are printed as `***`.

use std::path::Path;

use super::redact::redact_url;
use super::settings::Settings;
use super::source::{Setting, Source};

/// Printed for a secret that is set.
const REDACTED: &str = "***";

/// One printed line: name, value, source.
struct Line {
    name: String,
    value: String,
    source: String,
}

fn line(name: &str, value: impl Into<String>, source: &Source) -> Line {
    Line { name: name.to_owned(), value: value.into(), source: source.to_string() }
}

/// A setting shown as its value is written.
fn plain<T: std::fmt::Display>(name: &str, setting: &Setting<T>) -> Line {
    line(name, setting.value.to_string(), &setting.source)
}

fn path_or(setting: &Setting<Option<std::path::PathBuf>>, unset: &str) -> String {
    setting.value.as_deref().map(Path::display).map_or_else(|| unset.to_owned(), |p| p.to_string())
}

fn text_or(setting: &Setting<Option<String>>, unset: &str) -> String {
    setting.value.clone().unwrap_or_else(|| unset.to_owned())
}

/// The settings as `amparo config show` prints them, aligned in three columns.
pub fn render(settings: &Settings) -> String {
    let mut lines = vec![
        line("config", path_or(&settings.config_file, "(none)"), &settings.config_file.source),
        line("database_url", redact_url(&settings.database_url.value), &settings.database_url.source),
        line("bind", settings.bind.value.clone(), &settings.bind.source),
        line("secure_cookies", settings.secure_cookies.value.to_string(), &settings.secure_cookies.source),
        line(
            "log",
            text_or(&settings.log, "(info for serve and demo, warn otherwise)"),
            &settings.log.source,
        ),
        line("rules_file", path_or(&settings.rules_file, "(built in)"), &settings.rules_file.source),
        line(
            "escalation_templates_file",
            path_or(&settings.escalation_templates_file, "(built in)"),
            &settings.escalation_templates_file.source,
        ),
        line("templates_dir", path_or(&settings.templates_dir, "(built in)"), &settings.templates_dir.source),
        line(
            "key_file",
            path_or(&settings.keys.file, "(beside a SQLite database; PostgreSQL needs one)"),
            &settings.keys.file.source,
        ),
    ];
    if let Some(key) = &settings.keys.text {
        lines.push(line("key", REDACTED, &key.source));
    }
    lines.push(line(
        "public_url",
        text_or(&settings.public_url, "(the server's own address)"),
        &settings.public_url.source,
    ));
    match &settings.smtp {
        None => lines.push(line("smtp", "(not set: notices stay in the app)", &Source::Default)),
        Some(section) => {
            let smtp = &section.value;
            let from_file = &section.source;
            lines.push(line("smtp.host", smtp.host.clone(), from_file));
            let port = smtp.port.map_or_else(
                || format!("{} (for the security)", smtp.security.default_port()),
                |p| p.to_string(),
            );
            lines.push(line("smtp.port", port, from_file));
            lines.push(line("smtp.security", format!("{:?}", smtp.security).to_lowercase(), from_file));
            lines.push(line("smtp.from", smtp.from.clone(), from_file));
            if let Some(username) = &smtp.username {
                lines.push(line("smtp.username", username.clone(), from_file));
            }
            match (&settings.smtp_password, &smtp.password_file) {
                (Some(password), _) => lines.push(line("smtp.password", REDACTED, &password.source)),
                (None, Some(path)) => {
                    lines.push(line("smtp.password_file", path.display().to_string(), from_file))
                }
                (None, None) => {}
            }
            if let Some(path) = &smtp.ca_file {
                lines.push(line("smtp.ca_file", path.display().to_string(), from_file));
            }
        }
    }
    lines.push(line(
        "trusted_proxies",
        settings.trusted_proxies.value.to_string(),
        &settings.trusted_proxies.source,
    ));
    let database = &settings.database;
    lines.push(plain("database.pool_size", &database.pool_size));
    lines.push(plain("database.connect_timeout_seconds", &database.connect_timeout_seconds));
    lines.push(plain("database.statement_timeout_seconds", &database.statement_timeout_seconds));
    lines.push(line(
        "database.sslmode",
        database.sslmode.value.map_or("(from the URL, else prefer)", |m| m.as_str()),
        &database.sslmode.source,
    ));
    lines.push(line(
        "database.ssl_root_cert",
        path_or(&database.ssl_root_cert, "(public authorities)"),
        &database.ssl_root_cert.source,
    ));
    lines.push(plain("database.audit_reserve_mib", &database.audit_reserve_mib));
    lines.push(plain("database.low_space_warning_mib", &database.low_space_warning_mib));
    lines.push(line(
        "database.attachments_url",
        database.attachments_url.value.as_deref().unwrap_or("(a folder beside a SQLite database)"),
        &database.attachments_url.source,
    ));
    let s3_or_aws = |setting: &super::source::Setting<Option<String>>, name: &str, variable: &str| {
        line(
            name,
            setting.value.clone().unwrap_or_else(|| format!("(from {variable}, if set)")),
            &setting.source,
        )
    };
    lines.push(s3_or_aws(
        &database.attachments_s3_endpoint,
        "database.attachments_s3_endpoint",
        "AWS_ENDPOINT",
    ));
    lines.push(s3_or_aws(&database.attachments_s3_region, "database.attachments_s3_region", "AWS_REGION"));
    lines.push(s3_or_aws(
        &database.attachments_s3_access_key_id,
        "database.attachments_s3_access_key_id",
        "AWS_ACCESS_KEY_ID",
    ));
    lines.push(line(
        "database.attachments_s3_secret_access_key",
        database
            .attachments_s3_secret_access_key
            .value
            .as_ref()
            .map_or("(from AWS_SECRET_ACCESS_KEY, if set)", |_| REDACTED),
        &database.attachments_s3_secret_access_key.source,
    ));
    lines.push(line(
        "database.attachments_s3_allow_http",
        database
            .attachments_s3_allow_http
            .value
            .map_or("(from AWS_ALLOW_HTTP, else false)".into(), |a| a.to_string()),
        &database.attachments_s3_allow_http.source,
    ));
    lines.push(plain("database.attachment_max_mib", &database.attachment_max_mib));
    let backups = &settings.backups;
    lines.push(line(
        "backup_dir",
        path_or(&backups.dir, "(none: no scheduled backups)"),
        &backups.dir.source,
    ));
    lines.push(line("backup_every", super::backups::show_every(backups.every.value), &backups.every.source));
    lines.push(plain("backup_keep", &backups.keep));
    let observability = &settings.observability;
    lines.push(line("log_format", observability.log_format.value.as_str(), &observability.log_format.source));
    lines.push(line(
        "metrics_allow",
        observability.metrics_access.allowed_blocks(),
        &observability.metrics_allow.source,
    ));
    let token = if observability.metrics_token.value.is_some() { REDACTED } else { "(none)" };
    lines.push(line("metrics_token", token, &observability.metrics_token.source));
    lines.push(plain("api_rate_per_minute", &settings.api.rate_per_minute));
    lines.push(plain("webhooks_allow_private", &settings.api.webhooks_allow_private));
    let name_width = lines.iter().map(|l| l.name.chars().count()).max().unwrap_or(0);
    let value_width = lines.iter().map(|l| l.value.chars().count()).max().unwrap_or(0);
    lines
        .iter()
        .map(|l| format!("{:name_width$}  {:value_width$}  {}\n", l.name, l.value, l.source))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_sources_shown() {
        let env = |name: &str| match name {
            "AMPARO_KEY" => Some("k1 0123".to_owned()),
            "AMPARO_DATABASE_URL" => Some("postgres://amparo:s3cret@db/amparo".to_owned()),
            "AMPARO_METRICS_TOKEN" => Some("m3trics".to_owned()),
            "AMPARO_ATTACHMENTS_S3_SECRET_ACCESS_KEY" => Some("bucketS3cr3t".to_owned()),
            _ => None,
        };
        let settings = Settings::resolve(None, &env).unwrap().with_flags(None, Some("0.0.0.0:9".into()));
        let shown = render(&settings);
        assert!(
            !shown.contains("s3cret") && !shown.contains("0123") && !shown.contains("m3trics"),
            "{shown}"
        );
        assert!(!shown.contains("bucketS3cr3t"), "{shown}");
        assert!(
            shown.lines().any(|l| l.starts_with("database.attachments_s3_secret_access_key ")
                && l.contains("***")
                && l.ends_with("environment AMPARO_ATTACHMENTS_S3_SECRET_ACCESS_KEY")),
            "{shown}"
        );
        assert!(
            shown.lines().any(|l| l.starts_with("metrics_token ")
                && l.contains("***")
                && l.ends_with("environment AMPARO_METRICS_TOKEN")),
            "{shown}"
        );
        let database = shown.lines().find(|l| l.starts_with("database_url ")).unwrap();
        let columns: Vec<&str> = database.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(
            columns,
            ["database_url", "postgres://amparo:***@db/amparo", "environment AMPARO_DATABASE_URL"]
        );
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with("key ") && l.contains("***") && l.ends_with("environment AMPARO_KEY")),
            "{shown}"
        );
        assert!(shown.lines().any(|l| l.starts_with("bind ") && l.ends_with("flag --bind")), "{shown}");
    }
}
