//! How OpenStreetMap way tags become edges: road class, direction and speed, for the
//! vehicle of the graph.
//!
//! Which ways each vehicle may use and how fast it goes there are the rules of
//! [`VehicleProfile`], one list per profile, applied in [`profile`];
//! [`way_profile`] reads the tags once and hands them to the profile's rules. The tag
//! grammar they share is written down here, because every travel time in the engine
//! follows from it:
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
//!   the profile's ([`WayProfile::speed_kmh`]). Turn costs, traffic signals and turn
//!   restrictions are not modelled.
//! - **Where a vehicle can stop**: motor vehicles not on `motorway`, `trunk` or their
//!   links, and nothing in a `tunnel=yes`. Such ways are used but their nodes are not snap
//!   targets, so a stop above a tunnel (Monaco has many) snaps to the street it is on, not
//!   to the tunnel.

use super::RoadOptions;
use super::profile::{self, BICYCLE_MAX_KMH, DISMOUNT_KMH, VehicleProfile};
/// Re-exported where it lived before profiles had their own speed tables.
pub use super::speeds::ClassSpeeds;
use serde::{Deserialize, Serialize};

/// The `highway` classes the road graph keeps.
///
/// Stored as one byte per edge ([`RoadGraph::edge_class`](super::RoadGraph::edge_class)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub const ALL: [Self; 21] = {
        use RoadClass::*;
        [
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
        ]
    };

    /// The class of an OSM `highway=*` value, whatever the vehicle; `None` for values the
    /// graph never keeps (`construction`, `road`, `platform`, ...).
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == value)
    }

    /// The OSM `highway` value of this class (also its serde and [`ClassSpeeds`] name).
    pub fn name(self) -> &'static str {
        use RoadClass::*;
        match self {
            Motorway => "motorway",
            MotorwayLink => "motorway_link",
            Trunk => "trunk",
            TrunkLink => "trunk_link",
            Primary => "primary",
            PrimaryLink => "primary_link",
            Secondary => "secondary",
            SecondaryLink => "secondary_link",
            Tertiary => "tertiary",
            TertiaryLink => "tertiary_link",
            Unclassified => "unclassified",
            Residential => "residential",
            LivingStreet => "living_street",
            Service => "service",
            Cycleway => "cycleway",
            Track => "track",
            Path => "path",
            Footway => "footway",
            Pedestrian => "pedestrian",
            Bridleway => "bridleway",
            Steps => "steps",
        }
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

