//! How OpenStreetMap way tags become drivable edges: road class, direction and speed.
//!
//! The rules are those of a delivery van on public roads, kept deliberately small and
//! written down here because every travel time in the engine follows from them:
//!
//! - **Drivable** `highway` values: `motorway`, `trunk`, `primary`, `secondary`, `tertiary`
//!   and their `*_link`s, `unclassified`, `residential`, `living_street`, `service`.
//!   Not `footway`, `steps`, `path`, `cycleway`, `pedestrian`, `track`, `bridleway`,
//!   `construction`, `proposed`, `road` (unknown status) or areas (`area=yes`).
//! - **Access**: a way tagged `access`, `vehicle`, `motor_vehicle` or `motorcar` = `no`
//!   is dropped. `private`, `destination`, `delivery` and `customers` are kept: a van
//!   delivers to exactly such places.
//! - **Direction**: `oneway=yes|true|1` forward only, `oneway=-1|reverse` backward only,
//!   `oneway=no|false|0` both ways (overrides an implied oneway). `junction=roundabout|
//!   circular`, `highway=motorway` and `highway=motorway_link` imply `oneway=yes`.
//!   `oneway=reversible|alternating` (direction changes during the day) is dropped.
//! - **Speed**: a parsable `maxspeed` (`50`, `30 mph`, `FR:urban`, `FR:zone30`, `walk`, the
//!   lowest of `50;30`) times [`RoadOptions::maxspeed_factor`](super::RoadOptions)
//!   (drivers seldom hold the limit in town), else the class speed of [`ClassSpeeds`].
//!   Turn costs, traffic signals and turn restrictions are not modelled.
//! - **Where a van can stop**: not on `motorway`, `trunk` or their links, and not in a
//!   `tunnel=yes`. Such ways are driven but their nodes are not snap targets, so a stop
//!   above a tunnel (Monaco has many) snaps to the street it is on, not to the tunnel.

use serde::{Deserialize, Serialize};

/// The `highway` classes the road graph keeps.
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
}

impl RoadClass {
    /// The class of an OSM `highway=*` value, `None` when a car may not use such a way.
    pub fn from_highway(value: &str) -> Option<Self> {
        use RoadClass::*;
        Some(match value {
            "motorway" => Motorway,
            "motorway_link" => MotorwayLink,
            "trunk" => Trunk,
            "trunk_link" => TrunkLink,
            "primary" => Primary,
            "primary_link" => PrimaryLink,
            "secondary" => Secondary,
            "secondary_link" => SecondaryLink,
            "tertiary" => Tertiary,
            "tertiary_link" => TertiaryLink,
            "unclassified" => Unclassified,
            "residential" => Residential,
            "living_street" => LivingStreet,
            "service" => Service,
            _ => return None,
        })
    }

    /// Fast through-roads where a van does not stop to deliver.
    fn is_through_road(self) -> bool {
        use RoadClass::*;
        matches!(self, Motorway | MotorwayLink | Trunk | TrunkLink)
    }

    fn implies_oneway(self) -> bool {
        matches!(self, RoadClass::Motorway | RoadClass::MotorwayLink)
    }
}

/// Free-flow speed per road class, used where a way has no usable `maxspeed`.
///
/// # Units
/// km/h. The defaults are typical free-flow urban/suburban car speeds (the same order as
/// common open-source car routing profiles): motorway 90, trunk 85, primary 65,
/// secondary 55, tertiary 40, links 45/40/30/25/20, unclassified 25, residential 25,
/// living street 10, service 15.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)] // one field per `RoadClass`, same names
pub struct ClassSpeeds {
    pub motorway: f64,
    pub motorway_link: f64,
    pub trunk: f64,
    pub trunk_link: f64,
    pub primary: f64,
    pub primary_link: f64,
    pub secondary: f64,
    pub secondary_link: f64,
    pub tertiary: f64,
    pub tertiary_link: f64,
    pub unclassified: f64,
    pub residential: f64,
    pub living_street: f64,
    pub service: f64,
}

impl Default for ClassSpeeds {
    fn default() -> Self {
        Self {
            motorway: 90.0,
            motorway_link: 45.0,
            trunk: 85.0,
            trunk_link: 40.0,
            primary: 65.0,
            primary_link: 30.0,
            secondary: 55.0,
            secondary_link: 25.0,
            tertiary: 40.0,
            tertiary_link: 20.0,
            unclassified: 25.0,
            residential: 25.0,
            living_street: 10.0,
            service: 15.0,
        }
    }
}

