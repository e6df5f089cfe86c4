//! The EURO Meets NeurIPS 2022 dynamic variant's data: the static instance as the dynamic
//! rules read it ([`Instance`]) and a stored request stream ([`Episode`]).
//!
//! The instance is read by the routing stage's VRPLIB reader and then re-stated in integer
//! seconds: the rules compare times exactly (`max(p + d[0,c], ready) <= due`), and the
//! ORTEC files are integers throughout, so a fractional value is refused rather than
//! rounded. The episode reader is strict: the header must be the documented one, request
//! ids run 1..R in release order, every number parses, every node exists, and each row's
//! `must_dispatch_epoch` is recomputed from the rules and must agree, so a damaged or
//! hand-edited file is refused with its line instead of being played differently from the
//! competition's environment.

use crate::dispatch::error::DispatchError;
use crate::routing::{Locations, Problem};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Length of an epoch.
///
/// # Units
/// Seconds.
pub const EPOCH_S: i64 = 3600;

/// Time between the start of an epoch and the departure of the routes dispatched in it.
///
/// # Units
/// Seconds.
pub const DISPATCH_MARGIN_S: i64 = 3600;

/// Most requests the environment samples per epoch (before its feasibility filter).
pub const MAX_REQUESTS_PER_EPOCH: usize = 100;

/// Largest epoch index accepted (a day of hourly epochs with room to spare).
pub const MAX_EPOCH: u32 = 1000;

/// Largest episode file accepted, in bytes.
pub const MAX_EPISODE_BYTES: u64 = 64 << 20;

/// The id of a request in an episode (1..R; 0 is the depot in the environment's answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub u32);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One node of the static instance (node 0 is the depot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// Earliest service start, seconds from the start of the day.
    pub ready_s: i64,
    /// Latest service start (the depot's: latest return).
    pub due_s: i64,
    /// Service duration, seconds.
    pub service_s: i64,
    /// Demand (0 at the depot).
    pub demand: i64,
}

/// A static ORTEC instance as the dynamic rules use it: one depot at node 0, an explicit
/// asymmetric duration matrix, one capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The instance's name.
    pub name: String,
    /// `duration_s[i][j]`: driving time from node i to node j, seconds.
    pub duration_s: Vec<Vec<i64>>,
    /// Nodes in matrix order, depot first.
    pub nodes: Vec<Node>,
    /// Vehicle capacity.
    pub capacity: i64,
}

impl Instance {
    /// Reads an ORTEC instance file (VRPLIB with an explicit matrix and time windows).
    ///
    /// # Errors
    /// [`DispatchError::InstanceFile`] with the reader's error, or
    /// [`DispatchError::Instance`] when the problem is not of the ORTEC shape.
    pub fn read(path: &Path) -> Result<Self, DispatchError> {
        let problem = crate::routing::formats::vrplib::read(path)?;
        Self::from_problem(&problem)
    }

