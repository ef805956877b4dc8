//! The library's error type: every variant says which input, where, what is wrong and what to do.
//! `main.rs` reports it once and exits 2 (usage or input error).

use thiserror::Error;

/// An error the user can fix.
#[derive(Debug, Error)]
pub enum Error {
    /// Bad input: a file, a feature, a scenario key.
    #[error("{file}{location}: {message}")]
    Input {
        /// The file (or `<stdin>`, or the command-line option) the problem is in.
        file: String,
        /// Where in it, starting with `: ` (e.g. `: line 4, column 9` or `: feature #3`); may be empty.
        location: String,
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl Error {
    /// A bad-input error.
    pub fn input(
        file: impl Into<String>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let location: String = location.into();
        let location = if location.is_empty() {
            location
        } else {
            format!(": {location}")
        };
        Error::Input {
            file: file.into(),
            location,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint (what to do).
    pub fn with_hint(mut self, h: impl Into<String>) -> Self {
        if let Error::Input { hint, .. } = &mut self {
            *hint = Some(h.into());
        }
        self
    }

    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Input { hint, .. } => hint.as_deref(),
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => Some("check the path"),
                std::io::ErrorKind::PermissionDenied => Some("choose a folder you can write to"),
                _ => None,
            },
        }
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
