//! The rules of each [`VehicleProfile`] applied to a way's tags: which ways the vehicle
//! may use, in which direction ([`way_profile`]) and how fast ([`WayProfile::speed_kmh`]).
//!
//! Apart from both the tag grammar ([`tags`](super::tags): classes, `oneway`, `maxspeed`)
//! and the profiles' vocabulary ([`profile`](super::profile)), which it reads and which
//! know nothing of each other.

use super::RoadOptions;
use super::profile::{BICYCLE_MAX_KMH, DISMOUNT_KMH, VehicleProfile};
use super::tags::{
    Direction, RoadClass, WayProfile, WayTags, parse_maxheight_m, parse_maxspeed, parse_maxweight_t,
};

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
            motor_way(&t, highway, options)
        }
        VehicleProfile::Bicycle => bicycle_way(&t, highway),
        VehicleProfile::Foot => foot_way(&t, highway),
    }
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

/// The rules of [`VehicleProfile::Car`], [`Van`](VehicleProfile::Van) and
/// [`Truck`](VehicleProfile::Truck).
fn motor_way(t: &WayTags, highway: &str, options: &RoadOptions) -> Option<WayProfile> {
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
fn bicycle_way(t: &WayTags, highway: &str) -> Option<WayProfile> {
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
fn foot_way(t: &WayTags, highway: &str) -> Option<WayProfile> {
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

    type Tags = [(&'static str, &'static str)];

    /// The van's reading of a way.
    fn profile(tags: &Tags) -> Option<WayProfile> {
        way_profile(tags.iter().copied(), &RoadOptions::default())
    }

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

    // The shared tag grammar (tags.rs) as the van and the other profiles read it.

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
        assert!(RoadClass::all().all(|c| RoadClass::parse(c.name()) == Some(c)));
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
