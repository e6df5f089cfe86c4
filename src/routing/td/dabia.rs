//! Reader of the Dabia et al. (2013) time-dependent VRPTW instances (the JSON of
//! `../shared/benchmarks/td-vrptw`, described in its README).
//!
//! Strict: every field of the format must be there and nothing else (`deny_unknown_fields`),
//! every per-vertex array has one entry per vertex, matrices are square, categories name a
//! row of speeds, zones tile the horizon, windows are finite and ordered, depots are 0 and
//! n + 1. The file size is checked before it is read ([`MAX_FILE_BYTES`]), which bounds every
//! allocation the parse makes; the vertex count is bounded too ([`MAX_VERTICES`]). An error
//! names the file and the JSON field.

use crate::routing::td::error::TdError;
use crate::routing::td::instance::TdInstance;
use crate::routing::td::speed::SpeedModel;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Largest instance file read (a 1,000-customer instance takes about 12 MB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// Most vertices (customers + 2 depots).
pub const MAX_VERTICES: usize = 5002;
/// Largest absolute time, distance or demand accepted.
pub const MAX_VALUE: f64 = 1e9;

/// The arc structure of a Dabia file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Digraph {
    /// Number of arcs that exist (ones in `arcs`).
    pub arc_count: usize,
    /// `arcs[i][j]`: 1 when the arc i -> j may be driven, else 0.
    pub arcs: Vec<Vec<u8>>,
    /// Solomon's points.
    pub coordinates: Vec<[f64; 2]>,
    /// Customers + 2.
    pub vertex_count: usize,
}

/// One Dabia instance as the file states it (validated by [`read`] or [`parse`]). The
/// independent checker ([`crate::routing::td::check`]) works from this raw form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DabiaFile {
    /// Vehicle capacity.
    pub capacity: i64,
    /// Number of arc categories.
    pub cluster_count: usize,
    /// `cluster_speeds[c][z]`: speed of category `c` in zone `z`.
    pub cluster_speeds: Vec<Vec<f64>>,
    /// `clusters[i][j]`: category of arc i -> j.
    pub clusters: Vec<Vec<u8>>,
    /// `dabia_et_al_2013`.
    pub dataset_name: String,
    /// Demand per vertex (0 at the depots).
    pub demands: Vec<i64>,
    /// Arcs and points.
    pub digraph: Digraph,
    /// `distances[i][j]`.
    pub distances: Vec<Vec<f64>>,
    /// The end depot's vertex (n + 1).
    pub end_depot: usize,
    /// `[start, end]` of the day.
    pub horizon: [f64; 2],
    /// The name (`C101_25`).
    pub instance_name: String,
    /// Service time per vertex.
    pub service_times: Vec<f64>,
    /// Number of zones.
    pub speed_zone_count: usize,
    /// `[start, end]` of each zone.
    pub speed_zones: Vec<[f64; 2]>,
    /// The start depot's vertex (0).
    pub start_depot: usize,
    /// `[ready, due]` per vertex: when service may start.
    pub time_windows: Vec<[f64; 2]>,
    /// Vehicles available.
    pub vehicle_count: usize,
}

impl DabiaFile {
    /// Number of customers.
    pub fn customers(&self) -> usize {
        self.digraph.vertex_count - 2
    }

    /// The solver's form of the instance.
    ///
    /// # Errors
    /// [`TdError::Model`] if the speeds do not make a model ([`read`] has already checked
    /// them, so only for a file changed after reading).
    pub fn instance(&self) -> Result<TdInstance, TdError> {
        let starts = self.speed_zones.iter().map(|z| z[0]).collect();
        let model = SpeedModel::new(starts, &self.cluster_speeds)?;
        let v = self.digraph.vertex_count;
        let mut dist = Vec::with_capacity(v * v);
        let mut category = Vec::with_capacity(v * v);
        for i in 0..v {
            for j in 0..v {
                let open = self.digraph.arcs[i][j] == 1 && i != j;
                dist.push(if open { self.distances[i][j] } else { f64::INFINITY });
                category.push(self.clusters[i][j]);
            }
        }
        Ok(TdInstance {
            name: self.instance_name.clone(),
            vertices: v,
            dist,
            category,
            model,
            ready: self.time_windows.iter().map(|w| w[0]).collect(),
            due: self.time_windows.iter().map(|w| w[1]).collect(),
            service: self.service_times.clone(),
            demand: self.demands.clone(),
            capacity: self.capacity,
            max_routes: self.vehicle_count,
        })
    }
}

