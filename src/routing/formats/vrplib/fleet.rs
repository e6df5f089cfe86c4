//! The fleet of a VRPLIB file when it describes its vehicles one by one, as PyVRP's reader
//! takes them: `VEHICLES` vehicles numbered 1..=`VEHICLES`, each with the values of the
//! per-vehicle sections (`CAPACITY_SECTION`, `VEHICLES_DEPOT_SECTION`,
//! `VEHICLES_MAX_DISTANCE_SECTION`, `VEHICLES_MAX_DURATION_SECTION`,
//! `VEHICLES_FIXED_COST_SECTION`, `VEHICLES_UNIT_DISTANCE_COST_SECTION`,
//! `VEHICLES_ALLOWED_CLIENTS_SECTION`, each row `vehicle value...`) or else of the
//! specification of the same name (`CAPACITY`, `VEHICLES_MAX_DISTANCE`, ...).
//!
//! Vehicles with the same values become one vehicle type (their count). Allowed clients
//! become skills: each client that not every vehicle may serve needs one skill, named by
//! the set of vehicles allowed to serve it, which exactly those vehicles have.

use super::{FMT, Table, fields, insert, node, time};
use crate::ids::SkillId;
use crate::routing::error::RoutingError;
use crate::routing::formats::num;
use crate::routing::model::{MAX_SKILLS, Stop, TimeWindow, VehicleType};
use std::collections::{BTreeSet, HashMap};

/// A per-vehicle section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Capacity,
    Depot,
    MaxDistance,
    MaxDuration,
    FixedCost,
    UnitDistanceCost,
    AllowedClients,
}

impl Field {
    pub(super) fn from_section(name: &str) -> Option<Self> {
        Some(match name {
            "CAPACITY_SECTION" => Self::Capacity,
            "VEHICLES_DEPOT_SECTION" => Self::Depot,
            "VEHICLES_MAX_DISTANCE_SECTION" => Self::MaxDistance,
            "VEHICLES_MAX_DURATION_SECTION" => Self::MaxDuration,
            "VEHICLES_FIXED_COST_SECTION" => Self::FixedCost,
            "VEHICLES_UNIT_DISTANCE_COST_SECTION" => Self::UnitDistanceCost,
            "VEHICLES_ALLOWED_CLIENTS_SECTION" => Self::AllowedClients,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Capacity => "CAPACITY_SECTION",
            Self::Depot => "VEHICLES_DEPOT_SECTION",
            Self::MaxDistance => "VEHICLES_MAX_DISTANCE_SECTION",
            Self::MaxDuration => "VEHICLES_MAX_DURATION_SECTION",
            Self::FixedCost => "VEHICLES_FIXED_COST_SECTION",
            Self::UnitDistanceCost => "VEHICLES_UNIT_DISTANCE_COST_SECTION",
            Self::AllowedClients => "VEHICLES_ALLOWED_CLIENTS_SECTION",
        }
    }
}

/// The specifications that apply to every vehicle unless a section says otherwise.
pub(super) const FLEET_SPECS: [&str; 4] = [
    "VEHICLES_MAX_DISTANCE",
    "VEHICLES_MAX_DURATION",
    "VEHICLES_FIXED_COST",
    "VEHICLES_UNIT_DISTANCE_COST",
];

/// The per-vehicle rows read so far.
#[derive(Debug, Default)]
pub(super) struct Sections {
    capacity: Table<i64>,
    depot: Table<usize>,
    max_distance: Table<f64>,
    max_duration: Table<f64>,
    fixed_cost: Table<f64>,
    unit_cost: Table<f64>,
    allowed: Table<Vec<usize>>,
}

/// One vehicle's values.
#[derive(Debug, Clone, PartialEq)]
struct Vehicle {
    depot: usize,
    capacity: i64,
    max_distance: Option<f64>,
    max_duration: Option<f64>,
    fixed_cost: f64,
    unit_cost: f64,
    allowed: Option<BTreeSet<usize>>,
}

impl Sections {
    /// Whether no per-vehicle section was read.
    pub(super) fn is_empty(&self) -> bool {
        self.capacity.is_empty()
            && self.depot.is_empty()
            && self.max_distance.is_empty()
            && self.max_duration.is_empty()
            && self.fixed_cost.is_empty()
            && self.unit_cost.is_empty()
            && self.allowed.is_empty()
    }