    /// The instance of a routing problem of the ORTEC shape: an explicit matrix whose
    /// durations are the objective, one depot at location 0, one vehicle type with one
    /// capacity, integer times and stops at locations 1..n in order.
    ///
    /// # Errors
    /// [`DispatchError::Instance`] naming what does not fit.
    pub fn from_problem(p: &Problem) -> Result<Self, DispatchError> {
        let fail = |message: String| DispatchError::Instance { name: p.name.clone(), message };
        let Locations::Matrix { duration, .. } = &p.locations else {
            return Err(fail("needs an explicit duration matrix (EDGE_WEIGHT_SECTION)".into()));
        };
        if p.depots.len() != 1 || p.depots[0].location != 0 {
            return Err(fail("needs exactly one depot, at node 1".into()));
        }
        let [vt] = p.vehicle_types.as_slice() else {
            return Err(fail("needs exactly one vehicle type".into()));
        };
        let [capacity] = vt.capacity.as_slice() else {
            return Err(fail("needs exactly one capacity dimension".into()));
        };
        let int = |x: f64, what: &str| -> Result<i64, DispatchError> {
            if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
                Ok(x as i64)
            } else {
                Err(fail(format!("{what} {x} is not an integer number of seconds")))
            }
        };
        let n = duration.len();
        if p.stops.len() + 1 != n || p.stops.is_empty() {
            return Err(fail(format!("{} stops for a {n} x {n} matrix", p.stops.len())));
        }
        let mut matrix = Vec::with_capacity(n);
        for row in duration {
            matrix.push(row.iter().map(|&x| int(x, "duration")).collect::<Result<Vec<_>, _>>()?);
        }
        let mut nodes = Vec::with_capacity(n);
        nodes.push(Node {
            ready_s: int(vt.shift.start, "depot ready")?,
            due_s: int(vt.shift.end, "depot due")?,
            service_s: 0,
            demand: 0,
        });
        for (i, s) in p.stops.iter().enumerate() {
            if s.location != i + 1 {
                return Err(fail(format!("stop {} is not at node {}", s.id, i + 2)));
            }
            nodes.push(Node {
                ready_s: int(s.time_window.start, "ready")?,
                due_s: int(s.time_window.end, "due")?,
                service_s: int(s.service_time, "service time")?,
                demand: s.demand.first().copied().unwrap_or(0),
            });
        }
        Ok(Self { name: p.name.clone(), duration_s: matrix, nodes, capacity: *capacity })
    }

    /// Number of customers (nodes other than the depot).
    pub fn customers(&self) -> usize {
        self.nodes.len() - 1
    }

    /// The depot's due time: every route must be back by it.
    ///
    /// # Units
    /// Seconds from the start of the day.
    pub fn horizon_s(&self) -> i64 {
        self.nodes[0].due_s
    }

    /// The first and last epoch of the dynamic episode:
    /// `max((min ready - 3600) // 3600, 0)` and the same with the largest ready time,
    /// over customers only (floor division, as Python's `//`).
    pub fn epochs(&self) -> (u32, u32) {
        let customers = &self.nodes[1..];
        let epoch = |ready: i64| (ready - DISPATCH_MARGIN_S).div_euclid(EPOCH_S).max(0);
        let lo = customers.iter().map(|c| c.ready_s).min().unwrap_or(0);
        let hi = customers.iter().map(|c| c.ready_s).max().unwrap_or(0);
        let clip = |e: i64| u32::try_from(e).unwrap_or(u32::MAX).min(MAX_EPOCH);
        (clip(epoch(lo)), clip(epoch(hi)))
    }

    /// Whether a request at `node` with window `[ready_s, due_s]` and `service_s` can be
    /// served by a route of its own leaving the depot at `departure_s`: service starts by
    /// its due time and the vehicle is back by the depot's.
    pub fn fits_alone(
        &self,
        node: usize,
        ready_s: i64,
        due_s: i64,
        service_s: i64,
        departure_s: i64,
    ) -> bool {
        let start = (departure_s + self.duration_s[0][node]).max(ready_s);
        start <= due_s && start + service_s + self.duration_s[node][0] <= self.horizon_s()
    }
}

/// When routes dispatched in `epoch` leave the depot.
///
/// # Units
/// Seconds from the start of the day.
pub fn departure_s(epoch: u32) -> i64 {
    EPOCH_S * i64::from(epoch) + DISPATCH_MARGIN_S
}

/// One request of an episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Its id (1..R).
    pub id: RequestId,
    /// The epoch it becomes known.
    pub release_epoch: u32,
    /// The first epoch at which it must be dispatched (the episode's last epoch for
    /// those never flagged before it).
    pub must_dispatch_epoch: u32,
    /// Its node (matrix row and column; never the depot).
    pub node: usize,
    /// Earliest service start, seconds from the start of the day.
    pub ready_s: i64,
    /// Latest service start.
    pub due_s: i64,
    /// Service duration, seconds.
    pub service_s: i64,
    /// Demand.
    pub demand: i64,
}

/// The epoch from which a request released in `release` must be dispatched: the first
/// epoch `e >= release`, before `end`, at which waiting one more epoch would make it
/// infeasible even alone; `end` when there is none.
pub fn must_dispatch_epoch(
    instance: &Instance,
    node: usize,
    ready_s: i64,
    due_s: i64,
    service_s: i64,
    release: u32,
    end: u32,
) -> u32 {
    (release..end)
        .find(|&e| !instance.fits_alone(node, ready_s, due_s, service_s, departure_s(e + 1)))
        .unwrap_or(end)
}

/// A dynamic episode: the request stream of one instance and seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// First epoch.
    pub start_epoch: u32,
    /// Last epoch (every remaining request must be dispatched in it).
    pub end_epoch: u32,
    /// Requests in id order (`requests[i].id == i + 1`).
    pub requests: Vec<Request>,
}

/// The documented header of an episode file.
pub const EPISODE_HEADER: &str =
    "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand";

