//! How OpenStreetMap way tags become edges: road class, direction and speed, for the
//! vehicle of the graph.
//!
//! Which ways each vehicle may use and how fast it goes there are the rules of
//! [`VehicleProfile`](super::VehicleProfile), one list per profile, applied in
//! [`way_rules`](super::way_rules), whose `way_profile` reads the tags once (with
//! [`WayTags`]) and hands them to the profile's rules. The tag grammar they share is
//! written down here, because every travel time in the engine follows from it:
//!
//! - **Classes** ([`RoadClass`]): the `highway` values `motorway`, `trunk`, `primary`,
//!   `secondary`, `tertiary` and their `*_link`s, `unclassified`, `residential`,
//!   `living_street`, `service` (the motor-vehicle classes, [`RoadClass::from_highway`]),
//!   plus `cycleway`, `track`, `path`, `footway`, `pedestrian`, `bridleway` and `steps`
//!   for bikes and walkers ([`RoadClass::parse`]). Never `construction`, `proposed`,
//!   `road` (unknown status) or areas (`area=yes`).
//! - **Direction**: `oneway=yes|true|1` forward only, `oneway=-1|reverse` backward only,
//!   `oneway=no|false|0` both ways (overrides an implied oneway). `junction=roundabout|
//!   circular`, `highway=motorway` and `highway=motorway_link` imply `oneway=yes`.
//!   `oneway=reversible|alternating` (direction changes during the day) is dropped. Bikes
//!   have exceptions (`oneway:bicycle`, contraflow cycleways), walkers ignore `oneway`.
//! - **Speed**: a parsable `maxspeed` (`50`, `30 mph`, `FR:urban`, `FR:zone30`, `walk`, the
//!   lowest of `50;30`), else the class speed of [`ClassSpeeds`]; how the two combine is
//!   the profile's (`WayProfile::speed_kmh`, in [`way_rules`](super::way_rules)). Turn costs, traffic signals and turn
//!   restrictions are not modelled.
//! - **Where a vehicle can stop**: motor vehicles not on `motorway`, `trunk` or their
//!   links, and nothing in a `tunnel=yes`. Such ways are used but their nodes are not snap
//!   targets, so a stop above a tunnel (Monaco has many) snaps to the street it is on, not
//!   to the tunnel.

/// Re-exported where it lived before profiles had their own speed tables.
pub use super::speeds::ClassSpeeds;
use serde::{Deserialize, Serialize};

/// The `highway` classes the road graph keeps.
///
/// Stored as one byte per edge ([`RoadGraph::edge_class`](super::RoadGraph::edge_class)).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // the variants are the OSM `highway` values of the same name
pub enum RoadClass {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    Cycleway,
    Track,
    Path,
    Footway,
    Pedestrian,
    Bridleway,
    Steps,
}

impl RoadClass {
    /// Every class, in declaration order.
    pub fn all() -> impl Iterator<Item = Self> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// The class of an OSM `highway=*` value, whatever the vehicle; `None` for values the
    /// graph never keeps (`construction`, `road`, `platform`, ...).
    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }

    /// The OSM `highway` value of this class (also its serde and [`ClassSpeeds`] name).
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The class of an OSM `highway=*` value, `None` when a car may not use such a way
    /// (the motor-vehicle classes: `motorway` to `service`).
    pub fn from_highway(value: &str) -> Option<Self> {
        Self::parse(value).filter(|c| c.is_motor_class())
    }

    /// Classes a car, van or truck may use; the others are for bikes and walkers.
    pub fn is_motor_class(self) -> bool {
        use RoadClass::*;
        !matches!(self, Cycleway | Track | Path | Footway | Pedestrian | Bridleway | Steps)
    }

    /// Fast through-roads: a van does not stop there, bikes and walkers need a tag to enter.
    pub fn is_through_road(self) -> bool {
        use RoadClass::*;
        matches!(self, Motorway | MotorwayLink | Trunk | TrunkLink)
    }

    fn implies_oneway(self) -> bool {
        matches!(self, RoadClass::Motorway | RoadClass::MotorwayLink)
    }
}

/// Which directions of a way a vehicle may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only in the order of the way's nodes.
    Forward,
    /// Only against the order of the way's nodes.
    Backward,
}

/// What the tags of one usable way say, for one vehicle profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayProfile {
    /// The road class.
    pub class: RoadClass,
    /// Allowed directions.
    pub direction: Direction,
    /// The posted limit that applies to the vehicle when one could be read (for trucks
    /// `maxspeed:hgv` before `maxspeed`; `None` on foot, which ignores it).
    ///
    /// # Units
    /// km/h.
    pub maxspeed_kmh: Option<f64>,
    /// Whether the vehicle may stop on it to serve a stop (see the profile's rules).
    pub stoppable: bool,
    /// Whether a bike must be pushed here (`bicycle=dismount`).
    pub dismount: bool,
}

