//! The API's settings: `api_rate_per_minute`, the requests each API token may make a minute
//! (600 by default; past it, 429 with `Retry-After`), and `webhooks_allow_private`, whether
//! webhook endpoints may be at loopback or private addresses (off by default: see SECURITY.md), from
//! the settings file or `AMPARO_API_RATE_PER_MINUTE` and `AMPARO_WEBHOOKS_ALLOW_PRIVATE`.

use super::file::ConfigError;
use super::settings::Environment;
use super::source::{Setting, Source};

/// The API's keys as the settings file writes them.
#[derive(Default)]
pub struct ApiFileSettings {
    pub api_rate_per_minute: Option<u32>,
    pub webhooks_allow_private: Option<bool>,
}

/// The API's settings, resolved.
pub struct ApiSettings {
    pub rate_per_minute: Setting<u32>,
    pub webhooks_allow_private: Setting<bool>,
}

fn parse<T: std::str::FromStr>(name: &str, text: &str, expected: &str) -> Result<T, ConfigError> {
    text.trim().parse().map_err(|_| ConfigError::Value {
        name: name.to_owned(),
        message: format!("{expected}, not {text:?}"),
    })
}

impl ApiSettings {
    pub fn resolve(
        file: ApiFileSettings,
        in_file: &Source,
        env: Environment<'_>,
    ) -> Result<ApiSettings, ConfigError> {
        const RATE: &str = "AMPARO_API_RATE_PER_MINUTE";
        const PRIVATE: &str = "AMPARO_WEBHOOKS_ALLOW_PRIVATE";
        let env_rate = env(RATE).map(|t| parse::<u32>(RATE, &t, "a whole number of requests")).transpose()?;
        let rate_per_minute = Setting::new(amparo_web::DEFAULT_TOKEN_RATE_PER_MINUTE, Source::Default)
            .overridden_by(file.api_rate_per_minute, in_file.clone())
            .overridden_by(env_rate, Source::Environment(RATE));
        if rate_per_minute.value == 0 {
            return Err(ConfigError::Value {
                name: format!("api_rate_per_minute ({})", rate_per_minute.source),
                message: "at least 1 request a minute".into(),
            });
        }
        let env_private = env(PRIVATE).map(|t| parse::<bool>(PRIVATE, &t, "true or false")).transpose()?;
        let webhooks_allow_private = Setting::new(false, Source::Default)
            .overridden_by(file.webhooks_allow_private, in_file.clone())
            .overridden_by(env_private, Source::Environment(PRIVATE));
        Ok(ApiSettings { rate_per_minute, webhooks_allow_private })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_and_a_zero_or_garbled_rate_is_refused() {
        let file = ApiFileSettings { api_rate_per_minute: Some(120), webhooks_allow_private: Some(true) };
        let in_file = Source::File("amparo.toml".into());
        let settings = ApiSettings::resolve(file, &in_file, &|_| None).unwrap();
        assert_eq!(settings.rate_per_minute, Setting::new(120, in_file.clone()));
        assert!(settings.webhooks_allow_private.value);
        let env = |name: &str| (name == "AMPARO_API_RATE_PER_MINUTE").then(|| "30".to_owned());
        let settings = ApiSettings::resolve(ApiFileSettings::default(), &in_file, &env).unwrap();
        assert_eq!(settings.rate_per_minute.value, 30);
        assert!(!settings.webhooks_allow_private.value);
        let zero = ApiFileSettings { api_rate_per_minute: Some(0), ..ApiFileSettings::default() };
        let error = ApiSettings::resolve(zero, &in_file, &|_| None).err().unwrap().to_string();
        assert!(error.starts_with("api_rate_per_minute (file amparo.toml)"), "{error}");
        let garbled = |name: &str| (name == "AMPARO_WEBHOOKS_ALLOW_PRIVATE").then(|| "yes".to_owned());
        let error = ApiSettings::resolve(ApiFileSettings::default(), &in_file, &garbled).err().unwrap();
        assert!(error.to_string().contains("AMPARO_WEBHOOKS_ALLOW_PRIVATE: true or false"), "{error}");
    }
}
