//! A time-dependent plan in the shape of the Dabia set's `solutions.json` entries:
//! `{"instance_name", "routes": [{"path": [0, ..., n + 1], "t0", "duration"}], "value"}`.

use crate::routing::td::error::TdError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Largest solution file read.
pub const MAX_SOLUTION_BYTES: u64 = 64 << 20;

/// One route: its vertices from the start depot (0) to the end depot (n + 1), when it leaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TdRoute {
    /// Vertices, depots included.
    pub path: Vec<usize>,
    /// Departure from the start depot.
    pub t0: f64,
    /// Return at the end depot minus `t0`, as the solver computed it.
    pub duration: f64,
}

/// A plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TdSolution {
    /// The instance it solves.
    pub instance_name: String,
    /// The routes.
    pub routes: Vec<TdRoute>,
    /// Total duration (the objective).
    pub value: f64,
}

/// A published solution of `solutions.json` (with its tags, `OPT` when proven optimal).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedSolution {
    /// The instance.
    pub instance_name: String,
    /// Its routes.
    pub routes: Vec<TdRoute>,
    /// Its total duration.
    pub value: f64,
    /// `OPT` when proven optimal.
    pub tags: Vec<String>,
}

impl PublishedSolution {
    /// The plan without its tags.
    pub fn solution(&self) -> TdSolution {
        TdSolution {
            instance_name: self.instance_name.clone(),
            routes: self.routes.clone(),
            value: self.value,
        }
    }
}

/// Reads a `solutions.json` list.
///
/// # Errors
/// [`TdError::Io`], [`TdError::TooLarge`], [`TdError::Json`] with the field at fault.
pub fn read_published(path: &Path) -> Result<Vec<PublishedSolution>, TdError> {
    let io = |source| TdError::Io { path: path.to_path_buf(), source };
    let bytes = std::fs::metadata(path).map_err(io)?.len();
    if bytes > MAX_SOLUTION_BYTES {
        let path = path.to_path_buf();
        return Err(TdError::TooLarge {
            path,
            bytes,
            limit: MAX_SOLUTION_BYTES,
            what: "solution list",
        });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| TdError::Json {
        path: path.to_path_buf(),
        field: e.path().to_string(),
        message: e.inner().to_string(),
    })
}
