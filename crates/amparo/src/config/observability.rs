//! How the server is watched: `log_format` (`text`, the default, or `json`: one JSON object a line,
//! for log collectors), and who is served `GET /metrics`: `metrics_allow` (address blocks) and
//! `metrics_token` (a bearer token, a secret), from the settings file or the `AMPARO_LOG_FORMAT`,
//! `AMPARO_METRICS_ALLOW` (comma-separated) and `AMPARO_METRICS_TOKEN` variables.

use amparo_trust::Secret;
use amparo_web::MetricsAccess;

use super::file::ConfigError;
use super::settings::Environment;
use super::source::{Setting, Source};

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line, with the request's id in its span fields.
    Json,
}

impl LogFormat {
    pub fn parse(text: &str) -> Result<LogFormat, String> {
        match text.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("{other:?} is not a log format: say text or json")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

/// The three keys as the settings file has them.
#[derive(Clone, Debug, Default)]
pub struct ObservabilityFileSettings {
    pub log_format: Option<String>,
    pub metrics_allow: Option<Vec<String>>,
    pub metrics_token: Option<String>,
}

/// Logging and metrics, resolved.
pub struct ObservabilitySettings {
    pub log_format: Setting<LogFormat>,
    /// The blocks as written, checked when resolved.
    pub metrics_allow: Setting<Vec<String>>,
    pub metrics_token: Setting<Option<Secret<String>>>,
    /// The rule the server applies, built from the two above.
    pub metrics_access: MetricsAccess,
}

impl ObservabilitySettings {
    pub fn resolve(
        file: ObservabilityFileSettings,
        in_file: &Source,
        env: Environment<'_>,
    ) -> Result<ObservabilitySettings, ConfigError> {
        let format = |text: &str, name: &str| {
            LogFormat::parse(text).map_err(|message| ConfigError::Value { name: name.to_owned(), message })
        };
        let file_format = file.log_format.as_deref().map(|t| format(t, "log_format")).transpose()?;
        let env_format = env("AMPARO_LOG_FORMAT").map(|t| format(&t, "AMPARO_LOG_FORMAT")).transpose()?;
        let log_format = Setting::new(LogFormat::Text, Source::Default)
            .overridden_by(file_format, in_file.clone())
            .overridden_by(env_format, Source::Environment("AMPARO_LOG_FORMAT"));
        let env_allow = env("AMPARO_METRICS_ALLOW")
            .map(|text| text.split(',').map(str::trim).filter(|b| !b.is_empty()).map(String::from).collect());
        let metrics_allow = Setting::new(Vec::new(), Source::Default)
            .overridden_by(file.metrics_allow, in_file.clone())
            .overridden_by(env_allow, Source::Environment("AMPARO_METRICS_ALLOW"));
        let metrics_token =
            Setting::unset().or_later(file.metrics_token.map(Secret::new), in_file.clone()).or_later(
                env("AMPARO_METRICS_TOKEN").map(Secret::new),
                Source::Environment("AMPARO_METRICS_TOKEN"),
            );
        let metrics_access =
            MetricsAccess::new(&metrics_allow.value, metrics_token.value.as_ref()).map_err(|message| {
                ConfigError::Value { name: format!("metrics_allow ({})", metrics_allow.source), message }
            })?;
        Ok(ObservabilitySettings { log_format, metrics_allow, metrics_token, metrics_access })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_and_bad_values_are_named() {
        let env = |name: &str| match name {
            "AMPARO_LOG_FORMAT" => Some("json".to_owned()),
            "AMPARO_METRICS_ALLOW" => Some("10.0.0.0/8, 127.0.0.1".to_owned()),
            _ => None,
        };
        let file = ObservabilityFileSettings {
            log_format: Some("text".into()),
            metrics_allow: Some(vec!["192.0.2.0/24".into()]),
            metrics_token: Some("t0ken".into()),
        };
        let settings =
            ObservabilitySettings::resolve(file, &Source::File("amparo.toml".into()), &env).unwrap();
        assert_eq!(
            settings.log_format,
            Setting::new(LogFormat::Json, Source::Environment("AMPARO_LOG_FORMAT"))
        );
        assert_eq!(settings.metrics_allow.value, ["10.0.0.0/8", "127.0.0.1"]);
        assert_eq!(settings.metrics_access.allowed_blocks(), "10.0.0.0/8, 127.0.0.1/32");
        assert!(matches!(settings.metrics_token.source, Source::File(_)));

        let none = |_: &str| None;
        let bad = ObservabilityFileSettings { log_format: Some("xml".into()), ..Default::default() };
        let err = ObservabilitySettings::resolve(bad, &Source::Default, &none).err().unwrap().to_string();
        assert!(err.starts_with("log_format: \"xml\" is not a log format"), "{err}");
        let bad =
            ObservabilityFileSettings { metrics_allow: Some(vec!["nowhere".into()]), ..Default::default() };
        let err = ObservabilitySettings::resolve(bad, &Source::Default, &none).err().unwrap().to_string();
        assert!(err.starts_with("metrics_allow (default): \"nowhere\""), "{err}");
    }
}
