//! Where a setting's value came from, kept with the value so that `amparo config show` (and an
//! operator reading it) can tell a default from a file, an environment variable or a flag.

use std::fmt;
use std::path::PathBuf;

/// One layer of the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Built into Amparo.
    Default,
    /// The settings file at this path.
    File(PathBuf),
    /// This environment variable.
    Environment(&'static str),
    /// This command-line flag.
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Environment(name) => write!(f, "environment {name}"),
            Source::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// A value and the layer it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    pub fn new(value: T, source: Source) -> Setting<T> {
        Setting { value, source }
    }

    /// This setting, or `later` where a later layer gives a value.
    pub fn overridden_by(self, later: Option<T>, source: Source) -> Setting<T> {
        match later {
            Some(value) => Setting { value, source },
            None => self,
        }
    }
}

impl<T> Setting<Option<T>> {
    /// An unset setting with no built-in value.
    pub fn unset() -> Setting<Option<T>> {
        Setting { value: None, source: Source::Default }
    }

    /// This setting, or `later` (made `Some`) where a later layer gives a value.
    pub fn or_later(self, later: Option<T>, source: Source) -> Setting<Option<T>> {
        self.overridden_by(later.map(Some), source)
    }
}