impl WayProfile {
    /// The speed on this way, by the rules of `options.profile` (see [`VehicleProfile`]):
    /// car and van `maxspeed` times `maxspeed_factor`, else the class speed; trucks the
    /// same but never above the class speed; bikes the class speed lowered to `maxspeed`,
    /// to walking pace when dismounted, and never above [`BICYCLE_MAX_KMH`]; walkers the
    /// class speed.
    ///
    /// # Units
    /// km/h.
    pub fn speed_kmh(&self, options: &RoadOptions) -> f64 {
        let class_kmh = options.speeds.kmh(self.class);
        let factor = options.maxspeed_factor;
        match options.profile {
            VehicleProfile::Car | VehicleProfile::Van => {
                self.maxspeed_kmh.map(|limit| limit * factor).unwrap_or(class_kmh)
            }
            VehicleProfile::Truck => {
                self.maxspeed_kmh.map_or(class_kmh, |limit| (limit * factor).min(class_kmh))
            }
            VehicleProfile::Bicycle => {
                let cruise = self.maxspeed_kmh.map_or(class_kmh, |limit| limit.min(class_kmh));
                let pushed = if self.dismount { cruise.min(DISMOUNT_KMH) } else { cruise };
                pushed.min(BICYCLE_MAX_KMH)
            }
            VehicleProfile::Foot => class_kmh,
        }
    }
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

/// Reads the tags of a way; `None` when the vehicle of `options.profile` may not use it
/// (see [`VehicleProfile`] for the rules of each).
pub fn way_profile<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    options: &RoadOptions,
) -> Option<WayProfile> {
    let t = WayTags::read(tags);
    if t.area {
        return None;
    }
    let highway = t.highway?;
    match options.profile {
        VehicleProfile::Car | VehicleProfile::Van | VehicleProfile::Truck => {
            profile::motor_way(&t, highway, options)
        }
        VehicleProfile::Bicycle => profile::bicycle_way(&t, highway),
        VehicleProfile::Foot => profile::foot_way(&t, highway),
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

#[cfg(test)]
mod tests {
    use super::*;

    type Tags = [(&'static str, &'static str)];

    fn profile(tags: &Tags) -> Option<WayProfile> {
        way_profile(tags.iter().copied(), &RoadOptions::default())
    }

    fn on(vehicle: VehicleProfile, tags: &Tags) -> Option<WayProfile> {
        way_profile(tags.iter().copied(), &RoadOptions::default().with_profile(vehicle))
    }

    fn speed(options: &RoadOptions, tags: &Tags) -> Option<f64> {
        way_profile(tags.iter().copied(), options).map(|w| w.speed_kmh(options))
    }

    #[test]
    fn maxspeed_units_zones_and_lists() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("30 mph"), Some(30.0 * 1.609_344));
        assert_eq!(parse_maxspeed("FR:urban"), Some(50.0));
        assert_eq!(parse_maxspeed("FR:zone30"), Some(30.0));
        assert_eq!(parse_maxspeed("50;30"), Some(30.0));
        assert_eq!(parse_maxspeed("none"), None);
        assert_eq!(parse_maxspeed("signals"), None);
        assert_eq!(parse_maxspeed("-5"), None);
    }

    #[test]
    fn footways_and_closed_roads_are_not_drivable() {
        assert_eq!(profile(&[("highway", "footway")]), None);
        assert_eq!(profile(&[("highway", "steps")]), None);
        assert_eq!(profile(&[("highway", "residential"), ("access", "no")]), None);
        assert_eq!(profile(&[("highway", "service"), ("area", "yes")]), None);
        assert_eq!(profile(&[("name", "no highway tag")]), None);
        assert!(profile(&[("highway", "service"), ("access", "private")]).is_some());
    }

    #[test]
    fn oneway_explicit_and_implied() {
        let dir = |tags: &Tags| profile(tags).map(|p| p.direction);
        assert_eq!(dir(&[("highway", "residential")]), Some(Direction::Both));
        assert_eq!(dir(&[("highway", "residential"), ("oneway", "yes")]), Some(Direction::Forward));
        assert_eq!(dir(&[("highway", "primary"), ("oneway", "-1")]), Some(Direction::Backward));
        assert_eq!(
            dir(&[("highway", "primary"), ("junction", "roundabout")]),
            Some(Direction::Forward)
        );
        assert_eq!(dir(&[("highway", "motorway")]), Some(Direction::Forward));
        assert_eq!(dir(&[("highway", "motorway"), ("oneway", "no")]), Some(Direction::Both));
        assert_eq!(dir(&[("highway", "tertiary"), ("oneway", "reversible")]), None);
    }

    #[test]
    fn vans_do_not_stop_in_tunnels_or_on_through_roads() {
        let stop = |tags: &Tags| profile(tags).map(|p| p.stoppable);
        assert_eq!(stop(&[("highway", "residential")]), Some(true));
        assert_eq!(stop(&[("highway", "residential"), ("tunnel", "yes")]), Some(false));
        assert_eq!(stop(&[("highway", "trunk")]), Some(false));
        assert_eq!(stop(&[("highway", "motorway_link")]), Some(false));
        assert_eq!(stop(&[("highway", "primary"), ("bridge", "yes")]), Some(true));
    }

    #[test]
    fn van_is_unchanged_by_bike_and_truck_tags() {
        let van = RoadOptions::default();
        // The classes added for bikes stay closed to the van, whatever their tags say.
        for highway in ["cycleway", "track", "path", "footway", "pedestrian", "bridleway"] {
            assert_eq!(profile(&[("highway", highway), ("motor_vehicle", "yes")]), None);
        }
        let tags = [
            ("highway", "secondary"),
            ("maxspeed", "50"),
            ("maxspeed:hgv", "30"),
            ("hgv", "no"),
            ("maxweight", "3.5"),
            ("bicycle", "no"),
            ("oneway:bicycle", "no"),
            ("oneway", "yes"),
        ];
        let way = profile(&tags).unwrap();
        assert_eq!(way.direction, Direction::Forward);
        assert_eq!(way.speed_kmh(&van), 50.0 * 0.8);
        assert_eq!(speed(&van, &[("highway", "primary")]), Some(65.0));
        // A car has the van's rules.
        assert_eq!(on(VehicleProfile::Car, &tags), Some(way));
        assert_eq!(RoadClass::from_highway("cycleway"), None);
        assert_eq!(RoadClass::parse("cycleway"), Some(RoadClass::Cycleway));
        assert!(RoadClass::ALL.iter().all(|&c| RoadClass::parse(c.name()) == Some(c)));
    }

    #[test]
    fn weights_and_heights_parse_or_restrict_nothing() {
        assert_eq!(parse_maxweight_t("3.5"), Some(3.5));
        assert_eq!(parse_maxweight_t(" 3.5 t"), Some(3.5));
        assert_eq!(parse_maxweight_t("7500 kg"), Some(7.5));
        assert_eq!(parse_maxweight_t("none"), None);
        assert_eq!(parse_maxweight_t("3 st"), None);
        assert_eq!(parse_maxweight_t("0"), None);
        assert_eq!(parse_maxheight_m("2.4 m"), Some(2.4));
        assert_eq!(parse_maxheight_m("2.4"), Some(2.4));
        assert_eq!(parse_maxheight_m("below_default"), None);
        assert_eq!(parse_maxheight_m("7'6\""), None);
    }
}
