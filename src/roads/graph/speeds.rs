//! Speed per road class, one table per vehicle profile.
//!
//! A way's speed is its class speed unless a posted `maxspeed` says otherwise (how the two
//! combine depends on the profile: see [`VehicleProfile`]). The table is configuration
//! ([`RoadOptions::speeds`](super::RoadOptions)); its defaults depend on the profile
//! ([`ClassSpeeds::for_profile`]), and [`ClassSpeeds::default`] is the van's, unchanged
//! since before profiles (the classes added for bikes and walkers are never used by it).

use super::profile::VehicleProfile;
use super::tags::RoadClass;
use serde::{Deserialize, Serialize};

/// Free-flow speed per road class, used where a way has no usable `maxspeed`.
///
/// # Units
/// km/h. The defaults are typical free-flow urban/suburban car speeds (the same order as
/// common open-source car routing profiles): motorway 90, trunk 85, primary 65,
/// secondary 55, tertiary 40, links 45/40/30/25/20, unclassified 25, residential 25,
/// living street 10, service 15. The classes no motor vehicle uses (cycleway to steps)
/// default to the bicycle's speeds for them.
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
    pub cycleway: f64,
    pub track: f64,
    pub path: f64,
    pub footway: f64,
    pub pedestrian: f64,
    pub bridleway: f64,
    pub steps: f64,
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
            ..Self::BICYCLE
        }
    }
}

impl ClassSpeeds {
    /// The e-cargo bike's cruising speeds: 18 km/h on cycleways and on the rare motorway
    /// or trunk open to bikes (a hard shoulder), 16 on roads shared with traffic, 12 on
    /// service roads and tracks, 10 where it shares the way with walkers. Steps are never
    /// ridden; their 5 is a walking pace.
    const BICYCLE: Self = Self {
        motorway: 18.0,
        motorway_link: 16.0,
        trunk: 18.0,
        trunk_link: 16.0,
        primary: 16.0,
        primary_link: 16.0,
        secondary: 16.0,
        secondary_link: 16.0,
        tertiary: 16.0,
        tertiary_link: 16.0,
        unclassified: 16.0,
        residential: 16.0,
        living_street: 10.0,
        service: 12.0,
        cycleway: 18.0,
        track: 12.0,
        path: 10.0,
        footway: 10.0,
        pedestrian: 10.0,
        bridleway: 10.0,
        steps: 5.0,
    };

    /// The speeds of `profile` where no `maxspeed` applies: the van's defaults for cars and
    /// vans; for trucks motorway 80, trunk 70, primary 60, secondary 50, tertiary 40, links
    /// 40/35/30/25/20, unclassified and residential 25, living street 10, service 15 (also
    /// their cap, see [`VehicleProfile::Truck`]); the bike's cruising speeds; 5 km/h on
    /// foot, 2 on steps.
    ///
    /// # Units
    /// km/h.
    pub fn for_profile(profile: VehicleProfile) -> Self {
        match profile {
            VehicleProfile::Car | VehicleProfile::Van => Self::default(),
            VehicleProfile::Truck => Self {
                motorway: 80.0,
                motorway_link: 40.0,
                trunk: 70.0,
                trunk_link: 35.0,
                primary: 60.0,
                primary_link: 30.0,
                secondary: 50.0,
                secondary_link: 25.0,
                tertiary: 40.0,
                tertiary_link: 20.0,
                ..Self::default()
            },
            VehicleProfile::Bicycle => Self::BICYCLE,
            VehicleProfile::Foot => Self::walking(5.0, 2.0),
        }
    }

    fn walking(kmh: f64, steps: f64) -> Self {
        let mut speeds = Self::BICYCLE;
        for class in RoadClass::all() {
            *speeds.kmh_mut(class) = kmh;
        }
        speeds.steps = steps;
        speeds
    }

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
            Cycleway => self.cycleway,
            Track => self.track,
            Path => self.path,
            Footway => self.footway,
            Pedestrian => self.pedestrian,
            Bridleway => self.bridleway,
            Steps => self.steps,
        }
    }

    /// The speed of one class, to change it.
    ///
    /// # Units
    /// km/h.
    pub fn kmh_mut(&mut self, class: RoadClass) -> &mut f64 {
        use RoadClass::*;
        match class {
            Motorway => &mut self.motorway,
            MotorwayLink => &mut self.motorway_link,
            Trunk => &mut self.trunk,
            TrunkLink => &mut self.trunk_link,
            Primary => &mut self.primary,
            PrimaryLink => &mut self.primary_link,
            Secondary => &mut self.secondary,
            SecondaryLink => &mut self.secondary_link,
            Tertiary => &mut self.tertiary,
            TertiaryLink => &mut self.tertiary_link,
            Unclassified => &mut self.unclassified,
            Residential => &mut self.residential,
            LivingStreet => &mut self.living_street,
            Service => &mut self.service,
            Cycleway => &mut self.cycleway,
            Track => &mut self.track,
            Path => &mut self.path,
            Footway => &mut self.footway,
            Pedestrian => &mut self.pedestrian,
            Bridleway => &mut self.bridleway,
            Steps => &mut self.steps,
        }
    }

    /// The first speed that is not a finite positive number, with its field name.
    pub(crate) fn first_invalid(&self) -> Option<(&'static str, f64)> {
        RoadClass::all()
            .map(|class| (class.name(), self.kmh(class)))
            .find(|(_, v)| !(v.is_finite() && *v > 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_speeds_are_valid() {
        assert_eq!(ClassSpeeds::default().first_invalid(), None);
        let bad = ClassSpeeds { service: 0.0, ..ClassSpeeds::default() };
        assert_eq!(bad.first_invalid(), Some(("service", 0.0)));
        let bad = ClassSpeeds { steps: f64::NAN, ..ClassSpeeds::default() };
        assert_eq!(bad.first_invalid().map(|(name, _)| name), Some("steps"));
    }

    #[test]
    fn every_profile_has_valid_speeds_and_the_van_keeps_its_table() {
        for p in [
            VehicleProfile::Car,
            VehicleProfile::Van,
            VehicleProfile::Truck,
            VehicleProfile::Bicycle,
            VehicleProfile::Foot,
        ] {
            assert_eq!(ClassSpeeds::for_profile(p).first_invalid(), None, "{p:?}");
        }
        let van = ClassSpeeds::for_profile(VehicleProfile::Van);
        assert_eq!((van.motorway, van.residential, van.service), (90.0, 25.0, 15.0));
        let truck = ClassSpeeds::for_profile(VehicleProfile::Truck);
        assert_eq!((truck.motorway, truck.residential), (80.0, 25.0));
        let foot = ClassSpeeds::for_profile(VehicleProfile::Foot);
        assert_eq!((foot.primary, foot.footway, foot.steps), (5.0, 5.0, 2.0));
        let bike = ClassSpeeds::for_profile(VehicleProfile::Bicycle);
        assert!(RoadClass::all().all(|c| bike.kmh(c) <= 25.0));
    }

    #[test]
    fn the_old_speed_table_still_reads() {
        // A table written before profiles: the new classes take their defaults.
        let s: ClassSpeeds = toml::from_str("residential = 20.0\nservice = 12.0").unwrap();
        assert_eq!((s.residential, s.service, s.cycleway), (20.0, 12.0, 18.0));
        assert!(toml::from_str::<ClassSpeeds>("highway = 10.0").is_err());
    }
}