/// The tags of one way that some profile reads, collected in one pass (OSM keys are unique
/// per way, so the order of the tags does not matter).
#[derive(Debug, Default)]
pub(super) struct WayTags<'a> {
    pub(super) highway: Option<&'a str>,
    pub(super) area: bool,
    pub(super) access: Option<&'a str>,
    pub(super) vehicle: Option<&'a str>,
    pub(super) motor_vehicle: Option<&'a str>,
    pub(super) motorcar: Option<&'a str>,
    pub(super) hgv: Option<&'a str>,
    pub(super) bicycle: Option<&'a str>,
    pub(super) foot: Option<&'a str>,
    pub(super) oneway: Option<&'a str>,
    pub(super) oneway_bicycle: Option<&'a str>,
    pub(super) contraflow_cycleway: bool,
    pub(super) roundabout: bool,
    pub(super) maxspeed: Option<&'a str>,
    pub(super) maxspeed_hgv: Option<&'a str>,
    pub(super) maxweight: Option<&'a str>,
    pub(super) maxheight: Option<&'a str>,
    pub(super) tunnel: bool,
}

impl<'a> WayTags<'a> {
    pub(super) fn read(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = Self::default();
        for (key, value) in tags {
            match key {
                "highway" => t.highway = Some(value),
                "area" => t.area = value == "yes",
                "access" => t.access = Some(value),
                "vehicle" => t.vehicle = Some(value),
                "motor_vehicle" => t.motor_vehicle = Some(value),
                "motorcar" => t.motorcar = Some(value),
                "hgv" => t.hgv = Some(value),
                "bicycle" => t.bicycle = Some(value),
                "foot" => t.foot = Some(value),
                "oneway" => t.oneway = Some(value),
                "oneway:bicycle" => t.oneway_bicycle = Some(value),
                "cycleway" | "cycleway:left" | "cycleway:right" | "cycleway:both" => {
                    t.contraflow_cycleway |=
                        matches!(value, "opposite" | "opposite_lane" | "opposite_track");
                }
                "junction" => t.roundabout = matches!(value, "roundabout" | "circular"),
                "maxspeed" => t.maxspeed = Some(value),
                "maxspeed:hgv" => t.maxspeed_hgv = Some(value),
                "maxweight" => t.maxweight = Some(value),
                "maxheight" => t.maxheight = Some(value),
                "tunnel" => t.tunnel = value == "yes",
                _ => {}
            }
        }
        t
    }

    /// The `oneway` rules of the module docs; `None` for a reversible way.
    pub(super) fn direction(&self, class: RoadClass) -> Option<Direction> {
        Some(match self.oneway {
            Some("yes" | "true" | "1") => Direction::Forward,
            Some("-1" | "reverse") => Direction::Backward,
            Some("no" | "false" | "0") => Direction::Both,
            Some("reversible" | "alternating") => return None,
            _ if self.roundabout || class.implies_oneway() => Direction::Forward,
            _ => Direction::Both,
        })
    }
}

/// Parses an OSM `maxspeed` value; `None` for `none`, `signals`, `variable` and anything
/// unreadable (the class speed then applies).
///
/// # Units
/// Returns km/h (`mph` and `knots` suffixes are converted).
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    if value.contains(';') {
        return value.split(';').filter_map(parse_maxspeed).reduce(f64::min);
    }
    let v = value.trim();
    let zone = match v {
        "walk" | "FR:walk" => Some(6.0),
        "FR:urban" | "MC:urban" | "IT:urban" | "DE:urban" => Some(50.0),
        "FR:rural" => Some(80.0),
        "IT:rural" | "DE:rural" => Some(90.0),
        "FR:motorway" | "IT:motorway" => Some(130.0),
        "FR:zone30" | "FR:zone:30" | "DE:zone30" | "DE:zone:30" | "IT:zone30" => Some(30.0),
        "FR:zone20" | "FR:zone:20" | "IT:zone20" => Some(20.0),
        _ => None,
    };
    if zone.is_some() {
        return zone;
    }
    let (number, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = v.strip_suffix("knots") {
        (n, 1.852)
    } else if let Some(n) = v.strip_suffix("km/h").or_else(|| v.strip_suffix("kmh")) {
        (n, 1.0)
    } else {
        (v, 1.0)
    };
    let kmh = number.trim().parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

/// Parses an OSM `maxweight` value (`3.5`, `3.5 t`, `3.5t`, `7500 kg`); `None` for
/// anything else (`default`, `none`, `st`, `lbs`), which then restricts nothing.
///
/// # Units
/// Returns tonnes.
pub fn parse_maxweight_t(value: &str) -> Option<f64> {
    let v = value.trim();
    let (number, factor) = match v.strip_suffix("kg") {
        Some(n) => (n, 0.001),
        None => (v.strip_suffix('t').unwrap_or(v), 1.0),
    };
    positive(number, factor)
}

/// Parses an OSM `maxheight` value (`2.4`, `2.4 m`, `2.4m`); `None` for anything else
/// (`default`, `none`, `below_default`, feet and inches), which then restricts nothing.
///
/// # Units
/// Returns metres.
pub fn parse_maxheight_m(value: &str) -> Option<f64> {
    let v = value.trim();
    positive(v.strip_suffix('m').unwrap_or(v), 1.0)
}

/// `number` (trimmed) times `factor` when that is a finite positive number.
fn positive(number: &str, factor: f64) -> Option<f64> {
    let x = number.trim().parse::<f64>().ok()? * factor;
    (x.is_finite() && x > 0.0).then_some(x)
}
