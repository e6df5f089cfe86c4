//! CVRPLIB / VRPLIB instances (`.vrp`, and the ORTEC `.txt` files) and CVRPLIB `.sol`
//! solutions ([`write_sol`], [`parse_sol`]).
//!
//! What the reader accepts is what PyVRP's reader accepts, plus every explicit layout
//! TSPLIB defines:
//! - `EDGE_WEIGHT_TYPE : EUC_2D` with each edge rounded to the nearest integer (the X and
//!   A sets' convention) from `NODE_COORD_SECTION`;
//! - `EDGE_WEIGHT_TYPE : EXPLICIT` with an `EDGE_WEIGHT_SECTION` in any
//!   `EDGE_WEIGHT_FORMAT` of [`Layout`] (`FULL_MATRIX` may be asymmetric); coordinates are
//!   then optional and not used (the objective is the matrix's). The matrix is both the
//!   distance and the travel time, the convention of the ORTEC (EURO-NeurIPS 2022) VRPTW
//!   instances, whose objective is the total driving duration;
//! - `DEMAND_SECTION`, `DEPOT_SECTION` (one or several depots, `-1` ends it; node 1 when
//!   absent), `SERVICE_TIME_SECTION` (or one `SERVICE_TIME` for every customer) and
//!   `TIME_WINDOW_SECTION` (`node ready due`). A depot's window is the shift of its
//!   vehicles; they leave at its `ready` plus its service time (0 in every ORTEC file) and
//!   must be back by its `due`;
//! - `CAPACITY`, `VEHICLES` (vehicles per depot, as PyVRP reads it; unlimited when absent)
//!   and `DISTANCE` (maximum route length, enforced as a maximum duration, which it is
//!   when travel time equals distance and there is no service);
//! - `LINEHAUL_SECTION` (another name of `DEMAND_SECTION`), `BACKHAUL_SECTION` (what a
//!   client sends back to the depot, [`Stop::backhaul`]: the load falls by the linehaul
//!   and rises by the backhaul there, in any order, PyVRP's mixed reading) and
//!   `PICKUP_AND_DELIVERY_SECTION` (rows `node demand ready due service pickup delivery`:
//!   a node's demand, window and service time, and its partner as Li & Lim files give it,
//!   [`lilim`](super::lilim); each pair a [`Shipment`](crate::routing::Shipment), a node
//!   with neither partner a depot delivery) and
//!   `PRIZE_SECTION` (a client
//!   with a prize above 0 is optional, left out when serving it costs more than its prize;
//!   0 keeps it required, PyVRP's reading);
//! - vehicles one by one, as PyVRP's reader takes them ([`fleet`]): `VEHICLES` vehicles
//!   with `CAPACITY_SECTION`, `VEHICLES_DEPOT_SECTION`, `VEHICLES_MAX_DISTANCE(_SECTION)`,
//!   `VEHICLES_MAX_DURATION(_SECTION)`, `VEHICLES_FIXED_COST(_SECTION)`,
//!   `VEHICLES_UNIT_DISTANCE_COST(_SECTION)` and `VEHICLES_ALLOWED_CLIENTS_SECTION`.
//!
//! Other sections (`RELEASE_TIME_SECTION`, `MUTUALLY_EXCLUSIVE_GROUP_SECTION`, reload
//! depots, ...), other specifications and edge
//! weight types are refused as [`RoutingError::Unsupported`] naming them, never skipped: a
//! solution that ignored them would be wrong.
//!
//! Nodes are numbered 1..=`DIMENSION` as the format says; location `i` is node `i + 1`
//! (the matrix's row `i`), and stops are the non-depot nodes in that order.

mod edge_weights;
mod fleet;
mod sol;
#[cfg(test)]
mod tests;

pub use edge_weights::Layout;
pub use sol::{parse_sol, write_sol};

use crate::routing::error::RoutingError;
use crate::routing::formats::pairs::{PairRow, pair_up};
use crate::routing::formats::{num, read_text};
use crate::routing::model::{
    Depot, Locations, MAX_TIME, Metric, Objective, Problem, Stop, TimeWindow, VehicleType,
};
use crate::routing::search::SolverConfig;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const FMT: &str = "vrplib";

