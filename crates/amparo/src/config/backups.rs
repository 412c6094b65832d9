//! Scheduled backups from `amparo serve`: `backup_dir` (unset: none), `backup_every` (a duration
//! such as `6h`, `30m` or `1d`) and `backup_keep` (how many to keep), from the settings file or the
//! `AMPARO_BACKUP_*` variables.

use std::path::PathBuf;
use std::time::Duration;

use super::file::ConfigError;
use super::settings::Environment;
use super::source::{Setting, Source};

/// Every six hours unless said otherwise.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(6 * 60 * 60);
/// Four a day for a week.
pub const DEFAULT_KEEP: u32 = 28;
/// Closer together than this, a backup could still be running when the next one starts.
const SHORTEST_EVERY: Duration = Duration::from_secs(60);

/// The three keys as the settings file has them.
#[derive(Clone, Debug, Default)]
pub struct BackupFileSettings {
    pub dir: Option<PathBuf>,
    pub every: Option<String>,
    pub keep: Option<u32>,
}

/// Scheduled backups, resolved.
pub struct BackupSettings {
    pub dir: Setting<Option<PathBuf>>,
    pub every: Setting<Duration>,
    pub keep: Setting<u32>,
}

/// A duration as an operator writes it: a whole number and `m`, `h` or `d`.
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 =
        number.parse().map_err(|_| format!("{text:?} is not a duration such as 30m, 6h or 1d"))?;
    let seconds = match unit {
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(format!("{text:?} is not a duration such as 30m, 6h or 1d")),
    };
    let every = Duration::from_secs(number.saturating_mul(seconds));
    if every < SHORTEST_EVERY {
        return Err(format!("{text:?} is shorter than a minute"));
    }
    Ok(every)
}

/// A duration written back as the operator would write it.
pub fn show_every(every: Duration) -> String {
    let seconds = every.as_secs();
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s => format!("{}m", s / 60),
    }
}

impl BackupSettings {
    pub fn resolve(
        file: BackupFileSettings,
        in_file: &Source,
        env: Environment<'_>,
    ) -> Result<BackupSettings, ConfigError> {
        let every = |text: &str, name: &str| {
            parse_every(text).map_err(|message| ConfigError::Value { name: name.to_owned(), message })
        };
        let file_every = file.every.as_deref().map(|t| every(t, "backup_every")).transpose()?;
        let env_every = env("AMPARO_BACKUP_EVERY").map(|t| every(&t, "AMPARO_BACKUP_EVERY")).transpose()?;
        let env_keep = env("AMPARO_BACKUP_KEEP")
            .map(|text| {
                text.trim().parse::<u32>().ok().filter(|keep| *keep > 0).ok_or_else(|| ConfigError::Value {
                    name: "AMPARO_BACKUP_KEEP".to_owned(),
                    message: format!("{text:?} is not a whole number above 0"),
                })
            })
            .transpose()?;
        if file.keep == Some(0) {
            return Err(ConfigError::Value {
                name: "backup_keep".into(),
                message: "0 would keep no backup".into(),
            });
        }
        Ok(BackupSettings {
            dir: Setting::unset().or_later(file.dir, in_file.clone()).or_later(
                env("AMPARO_BACKUP_DIR").map(PathBuf::from),
                Source::Environment("AMPARO_BACKUP_DIR"),
            ),
            every: Setting::new(DEFAULT_EVERY, Source::Default)
                .overridden_by(file_every, in_file.clone())
                .overridden_by(env_every, Source::Environment("AMPARO_BACKUP_EVERY")),
            keep: Setting::new(DEFAULT_KEEP, Source::Default)
                .overridden_by(file.keep, in_file.clone())
                .overridden_by(env_keep, Source::Environment("AMPARO_BACKUP_KEEP")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_operators_write_them() {
        assert_eq!(parse_every("6h"), Ok(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_every("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_every("1d"), Ok(Duration::from_secs(86_400)));
        assert!(parse_every("6 hours").is_err());
        assert!(parse_every("0m").unwrap_err().contains("shorter than a minute"));
        assert_eq!(show_every(Duration::from_secs(6 * 3600)), "6h");
        assert_eq!(show_every(Duration::from_secs(90 * 60)), "90m");
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let env = |name: &str| (name == "AMPARO_BACKUP_EVERY").then(|| "12h".to_owned());
        let file = BackupFileSettings {
            dir: Some("/var/backups/amparo".into()),
            every: Some("1d".into()),
            keep: Some(7),
        };
        let settings = BackupSettings::resolve(file, &Source::File("amparo.toml".into()), &env).unwrap();
        assert_eq!(settings.every.value, Duration::from_secs(12 * 3600));
        assert_eq!(settings.every.source, Source::Environment("AMPARO_BACKUP_EVERY"));
        assert_eq!(settings.keep.value, 7);
        assert_eq!(settings.dir.value.as_deref(), Some(std::path::Path::new("/var/backups/amparo")));
    }
}
