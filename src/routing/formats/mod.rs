//! Instance and solution file formats: CVRPLIB/VRPLIB ([`vrplib`]), Solomon VRPTW
//! ([`solomon`]), Li & Lim PDPTW ([`lilim`]), the service's own JSON ([`json`]) and
//! VROOM's input and output JSON ([`vroom`]).
//!
//! Readers never panic on bad input: every malformed line becomes a
//! [`crate::routing::RoutingError::Parse`] naming the line.

pub mod json;
pub mod lilim;
mod pairs;
pub mod solomon;
pub mod vroom;
pub mod vrplib;

use crate::routing::error::RoutingError;
use std::path::Path;

/// Reads a whole file, mapping the error to [`RoutingError::Io`].
pub(crate) fn read_text(path: &Path) -> Result<String, RoutingError> {
    std::fs::read_to_string(path)
        .map_err(|source| RoutingError::Io { path: path.to_path_buf(), source })
}

/// Parses a number field of a line.
pub(crate) fn num<T: std::str::FromStr>(
    format: &'static str,
    line: usize,
    field: &str,
    what: &str,
) -> Result<T, RoutingError> {
    field.parse().map_err(|_| RoutingError::parse(format, line, format!("bad {what} `{field}`")))
}

/// The instance formats the CLI and the benchmark read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// CVRPLIB / VRPLIB `.vrp` (coordinates or explicit matrices, time windows).
    Vrplib,
    /// Solomon / Gehring-Homberger text.
    Solomon,
    /// The service's JSON.
    Json,
    /// Li & Lim pickup-and-delivery text (named explicitly: its files end in `.txt` as
    /// Solomon's do).
    Lilim,
}

impl Format {
    /// Guesses the format from a file name: `.vrp` is VRPLIB, `.json` JSON, anything else
    /// Solomon text.
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("vrp") => Self::Vrplib,
            Some("json") => Self::Json,
            _ => Self::Solomon,
        }
    }
}

/// Reads an instance file in the given format; JSON requests keep their own time limit and
/// seed.
///
/// # Errors
/// Those of the format's reader.
pub fn read(path: &Path, format: Format) -> Result<json::Request, RoutingError> {
    match format {
        Format::Vrplib => Ok(json::Request {
            problem: vrplib::read(path)?,
            time_limit_s: None,
            seed: None,
            max_iterations: None,
        }),
        Format::Solomon => Ok(json::Request {
            problem: solomon::read(path)?,
            time_limit_s: None,
            seed: None,
            max_iterations: None,
        }),
        Format::Lilim => Ok(json::Request {
            problem: lilim::read(path)?,
            time_limit_s: None,
            seed: None,
            max_iterations: None,
        }),
        Format::Json => json::parse(&read_text(path)?),
    }
}
