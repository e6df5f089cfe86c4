//! The vehicle a road graph is built for: which OSM ways it may use, in which direction and
//! how fast.
//!
//! One graph serves one profile ([`RoadOptions::profile`](super::RoadOptions)): a van and an
//! e-cargo bike do not share roads (the bike has cycleways and no motorway), so they cannot
//! share edges or travel times. The rules are written on each variant below and applied by
//! the `*_way` functions of this file (reached through
//! [`way_profile`](super::tags::way_profile)) and [`WayProfile::speed_kmh`]; the tag grammar
//! they share (`highway` classes, `oneway`, `maxspeed`) is in [`tags`](super::tags).
//!
//! Rules common to every profile: a way without a known `highway` class or with `area=yes`
//! is dropped; `tunnel=yes` ways are used but are not snap targets.
//!
//! [`WayProfile::speed_kmh`]: super::tags::WayProfile::speed_kmh

use super::RoadOptions;
use super::tags::{
    Direction, RoadClass, WayProfile, WayTags, parse_maxheight_m, parse_maxspeed, parse_maxweight_t,
};
use serde::{Deserialize, Serialize};

/// What moves on the road graph.
///
/// Speeds below are the defaults of [`ClassSpeeds::for_profile`](super::ClassSpeeds::for_profile);
/// [`RoadOptions::speeds`](super::RoadOptions) may replace them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// The rules of [`VehicleProfile::Car`], [`Van`](VehicleProfile::Van) and
/// [`Truck`](VehicleProfile::Truck).
pub(super) fn motor_way(t: &WayTags, highway: &str, options: &RoadOptions) -> Option<WayProfile> {
    let class = RoadClass::from_highway(highway)?;
    if [t.access, t.vehicle, t.motor_vehicle, t.motorcar].contains(&Some("no")) {
        return None;
    }
    let mut maxspeed = t.maxspeed.and_then(parse_maxspeed);
    if options.profile == VehicleProfile::Truck {
        let below = |limit: Option<f64>, size: Option<f64>| matches!((limit, size), (Some(l), Some(s)) if l < s);
        if t.hgv == Some("no")
            || below(t.maxweight.and_then(parse_maxweight_t), options.weight_t)
            || below(t.maxheight.and_then(parse_maxheight_m), options.height_m)
        {
            return None;
        }
        maxspeed = t.maxspeed_hgv.and_then(parse_maxspeed).or(maxspeed);
    }
    let direction = t.direction(class)?;
    let stoppable = !t.tunnel && !class.is_through_road();
    Some(WayProfile { class, direction, maxspeed_kmh: maxspeed, stoppable, dismount: false })
}

/// The rules of [`VehicleProfile::Bicycle`].
pub(super) fn bicycle_way(t: &WayTags, highway: &str) -> Option<WayProfile> {
    use RoadClass::*;
    let class = RoadClass::parse(highway)?;
    let granted = matches!(t.bicycle, Some("yes" | "designated"));
    let dismount = t.bicycle == Some("dismount");
    let allowed = match class {
        Motorway | MotorwayLink | Trunk | TrunkLink => granted,
        Path | Footway | Pedestrian | Bridleway => {
            granted || dismount || t.bicycle == Some("permissive")
        }
        Steps => false,
        _ => true,
    };
    let closed = t.access == Some("no") || t.vehicle == Some("no");
    if !allowed || matches!(t.bicycle, Some("no" | "use_sidepath")) || (closed && !granted) {
        return None;
    }
    let direction = match t.oneway_bicycle {
        Some("no" | "false" | "0") => Direction::Both,
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        _ if t.contraflow_cycleway => Direction::Both,
        _ => t.direction(class)?,
    };
    let maxspeed_kmh = t.maxspeed.and_then(parse_maxspeed);
    Some(WayProfile { class, direction, maxspeed_kmh, stoppable: !t.tunnel, dismount })
}