/// Most nodes a file may declare (`DIMENSION`): thirty times the largest published CVRP
/// instance (30,000 nodes). Nothing is allocated from `DIMENSION` alone; the tables grow
/// with the rows actually read, and an explicit matrix is checked against the memory
/// limit before it is built.
pub const MAX_DIMENSION: usize = 1_000_000;

/// Reads an instance file.
///
/// # Errors
/// [`RoutingError::Io`], [`RoutingError::Parse`] (with the file and line),
/// [`RoutingError::Unsupported`] for other edge weight types, layouts and sections,
/// [`RoutingError::TooLarge`] for an explicit matrix over the default memory limit.
pub fn read(path: &Path) -> Result<Problem, RoutingError> {
    parse(&read_text(path)?).map_err(|e| e.in_file(path))
}

/// Parses the text of an instance.
///
/// The reader is strict, so that a truncated or damaged file is refused rather than solved
/// as a smaller instance: `DIMENSION` is required before the first section and at most
/// [`MAX_DIMENSION`]; each node section lists exactly `DIMENSION` distinct nodes numbered
/// 1..=`DIMENSION` (coordinates and demands always, service times and time windows when
/// present); an explicit matrix has exactly the entries its layout needs, each a finite
/// number in `[0, MAX_TIME]`; every field parses and rows carry no extra fields.
///
/// # Errors
/// As [`read`], without the I/O.
pub fn parse(text: &str) -> Result<Problem, RoutingError> {
    let mut r = Reader::default();
    for (i, raw) in text.lines().enumerate() {
        r.last_line = i + 1;
        let line = raw.trim();
        if line == "EOF" {
            break;
        }
        if !line.is_empty() {
            r.line(i + 1, line)?;
        }
    }
    r.close_section(r.last_line)?;
    r.finish()
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    /// The specification part (`KEY : value` lines), or after `DEPOT_SECTION`'s `-1`.
    #[default]
    Header,
    Coords,
    Demand,
    Depot,
    EdgeWeight,
    ServiceTime,
    TimeWindow,
    Prize,
    Backhaul,
    PickupDelivery,
    /// A per-vehicle section ([`fleet`]).
    Vehicle(fleet::Field),
}

/// The specifications the reader knows (any other is refused by name); `TYPE`, `COMMENT`
/// and the TSPLIB display keys change nothing.
const SPECS: [&str; 12] = [
    "NAME",
    "COMMENT",
    "TYPE",
    "DIMENSION",
    "EDGE_WEIGHT_TYPE",
    "EDGE_WEIGHT_FORMAT",
    "CAPACITY",
    "VEHICLES",
    "DISTANCE",
    "SERVICE_TIME",
    "NODE_COORD_TYPE",
    "DISPLAY_DATA_TYPE",
];

impl Section {
    fn from_name(name: &str) -> Option<Self> {
        if let Some(field) = fleet::Field::from_section(name) {
            return Some(Self::Vehicle(field));
        }
        Some(match name {
            "NODE_COORD_SECTION" => Self::Coords,
            "DEMAND_SECTION" | "LINEHAUL_SECTION" => Self::Demand,
            "PRIZE_SECTION" => Self::Prize,
            "BACKHAUL_SECTION" => Self::Backhaul,
            "PICKUP_AND_DELIVERY_SECTION" => Self::PickupDelivery,
            "DEPOT_SECTION" => Self::Depot,
            "EDGE_WEIGHT_SECTION" => Self::EdgeWeight,
            "SERVICE_TIME_SECTION" => Self::ServiceTime,
            "TIME_WINDOW_SECTION" => Self::TimeWindow,
            _ => return None,
        })
    }
}

/// One value per node, keyed by node number (1-based); filled as rows are read.
type Table<T> = BTreeMap<usize, T>;

/// The state of a parse.
#[derive(Debug, Default)]
struct Reader {
    header: HashMap<String, String>,
    dimension: Option<usize>,
    section: Section,
    last_line: usize,
    coords: Table<[f64; 2]>,
    demands: Table<i64>,
    service: Table<f64>,
    windows: Table<TimeWindow>,
    prizes: Table<f64>,
    backhauls: Table<i64>,
    /// The partners of `PICKUP_AND_DELIVERY_SECTION`'s nodes.
    pairs: Vec<PairRow>,
    fleet: fleet::Sections,
    depots: Vec<usize>,
    /// The explicit matrix's entries in file order, its layout and their expected count.
    weights: Vec<f64>,
    layout: Option<(Layout, usize)>,
}