impl ClassSpeeds {
    /// The speed of one class.
    ///
    /// # Units
    /// km/h.
    pub fn kmh(&self, class: RoadClass) -> f64 {
        use RoadClass::*;
        match class {
            Motorway => self.motorway,
            MotorwayLink => self.motorway_link,
            Trunk => self.trunk,
            TrunkLink => self.trunk_link,
            Primary => self.primary,
            PrimaryLink => self.primary_link,
            Secondary => self.secondary,
            SecondaryLink => self.secondary_link,
            Tertiary => self.tertiary,
            TertiaryLink => self.tertiary_link,
            Unclassified => self.unclassified,
            Residential => self.residential,
            LivingStreet => self.living_street,
            Service => self.service,
        }
    }

    /// The first speed that is not a finite positive number, with its field name.
    pub(crate) fn first_invalid(&self) -> Option<(&'static str, f64)> {
        [
            ("motorway", self.motorway),
            ("motorway_link", self.motorway_link),
            ("trunk", self.trunk),
            ("trunk_link", self.trunk_link),
            ("primary", self.primary),
            ("primary_link", self.primary_link),
            ("secondary", self.secondary),
            ("secondary_link", self.secondary_link),
            ("tertiary", self.tertiary),
            ("tertiary_link", self.tertiary_link),
            ("unclassified", self.unclassified),
            ("residential", self.residential),
            ("living_street", self.living_street),
            ("service", self.service),
        ]
        .into_iter()
        .find(|(_, v)| !(v.is_finite() && *v > 0.0))
    }
}

/// Which directions of a way a car may drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only in the order of the way's nodes.
    Forward,
    /// Only against the order of the way's nodes.
    Backward,
}

/// What the tags of one drivable way say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayProfile {
    /// The road class.
    pub class: RoadClass,
    /// Allowed directions.
    pub direction: Direction,
    /// The posted limit when one could be read.
    ///
    /// # Units
    /// km/h.
    pub maxspeed_kmh: Option<f64>,
    /// Whether a van may stop on it to serve a stop (see the module rules).
    pub stoppable: bool,
}

/// Reads the tags of a way; `None` when a car may not drive it (see the module rules).
pub fn way_profile<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<WayProfile> {
    let (mut class, mut oneway, mut roundabout, mut maxspeed) = (None, None, false, None);
    let mut tunnel = false;
    for (key, value) in tags {
        match key {
            "highway" => class = Some(RoadClass::from_highway(value)?),
            "area" if value == "yes" => return None,
            "access" | "vehicle" | "motor_vehicle" | "motorcar" if value == "no" => return None,
            "oneway" => oneway = Some(value),
            "junction" => roundabout = matches!(value, "roundabout" | "circular"),
            "maxspeed" => maxspeed = parse_maxspeed(value),
            "tunnel" => tunnel = value == "yes",
            _ => {}
        }
    }
    let class = class?;
    let direction = match oneway {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0") => Direction::Both,
        Some("reversible" | "alternating") => return None,
        _ if roundabout || class.implies_oneway() => Direction::Forward,
        _ => Direction::Both,
    };
    let stoppable = !tunnel && !class.is_through_road();
    Some(WayProfile { class, direction, maxspeed_kmh: maxspeed, stoppable })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(tags: &[(&'static str, &'static str)]) -> Option<WayProfile> {
        way_profile(tags.iter().copied())
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
        let dir = |tags: &[(&'static str, &'static str)]| profile(tags).map(|p| p.direction);
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
        let stop = |tags: &[(&'static str, &'static str)]| profile(tags).map(|p| p.stoppable);
        assert_eq!(stop(&[("highway", "residential")]), Some(true));
        assert_eq!(stop(&[("highway", "residential"), ("tunnel", "yes")]), Some(false));
        assert_eq!(stop(&[("highway", "trunk")]), Some(false));
        assert_eq!(stop(&[("highway", "motorway_link")]), Some(false));
        assert_eq!(stop(&[("highway", "primary"), ("bridge", "yes")]), Some(true));
    }

    #[test]
    fn default_speeds_are_valid() {
        assert_eq!(ClassSpeeds::default().first_invalid(), None);
        let bad = ClassSpeeds { service: 0.0, ..ClassSpeeds::default() };
        assert_eq!(bad.first_invalid(), Some(("service", 0.0)));
    }
}
