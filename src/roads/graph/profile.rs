//! The vehicle a road graph is built for: which OSM ways it may use, in which direction and
//! how fast.
//!
//! One graph serves one profile ([`RoadOptions::profile`](super::RoadOptions)): a van and an
//! e-cargo bike do not share roads (the bike has cycleways and no motorway), so they cannot
//! share edges or travel times. The rules are written on each variant below and applied in
//! [`way_rules`](super::way_rules) (`way_profile`, `WayProfile::speed_kmh`); the tag
//! grammar they share (`highway` classes, `oneway`, `maxspeed`) is in [`tags`](super::tags).
//!
//! Rules common to every profile: a way without a known `highway` class or with `area=yes`
//! is dropped; `tunnel=yes` ways are used but are not snap targets.

use serde::{Deserialize, Serialize};

/// What moves on the road graph.
///
/// Speeds below are the defaults of [`ClassSpeeds::for_profile`](super::ClassSpeeds::for_profile);
/// [`RoadOptions::speeds`](super::RoadOptions) may replace them.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VehicleProfile {
    /// A passenger car: the van's rules and speeds (see [`Van`](Self::Van)).
    Car,
    /// A delivery van (the default, and the engine's only vehicle before profiles):
    ///
    /// - **Ways**: `motorway`, `trunk`, `primary`, `secondary`, `tertiary` and their
    ///   `*_link`s, `unclassified`, `residential`, `living_street`, `service`.
    /// - **Access**: `access`, `vehicle`, `motor_vehicle` or `motorcar` = `no` drops the way;
    ///   `private`, `destination`, `delivery` and `customers` are kept (a van delivers to
    ///   exactly such places).
    /// - **Direction**: the `oneway` rules of [`tags`](super::tags).
    /// - **Speed**: a parsable `maxspeed` times
    ///   [`RoadOptions::maxspeed_factor`](super::RoadOptions), else the class speed.
    /// - **Stops**: not on `motorway`, `trunk` or their links, not in tunnels.
    #[default]
    Van,
    /// A heavy goods vehicle: the van's ways, access and stops, and also
    ///
    /// - `hgv=no` drops the way;
    /// - `maxweight` (`3.5`, `3.5 t`, `7500 kg`) below
    ///   [`RoadOptions::weight_t`](super::RoadOptions) and `maxheight` (`2.4`, `2.4 m`) below
    ///   [`RoadOptions::height_m`](super::RoadOptions) drop the way when those are given; an
    ///   unparsable limit (`default`, `none`, feet and inches) restricts nothing;
    /// - **Speed**: `maxspeed:hgv` where tagged, else `maxspeed`, times the factor, but never
    ///   above the truck's class speed (motorway 80, trunk 70, primary 60, ...), which also
    ///   applies where no limit is posted.
    Truck,
    /// An electrically assisted cargo bike:
    ///
    /// - **Ways**: `primary`, `secondary`, `tertiary` and their links, `unclassified`,
    ///   `residential`, `living_street`, `service`, `cycleway`, `track`; `path`, `footway`,
    ///   `pedestrian` and `bridleway` only with `bicycle=yes|designated|permissive|dismount`;
    ///   `motorway`, `trunk` and their links only with `bicycle=yes|designated`; never
    ///   `steps` (a loaded cargo bike is not carried).
    /// - **Access**: `bicycle=no` or `use_sidepath` drops the way; `access=no` and
    ///   `vehicle=no` drop it unless `bicycle=yes|designated` (the more specific tag wins);
    ///   `motor_vehicle` and `motorcar` do not concern a bike.
    /// - **Direction**: the `oneway` rules, except that `oneway:bicycle=no`, or `cycleway`,
    ///   `cycleway:left`, `cycleway:right` or `cycleway:both` = `opposite`, `opposite_lane` or
    ///   `opposite_track` (a contraflow lane) make the way two-way, and `oneway:bicycle=yes`
    ///   (`-1`) makes it one-way forward (backward).
    /// - **Speed**: a cruising speed per class (cycleway 18 km/h, roads 16, service 12,
    ///   track 12, living street and shared `path`/`footway`/`pedestrian`/`bridleway` 10),
    ///   lowered to `maxspeed` where that is lower (no factor: a bike does not reach it),
    ///   walking pace ([`DISMOUNT_KMH`]) where `bicycle=dismount`, and never above
    ///   [`BICYCLE_MAX_KMH`].
    /// - **Stops**: anywhere it may ride, except tunnels.
    ///
    /// Also read as `bike` (OSRM's and VROOM's name).
    #[serde(alias = "bike")]
    Bicycle,
    /// A courier on foot (or pushing a trolley):
    ///
    /// - **Ways**: every walkable class: `footway`, `pedestrian`, `path`, `steps`, `track`,
    ///   `bridleway`, `living_street`, `residential`, `service`, `unclassified`, `tertiary`
    ///   to `primary` and their links; `motorway`, `trunk`, their links and `cycleway` only
    ///   with `foot=yes|designated|permissive`.
    /// - **Access**: `foot=no` or `use_sidepath` drops the way; `access=no` drops it unless
    ///   `foot=yes|designated|permissive`; vehicle and bicycle tags do not concern a walker.
    /// - **Direction**: both ways always (`oneway` binds vehicles).
    /// - **Speed**: 5 km/h, 2 km/h on `steps`; `maxspeed` is ignored.
    /// - **Stops**: anywhere it may walk, except tunnels.
    Foot,
}

impl VehicleProfile {
    /// The profile of a name as scenarios and requests spell it (`van`, `bicycle` or
    /// `bike`, ...); `None` for any other.
    pub fn parse(name: &str) -> Option<Self> {
        use serde::de::IntoDeserializer;
        let name: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            name.into_deserializer();
        Self::deserialize(name).ok()
    }

    /// The profile's name as scenarios and requests spell it (`bicycle` for the bike).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The highest speed of the bicycle profile: the EU limit of pedal assistance (EN 15194).
///
/// # Units
/// km/h.
pub const BICYCLE_MAX_KMH: f64 = 25.0;

/// The speed of a bike pushed where `bicycle=dismount`.
///
/// # Units
/// km/h.
pub const DISMOUNT_KMH: f64 = 5.0;

impl VehicleProfile {
    /// Whether this is a motor vehicle (car, van, truck): those share the van's ways.
    pub fn is_motor(self) -> bool {
        matches!(self, Self::Car | Self::Van | Self::Truck)
    }

    /// The default speed on snap legs, the straight gap between a stop and its road node:
    /// 15 km/h for motor vehicles (crawling in, parking), 10 for a bike, 4 on foot.
    ///
    /// # Units
    /// km/h.
    pub fn default_access_speed_kmh(self) -> f64 {
        match self {
            Self::Car | Self::Van | Self::Truck => 15.0,
            Self::Bicycle => 10.0,
            Self::Foot => 4.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_by_their_names_and_bike_is_the_bicycle() {
        assert_eq!(VehicleProfile::parse("van"), Some(VehicleProfile::Van));
        assert_eq!(VehicleProfile::parse("bicycle"), Some(VehicleProfile::Bicycle));
        assert_eq!(VehicleProfile::parse("bike"), Some(VehicleProfile::Bicycle));
        assert_eq!(VehicleProfile::parse("foot"), Some(VehicleProfile::Foot));
        assert_eq!(VehicleProfile::parse("Van"), None);
        assert_eq!(VehicleProfile::parse("hovercraft"), None);
        for p in [VehicleProfile::Car, VehicleProfile::Truck, VehicleProfile::Bicycle] {
            assert_eq!(VehicleProfile::parse(p.name()), Some(p));
        }
    }
}
