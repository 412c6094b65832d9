//! Configuration, layered: built-in defaults, then an optional TOML file (`--config` or
//! `AMPARO_CONFIG`), then `AMPARO_*` environment variables, then command-line flags. The result is
//! one [`Settings`] value that remembers where each value came from, resolved once in `main` and
//! passed down to the commands; `amparo config show` prints it with secrets redacted.

mod api;
mod backups;
mod database;
mod file;
mod observability;
mod redact;
mod settings;
mod show;
mod source;

pub use file::ConfigError;
pub use observability::LogFormat;
pub use redact::redact_url;
pub use settings::{DEFAULT_BIND, NotifySettings, Settings};
pub use show::render;