impl Episode {
    /// Reads an episode file of `instance`.
    ///
    /// # Errors
    /// [`DispatchError::Io`], [`DispatchError::Episode`] naming the file and line.
    pub fn read(path: &Path, instance: &Instance) -> Result<Self, DispatchError> {
        let io = |source| DispatchError::Io { path: path.to_path_buf(), source };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_EPISODE_BYTES {
            let message = format!("{len} bytes, over the limit of {MAX_EPISODE_BYTES}");
            return Err(DispatchError::Episode { file: Some(path.into()), line: 0, message });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::parse(&text, instance).map_err(|e| match e {
            DispatchError::Episode { line, message, .. } => {
                DispatchError::Episode { file: Some(path.to_path_buf()), line, message }
            }
            other => other,
        })
    }

    /// Parses the text of an episode file (see the module docs for what is checked).
    ///
    /// # Errors
    /// [`DispatchError::Episode`] with the line.
    pub fn parse(text: &str, instance: &Instance) -> Result<Self, DispatchError> {
        let bad =
            |line: usize, message: String| DispatchError::Episode { file: None, line, message };
        let (start_epoch, end_epoch) = instance.epochs();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim() == EPISODE_HEADER => {}
            _ => return Err(bad(1, format!("the header must be `{EPISODE_HEADER}`"))),
        }
        let epochs = (end_epoch - start_epoch + 1) as usize;
        let most = epochs * MAX_REQUESTS_PER_EPOCH;
        let mut requests: Vec<Request> = Vec::new();
        for (i, raw) in lines {
            let line = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            if requests.len() == most {
                let message = format!("more than {most} requests for {epochs} epochs");
                return Err(bad(line, message));
            }
            let fields: Vec<&str> = raw.trim().split(',').collect();
            if fields.len() != 8 {
                return Err(bad(line, format!("{} fields, expected 8", fields.len())));
            }
            let mut v = [0i64; 8];
            for (k, (slot, field)) in v.iter_mut().zip(&fields).enumerate() {
                let name = EPISODE_HEADER.split(',').nth(k).unwrap_or("field");
                *slot = field.trim().parse().map_err(|_| {
                    bad(line, format!("column {name}: `{field}` is not an integer"))
                })?;
            }
            let [id, release, must, node, ready, due, service, demand] = v;
            let expected = requests.len() as i64 + 1;
            if id != expected {
                return Err(bad(line, format!("request id {id}, expected {expected}")));
            }
            let epoch_of = |x: i64, name: &str| -> Result<u32, DispatchError> {
                match u32::try_from(x) {
                    Ok(e) if (start_epoch..=end_epoch).contains(&e) => Ok(e),
                    _ => Err(bad(
                        line,
                        format!(
                            "{name} {x} outside the episode's epochs {start_epoch}..={end_epoch}"
                        ),
                    )),
                }
            };
            let release = epoch_of(release, "release_epoch")?;
            let must = epoch_of(must, "must_dispatch_epoch")?;
            if let Some(prev) = requests.last()
                && prev.release_epoch > release
            {
                return Err(bad(line, "release epochs must not decrease with the id".into()));
            }
            let node = match usize::try_from(node) {
                Ok(n) if (1..instance.nodes.len()).contains(&n) => n,
                _ => {
                    let message =
                        format!("node {node} is not a customer (1..={})", instance.customers());
                    return Err(bad(line, message));
                }
            };
            if !(0 <= ready && ready <= due)
                || service < 0
                || !(0..=instance.capacity).contains(&demand)
            {
                let message = format!(
                    "needs 0 <= ready <= due, service >= 0 and 0 <= demand <= capacity {}",
                    instance.capacity
                );
                return Err(bad(line, message));
            }
            if !instance.fits_alone(node, ready, due, service, departure_s(release)) {
                let message = format!("request {id} cannot be served alone from its release epoch");
                return Err(bad(line, message));
            }
            let rule = must_dispatch_epoch(instance, node, ready, due, service, release, end_epoch);
            if must != rule {
                let message = format!("must_dispatch_epoch {must}, the rules give {rule}");
                return Err(bad(line, message));
            }
            requests.push(Request {
                id: RequestId(id as u32),
                release_epoch: release,
                must_dispatch_epoch: must,
                node,
                ready_s: ready,
                due_s: due,
                service_s: service,
                demand,
            });
        }
        Ok(Self { start_epoch, end_epoch, requests })
    }