/// The rules of [`VehicleProfile::Foot`].
pub(super) fn foot_way(t: &WayTags, highway: &str) -> Option<WayProfile> {
    let class = RoadClass::parse(highway)?;
    let granted = matches!(t.foot, Some("yes" | "designated" | "permissive"));
    let needs_grant = class.is_through_road() || class == RoadClass::Cycleway;
    if matches!(t.foot, Some("no" | "use_sidepath"))
        || (needs_grant && !granted)
        || (t.access == Some("no") && !granted)
    {
        return None;
    }
    let direction = Direction::Both;
    Some(WayProfile { class, direction, maxspeed_kmh: None, stoppable: !t.tunnel, dismount: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::ClassSpeeds;
    use crate::roads::graph::tags::way_profile;

    type Tags = [(&'static str, &'static str)];

    fn on(vehicle: VehicleProfile, tags: &Tags) -> Option<WayProfile> {
        way_profile(tags.iter().copied(), &RoadOptions::default().with_profile(vehicle))
    }

    fn bike(tags: &Tags) -> Option<WayProfile> {
        on(VehicleProfile::Bicycle, tags)
    }

    fn speed(options: &RoadOptions, tags: &Tags) -> Option<f64> {
        way_profile(tags.iter().copied(), options).map(|w| w.speed_kmh(options))
    }

    #[test]
    fn bike_rides_cycleways_at_cruising_speed() {
        let opts = RoadOptions::default().with_profile(VehicleProfile::Bicycle);
        let way = bike(&[("highway", "cycleway")]).unwrap();
        assert_eq!(
            (way.class, way.direction, way.stoppable),
            (RoadClass::Cycleway, Direction::Both, true)
        );
        assert_eq!(way.speed_kmh(&opts), 18.0);
        assert_eq!(speed(&opts, &[("highway", "residential")]), Some(16.0));
        assert_eq!(speed(&opts, &[("highway", "track")]), Some(12.0));
        // `maxspeed` lowers the cruise but never raises it, and there is no factor.
        assert_eq!(speed(&opts, &[("highway", "residential"), ("maxspeed", "walk")]), Some(6.0));
        assert_eq!(speed(&opts, &[("highway", "primary"), ("maxspeed", "50")]), Some(16.0));
        // A table that asks for more is held to the assistance limit.
        let fast =
            ClassSpeeds { cycleway: 40.0, ..ClassSpeeds::for_profile(VehicleProfile::Bicycle) };
        let fast = opts.clone().with_speeds(fast);
        assert_eq!(speed(&fast, &[("highway", "cycleway")]), Some(BICYCLE_MAX_KMH));
        assert_eq!(
            bike(&[("highway", "cycleway"), ("tunnel", "yes")]).map(|w| w.stoppable),
            Some(false)
        );
    }

    #[test]
    fn bike_is_refused_on_motorways_and_trunks_unless_tagged() {
        for highway in ["motorway", "motorway_link", "trunk", "trunk_link"] {
            assert_eq!(bike(&[("highway", highway)]), None, "{highway}");
            assert_eq!(bike(&[("highway", highway), ("bicycle", "dismount")]), None);
            assert!(bike(&[("highway", highway), ("bicycle", "designated")]).is_some());
        }
        assert_eq!(bike(&[("highway", "steps"), ("bicycle", "yes")]), None);
    }

    #[test]
    fn bike_uses_paths_and_footways_only_when_allowed() {
        for highway in ["path", "footway", "pedestrian", "bridleway"] {
            assert_eq!(bike(&[("highway", highway)]), None, "{highway}");
            for value in ["yes", "designated", "permissive"] {
                let way = bike(&[("highway", highway), ("bicycle", value)]).unwrap();
                assert!(!way.dismount);
            }
        }
        let opts = RoadOptions::default().with_profile(VehicleProfile::Bicycle);
        assert_eq!(speed(&opts, &[("highway", "footway"), ("bicycle", "yes")]), Some(10.0));
    }

    #[test]
    fn bicycle_no_drops_and_dismount_walks() {
        let opts = RoadOptions::default().with_profile(VehicleProfile::Bicycle);
        assert_eq!(bike(&[("highway", "residential"), ("bicycle", "no")]), None);
        assert_eq!(bike(&[("highway", "primary"), ("bicycle", "use_sidepath")]), None);
        let pushed = [("highway", "pedestrian"), ("bicycle", "dismount")];
        assert!(bike(&pushed).unwrap().dismount);
        assert_eq!(speed(&opts, &pushed), Some(DISMOUNT_KMH));
        assert_eq!(speed(&opts, &[("highway", "primary"), ("bicycle", "dismount")]), Some(5.0));
    }

    #[test]
    fn bike_access_follows_the_most_specific_tag() {
        assert_eq!(bike(&[("highway", "residential"), ("access", "no")]), None);
        assert_eq!(bike(&[("highway", "residential"), ("vehicle", "no")]), None);
        assert!(
            bike(&[("highway", "residential"), ("access", "no"), ("bicycle", "yes")]).is_some()
        );
        assert!(
            bike(&[("highway", "service"), ("vehicle", "no"), ("bicycle", "designated")]).is_some()
        );
        // Motor-vehicle bans do not concern a bike.
        assert!(bike(&[("highway", "residential"), ("motor_vehicle", "no")]).is_some());
        assert!(bike(&[("highway", "residential"), ("motorcar", "no")]).is_some());
        assert!(bike(&[("highway", "service"), ("access", "private")]).is_some());
    }

    #[test]
    fn oneway_bicycle_and_contraflow_lanes() {
        let dir = |tags: &Tags| bike(tags).map(|p| p.direction);
        let oneway = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(dir(&oneway), Some(Direction::Forward));
        assert_eq!(dir(&[oneway[0], oneway[1], ("oneway:bicycle", "no")]), Some(Direction::Both));
        for key in ["cycleway", "cycleway:left", "cycleway:right"] {
            for value in ["opposite", "opposite_lane", "opposite_track"] {
                assert_eq!(dir(&[oneway[0], oneway[1], (key, value)]), Some(Direction::Both));
            }
        }
        assert_eq!(
            dir(&[oneway[0], oneway[1], ("cycleway:right", "lane")]),
            Some(Direction::Forward)
        );
        assert_eq!(
            dir(&[("highway", "cycleway"), ("oneway:bicycle", "yes")]),
            Some(Direction::Forward)
        );
        assert_eq!(
            dir(&[("highway", "primary"), ("junction", "roundabout")]),
            Some(Direction::Forward)
        );
    }

    #[test]
    fn foot_walks_every_walkable_way_both_ways() {
        let opts = RoadOptions::default().with_profile(VehicleProfile::Foot);
        let walk = |tags: &Tags| on(VehicleProfile::Foot, tags);
        for highway in
            ["footway", "pedestrian", "path", "steps", "living_street", "primary", "track"]
        {
            assert!(walk(&[("highway", highway)]).is_some(), "{highway}");
        }
        for highway in ["motorway", "trunk_link", "cycleway"] {
            assert_eq!(walk(&[("highway", highway)]), None, "{highway}");
            assert!(walk(&[("highway", highway), ("foot", "designated")]).is_some());
        }
        assert_eq!(walk(&[("highway", "footway"), ("foot", "no")]), None);
        assert_eq!(walk(&[("highway", "footway"), ("access", "no")]), None);
        assert!(walk(&[("highway", "residential"), ("vehicle", "no")]).is_some());
        for oneway in ["yes", "-1", "reversible"] {
            let way = walk(&[("highway", "residential"), ("oneway", oneway)]).unwrap();
            assert_eq!(way.direction, Direction::Both, "{oneway}");
        }
        let motorway = walk(&[("highway", "motorway"), ("foot", "yes")]).unwrap();
        assert_eq!(motorway.direction, Direction::Both);
        assert_eq!(speed(&opts, &[("highway", "primary"), ("maxspeed", "50")]), Some(5.0));
        assert_eq!(speed(&opts, &[("highway", "steps")]), Some(2.0));
    }

    #[test]
    fn truck_keeps_out_of_weight_height_and_hgv_limits() {
        let truck = RoadOptions::default()
            .with_profile(VehicleProfile::Truck)
            .with_weight_t(12.0)
            .with_height_m(3.8);
        let way = |tags: &Tags| way_profile(tags.iter().copied(), &truck);
        let road = ("highway", "tertiary");
        assert!(way(&[road]).is_some());
        assert_eq!(way(&[road, ("maxweight", "3.5")]), None);
        assert_eq!(way(&[road, ("maxweight", "7.5 t")]), None);
        assert_eq!(way(&[road, ("maxweight", "7500 kg")]), None);
        assert!(way(&[road, ("maxweight", "12")]).is_some());
        assert!(way(&[road, ("maxweight", "default")]).is_some());
        assert_eq!(way(&[road, ("maxheight", "2.4 m")]), None);
        assert_eq!(way(&[road, ("maxheight", "3.5")]), None);
        assert!(way(&[road, ("maxheight", "4.0m")]).is_some());
        assert!(way(&[road, ("maxheight", "12'6\"")]).is_some());
        assert_eq!(way(&[road, ("hgv", "no")]), None);
        // Without dimensions only `hgv=no` binds.
        assert!(on(VehicleProfile::Truck, &[road, ("maxweight", "3.5")]).is_some());
        assert_eq!(on(VehicleProfile::Truck, &[road, ("hgv", "no")]), None);
    }

    #[test]
    fn truck_is_slower_than_the_van() {
        let truck = RoadOptions::default().with_profile(VehicleProfile::Truck);
        assert_eq!(speed(&truck, &[("highway", "motorway")]), Some(80.0));
        assert_eq!(speed(&truck, &[("highway", "motorway"), ("maxspeed", "130")]), Some(80.0));
        assert_eq!(speed(&truck, &[("highway", "primary"), ("maxspeed", "50")]), Some(40.0));
        let hgv = [("highway", "primary"), ("maxspeed", "50"), ("maxspeed:hgv", "30")];
        assert_eq!(speed(&truck, &hgv), Some(24.0));
        assert_eq!(speed(&RoadOptions::default(), &hgv), Some(40.0));
    }

    #[test]
    fn profiles_read_as_snake_case_and_default_to_van() {
        assert_eq!(VehicleProfile::default(), VehicleProfile::Van);
        let p: VehicleProfile = serde_json::from_str("\"bicycle\"").unwrap();
        assert_eq!(p, VehicleProfile::Bicycle);
        assert_eq!(serde_json::to_string(&VehicleProfile::Truck).unwrap(), "\"truck\"");
        assert!(serde_json::from_str::<VehicleProfile>("\"Bike\"").is_err());
        assert!(VehicleProfile::Truck.is_motor() && !VehicleProfile::Foot.is_motor());
    }
}