impl Reader {
    fn line(&mut self, no: usize, line: &str) -> Result<(), RoutingError> {
        if line.ends_with("_SECTION") {
            self.close_section(no)?;
            return self.open_section(no, line);
        }
        if self.section == Section::Header {
            let Some((k, v)) = line.split_once(':') else {
                return Err(RoutingError::parse(FMT, no, "expected `KEY : value`"));
            };
            let (key, value) = (k.trim().to_uppercase(), v.trim().trim_matches('"').trim());
            if !SPECS.contains(&key.as_str()) && !fleet::FLEET_SPECS.contains(&key.as_str()) {
                return Err(RoutingError::Unsupported {
                    format: FMT,
                    key,
                    value: value.to_owned(),
                });
            }
            if key == "DIMENSION" {
                let dim: usize = num(FMT, no, value, "DIMENSION")?;
                if dim > MAX_DIMENSION {
                    let message = format!("DIMENSION {dim} is over the limit of {MAX_DIMENSION}");
                    return Err(RoutingError::parse(FMT, no, message));
                }
                self.dimension = Some(dim);
            }
            self.header.insert(key, value.to_owned());
            return Ok(());
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let dim = self.dimension.unwrap_or(0);
        match self.section {
            Section::Header => Ok(()),
            Section::Coords => {
                let [id, x, y] = fields(no, &f, "`node x y`")?;
                let point = [finite(no, x, "x")?, finite(no, y, "y")?];
                insert(&mut self.coords, no, node(no, id, dim)?, point, "coordinates")
            }
            Section::Demand => {
                let [id, d] = fields(no, &f, "`node demand`")?;
                let demand = num(FMT, no, d, "demand")?;
                insert(&mut self.demands, no, node(no, id, dim)?, demand, "demand")
            }
            Section::ServiceTime => {
                let [id, s] = fields(no, &f, "`node service_time`")?;
                let s = time(no, s, "service time")?;
                insert(&mut self.service, no, node(no, id, dim)?, s, "service time")
            }
            Section::TimeWindow => {
                let [id, a, b] = fields(no, &f, "`node ready due`")?;
                insert(&mut self.windows, no, node(no, id, dim)?, window(no, a, b)?, "time window")
            }
            Section::Prize => {
                let [id, p] = fields(no, &f, "`node prize`")?;
                let p = time(no, p, "prize")?;
                insert(&mut self.prizes, no, node(no, id, dim)?, p, "prize")
            }
            Section::Backhaul => {
                let [id, b] = fields(no, &f, "`node backhaul`")?;
                let b = num(FMT, no, b, "backhaul")?;
                insert(&mut self.backhauls, no, node(no, id, dim)?, b, "backhaul")
            }
            Section::PickupDelivery => {
                let [id, d, a, b, s, p, q] =
                    fields(no, &f, "`node demand ready due service pickup delivery`")?;
                let id = node(no, id, dim)?;
                let demand: i64 = num(FMT, no, d, "demand")?;
                let w = window(no, a, b)?;
                let partner = |x: &str| -> Result<usize, RoutingError> {
                    if x == "0" { Ok(0) } else { node(no, x, dim) }
                };
                let (pickup, delivery) = (partner(p)?, partner(q)?);
                // Its demand, window and service as the other sections would give them.
                insert(&mut self.demands, no, id, demand.abs(), "demand")?;
                insert(&mut self.windows, no, id, w, "time window")?;
                insert(&mut self.service, no, id, time(no, s, "service time")?, "service time")?;
                self.pairs.push(PairRow { node: id, line: no, demand, pickup, delivery });
                Ok(())
            }
            Section::Vehicle(field) => {
                let vehicles = self.vehicles(no)?;
                self.fleet.row(field, no, &f, vehicles, dim)
            }
            Section::Depot => {
                let [id] = fields(no, &f, "one depot node")?;
                let id: i64 = num(FMT, no, id, "depot node")?;
                if id < 0 {
                    self.section = Section::Header;
                } else {
                    self.depots.push(node(no, &id.to_string(), dim)?);
                }
                Ok(())
            }
            Section::EdgeWeight => {
                let expected = self.layout.map_or(0, |l| l.1);
                for field in f {
                    if self.weights.len() == expected {
                        let message = format!("more than the {expected} matrix entries");
                        return Err(RoutingError::parse(FMT, no, message));
                    }
                    self.weights.push(time(no, field, "edge weight")?);
                }
                Ok(())
            }
        }
    }

    /// `VEHICLES`, which a per-vehicle section needs before its rows.
    fn vehicles(&self, no: usize) -> Result<usize, RoutingError> {
        let Some(v) = self.header.get("VEHICLES") else {
            return Err(RoutingError::parse(FMT, no, "a per-vehicle section needs VEHICLES first"));
        };
        let v: usize = num(FMT, no, v, "VEHICLES")?;
        // Vehicles described one by one are built one by one: bounded as nodes are.
        if v > MAX_DIMENSION {
            let message = format!("VEHICLES {v} is over the limit of {MAX_DIMENSION}");
            return Err(RoutingError::parse(FMT, no, message));
        }
        Ok(v)
    }

    /// Enters a section: `DIMENSION` must be known by now, and a matrix must be explicit,
    /// with a known layout, and fit the memory limit.
    fn open_section(&mut self, no: usize, name: &str) -> Result<(), RoutingError> {
        let Some(section) = Section::from_name(name) else {
            return Err(RoutingError::Unsupported {
                format: FMT,
                key: name.to_owned(),
                value: String::new(),
            });
        };
        let Some(dim) = self.dimension else {
            return Err(RoutingError::parse(FMT, no, "missing DIMENSION before the sections"));
        };
        if section == Section::EdgeWeight {
            if self.layout.is_some() {
                return Err(RoutingError::parse(FMT, no, "a second EDGE_WEIGHT_SECTION"));
            }
            match self.header.get("EDGE_WEIGHT_TYPE").map(String::as_str) {
                Some("EXPLICIT") => {}
                other => {
                    let message = format!(
                        "EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_TYPE : EXPLICIT, not {}",
                        other.unwrap_or("(missing)")
                    );
                    return Err(RoutingError::parse(FMT, no, message));
                }
            }
            let Some(format) = self.header.get("EDGE_WEIGHT_FORMAT") else {
                return Err(RoutingError::parse(FMT, no, "missing EDGE_WEIGHT_FORMAT"));
            };
            let layout = Layout::from_name(format)?;
            check_matrix_memory(dim)?;
            let Some(entries) = layout.entries(dim) else {
                return Err(RoutingError::parse(FMT, no, "DIMENSION too large for a matrix"));
            };
            self.layout = Some((layout, entries));
        }
        self.section = section;
        Ok(())
    }

    /// Leaves a section at line `no` (the next section's header, or the end of the text):
    /// a matrix must be complete.
    fn close_section(&mut self, no: usize) -> Result<(), RoutingError> {
        if let (Section::EdgeWeight, Some((layout, expected))) = (self.section, self.layout)
            && self.weights.len() < expected
        {
            let message = format!(
                "EDGE_WEIGHT_SECTION ends after {} of the {expected} entries of a {} of \
                 DIMENSION {} (truncated file?)",
                self.weights.len(),
                layout.name(),
                self.dimension.unwrap_or(0)
            );
            return Err(RoutingError::parse(FMT, no, message));
        }
        self.section = Section::Header;
        Ok(())
    }

    /// Every node of every section, then the problem.
    fn finish(self) -> Result<Problem, RoutingError> {
        let Some(dim) = self.dimension else {
            return Err(RoutingError::parse(FMT, 0, "missing DIMENSION"));
        };
        let explicit = match self.header.get("EDGE_WEIGHT_TYPE").map(String::as_str) {
            Some("EUC_2D") => false,
            Some("EXPLICIT") => true,
            other => {
                return Err(RoutingError::Unsupported {
                    format: FMT,
                    key: "EDGE_WEIGHT_TYPE".into(),
                    value: other.unwrap_or("(missing)").to_owned(),
                });
            }
        };
        let at = self.last_line;
        let count = |what: &str, got: usize| {
            if got == dim {
                return Ok(());
            }
            let message =
                format!("DIMENSION is {dim} but {what} has {got} nodes (truncated file?)");
            Err(RoutingError::parse(FMT, at, message))
        };
        if !explicit || !self.coords.is_empty() {
            count("NODE_COORD_SECTION", self.coords.len())?;
        }
        count("DEMAND_SECTION", self.demands.len())?;
        if !self.service.is_empty() {
            count("SERVICE_TIME_SECTION", self.service.len())?;
        }
        if !self.windows.is_empty() {
            count("TIME_WINDOW_SECTION", self.windows.len())?;
        }
        if !self.prizes.is_empty() {
            count("PRIZE_SECTION", self.prizes.len())?;
        }
        if !self.backhauls.is_empty() {
            count("BACKHAUL_SECTION", self.backhauls.len())?;
        }
        let locations = match self.layout {
            Some((layout, _)) => {
                let m = layout.fill(dim, &self.weights);
                Locations::Matrix { distance: m.clone(), duration: m }
            }
            None if explicit => {
                return Err(RoutingError::parse(FMT, at, "missing EDGE_WEIGHT_SECTION"));
            }
            None => Locations::Coordinates {
                points: self.coords.values().copied().collect(),
                metric: Metric::EuclideanRounded,
            },
        };
        self.build(dim, locations)
    }

    fn build(self, dim: usize, locations: Locations) -> Result<Problem, RoutingError> {
        let header = |key: &str| self.header.get(key).map(String::as_str);
        let per_vehicle = !self.fleet.is_empty()
            || fleet::FLEET_SPECS.iter().any(|k| self.header.contains_key(*k));
        let default_service = match header("SERVICE_TIME") {
            Some(_) if !self.service.is_empty() => {
                let message = "both SERVICE_TIME and SERVICE_TIME_SECTION";
                return Err(RoutingError::parse(FMT, 0, message));
            }
            Some(s) => time(0, s, "SERVICE_TIME")?,
            None => 0.0,
        };
        let mut depots = self.depots.clone();
        if depots.is_empty() {
            depots.push(1);
        }
        let window = |id: usize| self.windows.get(&id).copied().unwrap_or(TimeWindow::ALWAYS);
        let mut stops: Vec<Stop> = (1..=dim)
            .filter(|id| !depots.contains(id))
            .map(|id| Stop {
                time_window: window(id),
                service_time: self.service.get(&id).copied().unwrap_or(default_service),
                unserved_penalty: self.prizes.get(&id).copied().filter(|&p| p > 0.0),
                backhaul: self
                    .backhauls
                    .get(&id)
                    .copied()
                    .filter(|&b| b != 0)
                    .map_or_else(Vec::new, |b| vec![b]),
                ..Stop::new(
                    id.to_string(),
                    id - 1,
                    vec![self.demands.get(&id).copied().unwrap_or(0)],
                )
            })
            .collect();
        // A depot's window is its vehicles' shift: they leave after its service time.
        let shift = |id: usize| {
            let w = window(id);
            TimeWindow {
                start: w.start + self.service.get(&id).copied().unwrap_or(0.0),
                end: w.end,
            }
        };
        let vehicle_types = if per_vehicle {
            let vehicles = self.vehicles(0)?;
            self.fleet.vehicle_types(&self.header, vehicles, &depots, shift, &mut stops)?
        } else {
            let capacity: i64 = match header("CAPACITY") {
                Some(c) => num(FMT, 0, c, "CAPACITY")?,
                None => return Err(RoutingError::parse(FMT, 0, "missing CAPACITY")),
            };
            let count = match header("VEHICLES") {
                Some(v) => num(FMT, 0, v, "VEHICLES")?,
                None => stops.len().max(1),
            };
            let max_duration = match header("DISTANCE") {
                Some(v) => Some(time(0, v, "DISTANCE")?),
                None => None,
            };
            depots
                .iter()
                .enumerate()
                .map(|(d, &id)| {
                    let mut v = VehicleType::new(format!("vehicle-{id}"), count, vec![capacity]);
                    (v.start_depot, v.end_depot, v.max_duration) = (d, Some(d), max_duration);
                    v.shift = shift(id);
                    v
                })
                .collect()
        };
        // Stop `i` is the `i`-th node that is not a depot.
        let clients: Vec<usize> = (1..=dim).filter(|id| !depots.contains(id)).collect();
        let stop_of = |node: usize| clients.binary_search(&node).ok();
        let tasks: Vec<PairRow> =
            self.pairs.iter().copied().filter(|r| !depots.contains(&r.node)).collect();
        if let Some(r) =
            self.pairs.iter().find(|r| depots.contains(&r.node) && (r.pickup, r.delivery) != (0, 0))
        {
            let message = format!("depot node {} names a partner", r.node);
            return Err(RoutingError::parse(FMT, r.line, message));
        }
        let shipments = pair_up(FMT, &tasks, stop_of, true)?;
        Ok(Problem {
            profiles: Vec::new(),
            name: header("NAME").unwrap_or_default().to_owned(),
            locations,
            depots: depots
                .iter()
                .map(|&id| Depot { id: id.to_string().into(), location: id - 1 })
                .collect(),
            vehicle_types,
            stops,
            objective: Objective::default(),
            shipments,
        })
    }
}

/// Two `dim` x `dim` matrices of `f64` (distance and duration) must fit the solver's
/// default memory limit: the text alone could claim a matrix many times its own size.
fn check_matrix_memory(dim: usize) -> Result<(), RoutingError> {
    let needed = 16u64.saturating_mul(dim as u64).saturating_mul(dim as u64);
    let limit = SolverConfig::default().memory_limit_mb.saturating_mul(1 << 20);
    if needed > limit {
        return Err(RoutingError::TooLarge {
            locations: dim,
            needed_mb: needed.div_ceil(1 << 20),
            limit_mb: limit >> 20,
        });
    }
    Ok(())
}

/// The fields of a row, exactly `N` of them.
fn fields<'a, const N: usize>(
    no: usize,
    f: &[&'a str],
    what: &str,
) -> Result<[&'a str; N], RoutingError> {
    <[&str; N]>::try_from(f).map_err(|_| RoutingError::parse(FMT, no, format!("expected {what}")))
}

/// A node number in 1..=`dim`.
fn node(no: usize, field: &str, dim: usize) -> Result<usize, RoutingError> {
    let id: usize = num(FMT, no, field, "node number")?;
    if !(1..=dim).contains(&id) {
        let message = format!("node {id} is outside 1..={dim} (DIMENSION)");
        return Err(RoutingError::parse(FMT, no, message));
    }
    Ok(id)
}

/// A finite number.
fn finite(no: usize, field: &str, what: &str) -> Result<f64, RoutingError> {
    let x: f64 = num(FMT, no, field, what)?;
    if !x.is_finite() {
        return Err(RoutingError::parse(FMT, no, format!("{what} `{field}` is not finite")));
    }
    Ok(x)
}

/// A time, duration or edge weight: finite, in `[0, MAX_TIME]`.
fn time(no: usize, field: &str, what: &str) -> Result<f64, RoutingError> {
    let x = finite(no, field, what)?;
    if !(0.0..=MAX_TIME).contains(&x) {
        let message = format!("{what} {x} is outside [0, {MAX_TIME:e}]");
        return Err(RoutingError::parse(FMT, no, message));
    }
    Ok(x)
}

/// A window `ready due` at line `no`: two times, the first not after the second.
fn window(no: usize, ready: &str, due: &str) -> Result<TimeWindow, RoutingError> {
    let w = TimeWindow { start: time(no, ready, "ready time")?, end: time(no, due, "due")? };
    if w.start > w.end {
        let message = format!("ready {} after due {}", w.start, w.end);
        return Err(RoutingError::parse(FMT, no, message));
    }
    Ok(w)
}

/// Adds a node's row to its table, refusing a node given twice.
fn insert<T>(
    table: &mut Table<T>,
    no: usize,
    id: usize,
    value: T,
    what: &str,
) -> Result<(), RoutingError> {
    if table.insert(id, value).is_some() {
        return Err(RoutingError::parse(FMT, no, format!("{what} of node {id} twice")));
    }
    Ok(())
}