    /// The request with this id, if the episode has it.
    pub fn request(&self, id: RequestId) -> Option<&Request> {
        (id.0 as usize).checked_sub(1).and_then(|i| self.requests.get(i))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Depot + 2 customers; epochs 0..=1 (ready times 4000 and 8000).
    pub(crate) const TINY: &str = "NAME : t\nTYPE : VRPTW\nDIMENSION : 3\n\
        EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\nCAPACITY : 10\n\
        EDGE_WEIGHT_SECTION\n0 600 700\n600 0 300\n700 300 0\nDEMAND_SECTION\n1 0\n2 3\n3 4\n\
        DEPOT_SECTION\n1\n-1\nSERVICE_TIME_SECTION\n1 0\n2 60\n3 60\nTIME_WINDOW_SECTION\n\
        1 0 20000\n2 4000 12000\n3 8000 16000\nEOF\n";

    pub(crate) const STREAM: &str = "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand\n\
        1,0,1,1,4000,12000,60,3\n2,1,1,2,8000,16000,60,4\n";

    pub(crate) fn tiny() -> Instance {
        Instance::from_problem(&crate::routing::formats::vrplib::parse(TINY).unwrap()).unwrap()
    }

    fn refused(text: &str) -> (usize, String) {
        match Episode::parse(text, &tiny()) {
            Err(DispatchError::Episode { line, message, .. }) => (line, message),
            other => panic!("expected an episode error, got {other:?}"),
        }
    }

    #[test]
    fn the_instance_and_its_epochs_follow_the_rules() {
        let i = tiny();
        assert_eq!(i.customers(), 2);
        assert_eq!(i.horizon_s(), 20000);
        assert_eq!(i.epochs(), (0, 1));
        assert_eq!(departure_s(0), 3600);
        // Alone from 3600: arrives 4200, starts 4200 <= 12000, back at 4860.
        assert!(i.fits_alone(1, 4000, 12000, 60, 3600));
        assert!(!i.fits_alone(1, 4000, 4100, 60, 3600));
        assert!(!i.fits_alone(2, 8000, 16000, 60, 19500));
    }

    #[test]
    fn a_valid_stream_reads() {
        let e = Episode::parse(STREAM, &tiny()).unwrap();
        assert_eq!(e.requests.len(), 2);
        assert_eq!(e.request(RequestId(2)).unwrap().node, 2);
        assert!(e.request(RequestId(0)).is_none());
        assert!(e.request(RequestId(3)).is_none());
    }

    #[test]
    fn every_kind_of_bad_row_is_refused_with_its_line() {
        let (line, m) = refused("request,node\n");
        assert!(line == 1 && m.contains("header"), "{m}");
        let (line, m) = refused(&STREAM.replace("2,1,1,2,", "3,1,1,2,"));
        assert!(line == 3 && m.contains("expected 2"), "{m}");
        let (line, m) = refused(&STREAM.replace("2,1,1,2,8000", "2,1,1,9,8000"));
        assert!(line == 3 && m.contains("not a customer"), "{m}");
        let (line, m) = refused(&STREAM.replace("1,0,1,1,", "1,0,0,1,"));
        assert!(line == 2 && m.contains("the rules give 1"), "{m}");
        let (line, m) = refused(&STREAM.replace("1,0,1,1,", "1,5,1,1,"));
        assert!(line == 2 && m.contains("outside"), "{m}");
        let (line, m) = refused(&STREAM.replace(",60,4\n", ",60,x\n"));
        assert!(line == 3 && m.contains("demand"), "{m}");
        let (line, m) = refused(&STREAM.replace(",60,4\n", ",60,4,7\n"));
        assert!(line == 3 && m.contains("9 fields"), "{m}");
        let (_, m) = refused(&STREAM.replace(",60,4\n", ",60,11\n"));
        assert!(m.contains("capacity"), "{m}");
        let (_, m) = refused(&STREAM.replace("1,0,1,1,4000,12000", "1,0,1,1,4000,4100"));
        assert!(m.contains("alone"), "{m}");
        let swapped = STREAM.replace("1,0,1,1,", "1,1,1,1,").replace("2,1,1,2,", "2,0,1,2,");
        let (_, m) = refused(&swapped);
        assert!(m.contains("decrease"), "{m}");
    }

    #[test]
    fn a_problem_of_another_shape_is_refused() {
        let mut p = crate::routing::formats::vrplib::parse(TINY).unwrap();
        p.stops[0].service_time = 1.5;
        assert!(matches!(Instance::from_problem(&p), Err(DispatchError::Instance { .. })));
        let coords = "NAME : c\nTYPE : CVRP\nDIMENSION : 2\nEDGE_WEIGHT_TYPE : EUC_2D\n\
            CAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nDEMAND_SECTION\n1 0\n2 1\n\
            DEPOT_SECTION\n1\n-1\nEOF\n";
        let p = crate::routing::formats::vrplib::parse(coords).unwrap();
        let err = Instance::from_problem(&p).unwrap_err();
        assert!(err.to_string().contains("explicit duration matrix"), "{err}");
    }
}