/// Reads and validates a Dabia file.
///
/// # Errors
/// [`TdError::Io`], [`TdError::TooLarge`], [`TdError::Json`] (with the JSON path of the
/// field), [`TdError::Invalid`] for a rule of the format.
pub fn read(path: &Path) -> Result<DabiaFile, TdError> {
    let io = |source| TdError::Io { path: path.to_path_buf(), source };
    let bytes = std::fs::metadata(path).map_err(io)?.len();
    if bytes > MAX_FILE_BYTES {
        let path = path.to_path_buf();
        return Err(TdError::TooLarge { path, bytes, limit: MAX_FILE_BYTES, what: "Dabia file" });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    parse(&text, path)
}

/// Parses and validates the text of a Dabia file; `path` is for messages.
///
/// # Errors
/// As [`read`], without the I/O ones.
pub fn parse(text: &str, path: &Path) -> Result<DabiaFile, TdError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let file: DabiaFile = serde_path_to_error::deserialize(de).map_err(|e| TdError::Json {
        path: path.to_path_buf(),
        field: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    validate(&file, path)?;
    Ok(file)
}

fn validate(f: &DabiaFile, path: &Path) -> Result<(), TdError> {
    let bad = |field: &str, message: String| TdError::Invalid {
        path: PathBuf::from(path),
        field: field.to_string(),
        message,
    };
    let v = f.digraph.vertex_count;
    if !(2..=MAX_VERTICES).contains(&v) {
        return Err(bad(
            "digraph.vertex_count",
            format!("must be in [2, {MAX_VERTICES}], got {v}"),
        ));
    }
    if f.start_depot != 0 {
        return Err(bad("start_depot", format!("must be 0, got {}", f.start_depot)));
    }
    if f.end_depot != v - 1 {
        return Err(bad("end_depot", format!("must be {} (n + 1), got {}", v - 1, f.end_depot)));
    }
    let count = |field: &str, len: usize| {
        if len == v { Ok(()) } else { Err(bad(field, format!("has {len} entries, want {v}"))) }
    };
    count("demands", f.demands.len())?;
    count("service_times", f.service_times.len())?;
    count("time_windows", f.time_windows.len())?;
    count("digraph.coordinates", f.digraph.coordinates.len())?;
    count("distances", f.distances.len())?;
    for (i, row) in f.distances.iter().enumerate() {
        count(&format!("distances[{i}]"), row.len())?;
        let bad_entry = |x: &f64| !(x.is_finite() && (0.0..=MAX_VALUE).contains(x));
        if let Some(j) = row.iter().position(bad_entry) {
            let message = format!("must be in [0, {MAX_VALUE:e}]");
            return Err(bad(&format!("distances[{i}][{j}]"), message));
        }
    }
    count("clusters", f.clusters.len())?;
    for (i, row) in f.clusters.iter().enumerate() {
        count(&format!("clusters[{i}]"), row.len())?;
        if let Some(j) = row.iter().position(|&c| c as usize >= f.cluster_count) {
            let message =
                format!("category {} is not below cluster_count {}", row[j], f.cluster_count);
            return Err(bad(&format!("clusters[{i}][{j}]"), message));
        }
    }
    count("digraph.arcs", f.digraph.arcs.len())?;
    let mut arcs = 0usize;
    for (i, row) in f.digraph.arcs.iter().enumerate() {
        count(&format!("digraph.arcs[{i}]"), row.len())?;
        if let Some(j) = row.iter().position(|&a| a > 1) {
            return Err(bad(&format!("digraph.arcs[{i}][{j}]"), "must be 0 or 1".into()));
        }
        arcs += row.iter().filter(|&&a| a == 1).count();
    }
    if arcs != f.digraph.arc_count {
        let message = format!("says {} arcs, the matrix has {arcs}", f.digraph.arc_count);
        return Err(bad("digraph.arc_count", message));
    }
    if let Some(i) =
        f.digraph.coordinates.iter().position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        return Err(bad(&format!("digraph.coordinates[{i}]"), "must be finite".into()));
    }
    let [h0, h1] = f.horizon;
    if !(h0.is_finite() && h1.is_finite() && 0.0 <= h0 && h0 < h1 && h1 <= MAX_VALUE) {
        return Err(bad("horizon", format!("must be 0 <= start < end <= {MAX_VALUE:e}")));
    }
    for (i, w) in f.time_windows.iter().enumerate() {
        if !(w[0].is_finite()
            && w[1].is_finite()
            && w[0] <= w[1]
            && w[0].abs() <= MAX_VALUE
            && w[1].abs() <= MAX_VALUE)
        {
            return Err(bad(
                &format!("time_windows[{i}]"),
                format!("[{}, {}] is empty or not finite", w[0], w[1]),
            ));
        }
    }
    if let Some(i) =
        f.service_times.iter().position(|&s| !(s.is_finite() && (0.0..=MAX_VALUE).contains(&s)))
    {
        return Err(bad(&format!("service_times[{i}]"), format!("must be in [0, {MAX_VALUE:e}]")));
    }
    let max_q = MAX_VALUE as i64;
    if let Some(i) = f.demands.iter().position(|&d| !(0..=max_q).contains(&d)) {
        return Err(bad(&format!("demands[{i}]"), format!("must be in [0, {max_q}]")));
    }
    if !(0..=max_q).contains(&f.capacity) {
        return Err(bad("capacity", format!("must be in [0, {max_q}]")));
    }
    if f.vehicle_count == 0 || f.vehicle_count > v {
        return Err(bad("vehicle_count", format!("must be in [1, {v}], got {}", f.vehicle_count)));
    }
    if f.cluster_count != f.cluster_speeds.len() {
        let message =
            format!("has {} rows, cluster_count is {}", f.cluster_speeds.len(), f.cluster_count);
        return Err(bad("cluster_speeds", message));
    }
    if f.speed_zone_count != f.speed_zones.len() {
        let message = format!(
            "has {} zones, speed_zone_count is {}",
            f.speed_zones.len(),
            f.speed_zone_count
        );
        return Err(bad("speed_zones", message));
    }
    for (k, z) in f.speed_zones.iter().enumerate() {
        let start_ok = if k == 0 { z[0] == h0 } else { z[0] == f.speed_zones[k - 1][1] };
        if !(start_ok && z[0] < z[1] && z[1].is_finite()) {
            let message = format!(
                "[{}, {}] must start where the previous zone ends (the first at the horizon start) and be non-empty",
                z[0], z[1]
            );
            return Err(bad(&format!("speed_zones[{k}]"), message));
        }
    }
    let starts = f.speed_zones.iter().map(|z| z[0]).collect();
    SpeedModel::new(starts, &f.cluster_speeds).map_err(|e| bad("cluster_speeds", e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2-customer file in the format, as text.
    pub(crate) fn tiny() -> String {
        r#"{"capacity": 10, "cluster_count": 2, "cluster_speeds": [[1, 0.5], [2, 1]],
        "clusters": [[0,0,1,0],[0,0,1,0],[1,1,0,1],[0,0,0,0]], "dataset_name": "t",
        "demands": [0, 4, 5, 0],
        "digraph": {"arc_count": 6, "arcs": [[0,1,1,0],[0,0,1,1],[0,1,0,1],[0,0,0,0]],
          "coordinates": [[0,0],[10,0],[0,10],[0,0]], "vertex_count": 4},
        "distances": [[0,100,100,0],[100,0,141,100],[100,141,0,100],[0,100,100,0]],
        "end_depot": 3, "horizon": [0, 1000], "instance_name": "T1_2",
        "service_times": [0, 10, 10, 0], "speed_zone_count": 2,
        "speed_zones": [[0, 200], [200, 1000]], "start_depot": 0,
        "time_windows": [[0, 1000], [0, 500], [0, 900], [0, 1000]], "vehicle_count": 2}"#
            .to_string()
    }

    #[test]
    fn a_valid_file_reads() {
        let f = parse(&tiny(), Path::new("t.json")).unwrap();
        assert_eq!(f.customers(), 2);
        let inst = f.instance().unwrap();
        assert_eq!(inst.vertices, 4);
        assert_eq!(inst.dist[7], 100.0);
        assert!(inst.dist[12].is_infinite(), "arcs out of the end depot are closed");
    }

    fn error_of(text: &str) -> String {
        parse(text, Path::new("bad.json")).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let t = tiny();
        let e = error_of(&t.replace("\"demands\": [0, 4, 5, 0]", "\"demands\": [0, 4, 5]"));
        assert!(e.contains("bad.json") && e.contains("`demands`"), "{e}");
        let e = error_of(&t.replace("[[0,100,100,0],", "[[0,100,\"x\",0],"));
        assert!(e.contains("distances[0][2]"), "{e}");
        let e = error_of(&t.replace("\"arc_count\": 6", "\"arc_count\": 7"));
        assert!(e.contains("digraph.arc_count"), "{e}");
        let e = error_of(&t.replace("[[0, 200], [200, 1000]]", "[[0, 200], [300, 1000]]"));
        assert!(e.contains("speed_zones[1]"), "{e}");
        let e = error_of(&t.replace("[[1, 0.5], [2, 1]]", "[[1, 0.5], [2, 0]]"));
        assert!(e.contains("cluster_speeds"), "{e}");
        let e = error_of(&t.replace("[1,1,0,1],[0,0,0,0]]", "[1,1,0,2],[0,0,0,0]]"));
        assert!(e.contains("clusters[2][3]"), "{e}");
        let e = error_of(&t.replace("\"end_depot\": 3", "\"end_depot\": 2"));
        assert!(e.contains("end_depot"), "{e}");
        let e = error_of(&t.replace("\"vehicle_count\": 2}", "\"vehicle_count\": 2, \"x\": 1}"));
        assert!(e.contains("unknown field"), "{e}");
        let e = error_of(&t.replace("[0, 500]", "[600, 500]"));
        assert!(e.contains("time_windows[1]"), "{e}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = read(Path::new("no/such/file.json")).unwrap_err().to_string();
        assert!(e.contains("no/such/file.json"), "{e}");
    }
}
