//! Errors of time-dependent routing: reading an instance (the file and the JSON field at
//! fault), a bad speed model, a solution file that does not fit its instance.

use std::path::PathBuf;

/// Any error of [`crate::routing::td`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TdError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than a reader accepts (checked before it is read).
    #[error("{path}: {bytes} bytes, more than the {limit} a {what} may have")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
        /// What the file should hold.
        what: &'static str,
    },
    /// The JSON does not parse, or a field has the wrong type.
    #[error("{path}: field `{field}`: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON path of the field (`distances[3][4]`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A field parses but breaks a rule of the format.
    #[error("{path}: field `{field}`: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The JSON path of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A speed model that cannot be used (no zones, speeds <= 0, ...).
    #[error("speed model: {message}")]
    Model {
        /// What is wrong.
        message: String,
    },
}