    /// One row of section `field` at line `no`: a vehicle in 1..=`vehicles`, then its
    /// value (node numbers in 1..=`dim` for depots and allowed clients).
    pub(super) fn row(
        &mut self,
        field: Field,
        no: usize,
        f: &[&str],
        vehicles: usize,
        dim: usize,
    ) -> Result<(), RoutingError> {
        let Some((&first, rest)) = f.split_first() else { return Ok(()) };
        let v: usize = num(FMT, no, first, "vehicle number")?;
        if !(1..=vehicles).contains(&v) {
            let message = format!("vehicle {v} is outside 1..={vehicles} (VEHICLES)");
            return Err(RoutingError::parse(FMT, no, message));
        }
        let what = field.name();
        match field {
            Field::AllowedClients => {
                let clients = rest.iter().map(|c| node(no, c, dim)).collect::<Result<_, _>>()?;
                insert(&mut self.allowed, no, v, clients, what)
            }
            Field::Capacity => {
                let [c] = fields(no, rest, "`vehicle capacity`")?;
                let c: i64 = num(FMT, no, c, "capacity")?;
                if c < 0 {
                    return Err(RoutingError::parse(FMT, no, format!("capacity {c} is negative")));
                }
                insert(&mut self.capacity, no, v, c, what)
            }
            Field::Depot => {
                let [d] = fields(no, rest, "`vehicle depot`")?;
                insert(&mut self.depot, no, v, node(no, d, dim)?, what)
            }
            Field::MaxDistance
            | Field::MaxDuration
            | Field::FixedCost
            | Field::UnitDistanceCost => {
                let [x] = fields(no, rest, "`vehicle value`")?;
                let x = time(no, x, what)?;
                let table = match field {
                    Field::MaxDistance => &mut self.max_distance,
                    Field::MaxDuration => &mut self.max_duration,
                    Field::FixedCost => &mut self.fixed_cost,
                    _ => &mut self.unit_cost,
                };
                insert(table, no, v, x, what)
            }
        }
    }

    /// The vehicle types of `vehicles` vehicles (identical ones counted together), each
    /// based at its depot (a node of `depots`, the first by default) with the shift
    /// `shift(depot node)`; gives `stops` the skills their allowed vehicles hold.
    ///
    /// # Errors
    /// [`RoutingError::Parse`] for a section that does not list every vehicle, a depot
    /// that is not one, a specification that does not parse, no capacity, or more than
    /// [`MAX_SKILLS`] distinct sets of allowed vehicles.
    pub(super) fn vehicle_types(
        &self,
        header: &HashMap<String, String>,
        vehicles: usize,
        depots: &[usize],
        shift: impl Fn(usize) -> TimeWindow,
        stops: &mut [Stop],
    ) -> Result<Vec<VehicleType>, RoutingError> {
        let spec = |key: &str| -> Result<Option<f64>, RoutingError> {
            header.get(key).map(|v| time(0, v, key)).transpose()
        };
        let every = |got: usize, what: &str| -> Result<(), RoutingError> {
            if got == 0 || got == vehicles {
                return Ok(());
            }
            let message = format!("VEHICLES is {vehicles} but {what} has {got} vehicles");
            Err(RoutingError::parse(FMT, 0, message))
        };
        every(self.capacity.len(), "CAPACITY_SECTION")?;
        every(self.depot.len(), "VEHICLES_DEPOT_SECTION")?;
        every(self.max_distance.len(), "VEHICLES_MAX_DISTANCE_SECTION")?;
        every(self.max_duration.len(), "VEHICLES_MAX_DURATION_SECTION")?;
        every(self.fixed_cost.len(), "VEHICLES_FIXED_COST_SECTION")?;
        every(self.unit_cost.len(), "VEHICLES_UNIT_DISTANCE_COST_SECTION")?;
        every(self.allowed.len(), "VEHICLES_ALLOWED_CLIENTS_SECTION")?;
        let capacity: Option<i64> =
            header.get("CAPACITY").map(|c| num(FMT, 0, c, "CAPACITY")).transpose()?;
        let (max_distance, max_duration) =
            (spec("VEHICLES_MAX_DISTANCE")?, spec("VEHICLES_MAX_DURATION")?);
        let max_duration = match max_duration {
            Some(d) => Some(d),
            None => spec("DISTANCE")?,
        };
        let (fixed_cost, unit_cost) = (
            spec("VEHICLES_FIXED_COST")?.unwrap_or(0.0),
            spec("VEHICLES_UNIT_DISTANCE_COST")?.unwrap_or(1.0),
        );
        let mut fleet: Vec<(Vehicle, usize)> = Vec::new();
        for v in 1..=vehicles {
            let depot = self.depot.get(&v).copied().unwrap_or(depots[0]);
            if !depots.contains(&depot) {
                let message = format!("vehicle {v}'s depot {depot} is not in DEPOT_SECTION");
                return Err(RoutingError::parse(FMT, 0, message));
            }
            let Some(capacity) = self.capacity.get(&v).copied().or(capacity) else {
                return Err(RoutingError::parse(FMT, 0, "missing CAPACITY or CAPACITY_SECTION"));
            };
            let vehicle = Vehicle {
                depot,
                capacity,
                max_distance: self.max_distance.get(&v).copied().or(max_distance),
                max_duration: self.max_duration.get(&v).copied().or(max_duration),
                fixed_cost: self.fixed_cost.get(&v).copied().unwrap_or(fixed_cost),
                unit_cost: self.unit_cost.get(&v).copied().unwrap_or(unit_cost),
                allowed: self.allowed.get(&v).map(|c| c.iter().copied().collect()),
            };
            match fleet.iter_mut().find(|(x, _)| *x == vehicle) {
                Some((_, count)) => *count += 1,
                None => fleet.push((vehicle, 1)),
            }
        }
        let skills = allowed_skills(&fleet, stops)?;
        Ok(fleet
            .iter()
            .zip(skills)
            .enumerate()
            .map(|(k, ((x, count), skills))| {
                let mut t =
                    VehicleType::new(format!("vehicles-{}", k + 1), *count, vec![x.capacity]);
                let d = depots.iter().position(|&n| n == x.depot).unwrap_or(0);
                (t.start_depot, t.end_depot, t.shift) = (d, Some(d), shift(x.depot));
                (t.max_distance, t.max_duration) = (x.max_distance, x.max_duration);
                (t.fixed_cost, t.cost_per_distance) = (x.fixed_cost, x.unit_cost);
                t.skills = skills;
                t
            })
            .collect())
    }
}

/// Gives each client that not every vehicle type may serve one skill, named by the set of
/// types allowed to serve it (`allowed-1-3`: types 1 and 3), and returns each type's
/// skills: the names of every such set it is in. A client then fits a type iff the type
/// is allowed for it.
///
/// # Errors
/// [`RoutingError::Parse`] beyond [`MAX_SKILLS`] distinct sets.
fn allowed_skills(
    fleet: &[(Vehicle, usize)],
    stops: &mut [Stop],
) -> Result<Vec<Vec<SkillId>>, RoutingError> {
    let mut held = vec![Vec::new(); fleet.len()];
    if fleet.iter().all(|(x, _)| x.allowed.is_none()) {
        return Ok(held);
    }
    let mut sets: BTreeSet<Vec<usize>> = BTreeSet::new();
    for s in stops.iter_mut() {
        let node = s.location + 1;
        let types: Vec<usize> = (0..fleet.len())
            .filter(|&k| fleet[k].0.allowed.as_ref().is_none_or(|a| a.contains(&node)))
            .collect();
        if types.len() < fleet.len() {
            s.skills = vec![set_name(&types)];
            sets.insert(types);
        }
    }
    if sets.len() > MAX_SKILLS {
        let message = format!(
            "{} distinct sets of allowed vehicles, the most one problem takes is {MAX_SKILLS}",
            sets.len()
        );
        return Err(RoutingError::parse(FMT, 0, message));
    }
    for types in &sets {
        for &k in types {
            held[k].push(set_name(types));
        }
    }
    Ok(held)
}

/// The skill of the clients that exactly the vehicle types `types` may serve.
fn set_name(types: &[usize]) -> SkillId {
    let numbers: Vec<String> = types.iter().map(|k| (k + 1).to_string()).collect();
    SkillId::new(format!("allowed-{}", numbers.join("-")).as_str())
}
