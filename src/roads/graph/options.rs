//! How roads become edges: the vehicle profile, its speed table and the few numbers that
//! turn OSM tags into travel times.
//!
//! Read from configuration or built in code (`with_*`). In configuration what is left out
//! defaults by the profile given there, not by the van: `profile = "bicycle"` alone must
//! give the bike's speeds, so the file is read into `OptionsConfig` and completed from
//! [`RoadOptions::default`]`.with_profile(..)`.

use super::profile::VehicleProfile;
use super::speeds::ClassSpeeds;
use super::tags::RoadClass;
use crate::roads::error::RoadError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How roads become edges; read from configuration (`deny_unknown_fields`) or built in code.
///
/// The defaults are the van's, so options written before profiles build the same graph.
/// In configuration, `speeds` and `access_speed_kmh` default to those of the `profile`
/// given there (a bike's table for `profile = "bicycle"`), and `[speeds]` overrides single
/// classes of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "OptionsConfig")]
pub struct RoadOptions {
    /// The vehicle the graph is built for (default: van).
    pub profile: VehicleProfile,
    /// Free-flow speed per road class where `maxspeed` is missing (km/h); the profile's
    /// table by default ([`ClassSpeeds::for_profile`]).
    pub speeds: ClassSpeeds,
    /// Share of a posted `maxspeed` that is actually driven (default 0.8; motor vehicles
    /// only: a bike's cruising speed is below the limit anyway).
    pub maxspeed_factor: f64,
    /// Speed charged on snap legs, the straight gap between a stop and its road node
    /// (km/h, default 15: crawling in, parking, manoeuvring; see
    /// [`VehicleProfile::default_access_speed_kmh`]).
    pub access_speed_kmh: f64,
    /// Gross weight of the truck, checked against `maxweight` (t; trucks only, no check
    /// when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_t: Option<f64>,
    /// Height of the truck, checked against `maxheight` (m; trucks only, no check when
    /// `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height_m: Option<f64>,
}

impl Default for RoadOptions {
    fn default() -> Self {
        let profile = VehicleProfile::default();
        Self {
            profile,
            speeds: ClassSpeeds::for_profile(profile),
            maxspeed_factor: 0.8,
            access_speed_kmh: profile.default_access_speed_kmh(),
            weight_t: None,
            height_m: None,
        }
    }
}

/// [`RoadOptions`] as written in configuration: what is left out defaults by the profile.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OptionsConfig {
    profile: VehicleProfile,
    speeds: HashMap<RoadClass, f64>,
    maxspeed_factor: Option<f64>,
    access_speed_kmh: Option<f64>,
    weight_t: Option<f64>,
    height_m: Option<f64>,
}

impl From<OptionsConfig> for RoadOptions {
    fn from(c: OptionsConfig) -> Self {
        let mut options = RoadOptions::default().with_profile(c.profile);
        for (class, kmh) in c.speeds {
            *options.speeds.kmh_mut(class) = kmh;
        }
        options.maxspeed_factor = c.maxspeed_factor.unwrap_or(options.maxspeed_factor);
        options.access_speed_kmh = c.access_speed_kmh.unwrap_or(options.access_speed_kmh);
        options.weight_t = c.weight_t;
        options.height_m = c.height_m;
        options
    }
}

impl RoadOptions {
    /// Sets the vehicle, with its speed table and snap-leg speed
    /// ([`ClassSpeeds::for_profile`], [`VehicleProfile::default_access_speed_kmh`]): call
    /// [`with_speeds`](Self::with_speeds) or
    /// [`with_access_speed_kmh`](Self::with_access_speed_kmh) after this to change them.
    pub fn with_profile(mut self, profile: VehicleProfile) -> Self {
        self.profile = profile;
        self.speeds = ClassSpeeds::for_profile(profile);
        self.access_speed_kmh = profile.default_access_speed_kmh();
        self
    }

    /// Sets the truck's gross weight, checked against `maxweight` (trucks only).
    ///
    /// # Units
    /// Tonnes.
    pub fn with_weight_t(mut self, weight_t: f64) -> Self {
        self.weight_t = Some(weight_t);
        self
    }

    /// Sets the truck's height, checked against `maxheight` (trucks only).
    ///
    /// # Units
    /// Metres.
    pub fn with_height_m(mut self, height_m: f64) -> Self {
        self.height_m = Some(height_m);
        self
    }

    /// Replaces the class speed table.
    pub fn with_speeds(mut self, speeds: ClassSpeeds) -> Self {
        self.speeds = speeds;
        self
    }

    /// Sets the share of `maxspeed` that is driven.
    pub fn with_maxspeed_factor(mut self, factor: f64) -> Self {
        self.maxspeed_factor = factor;
        self
    }

    /// Sets the snap-leg speed (km/h).
    pub fn with_access_speed_kmh(mut self, kmh: f64) -> Self {
        self.access_speed_kmh = kmh;
        self
    }

    /// Checks every number.
    ///
    /// # Errors
    /// [`RoadError::InvalidOption`] naming the first speed, factor or truck dimension that
    /// is not a finite positive number (a `maxspeed_factor` above 2 is rejected as a likely
    /// typo).
    pub fn validate(&self) -> Result<(), RoadError> {
        let positive = "a finite number > 0";
        if let Some((name, value)) = self.speeds.first_invalid() {
            return Err(RoadError::InvalidOption { name, value, expected: positive });
        }
        let f = self.maxspeed_factor;
        if !(f.is_finite() && f > 0.0 && f <= 2.0) {
            let expected = "a number in (0, 2]";
            return Err(RoadError::InvalidOption { name: "maxspeed_factor", value: f, expected });
        }
        let a = self.access_speed_kmh;
        if !(a.is_finite() && a > 0.0) {
            let name = "access_speed_kmh";
            return Err(RoadError::InvalidOption { name, value: a, expected: positive });
        }
        for (name, size) in [("weight_t", self.weight_t), ("height_m", self.height_m)] {
            if let Some(value) = size.filter(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(RoadError::InvalidOption { name, value, expected: positive });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_from_toml_and_reject_unknown_fields() {
        let o: RoadOptions =
            toml::from_str("access_speed_kmh = 10.0\n[speeds]\nresidential = 20.0").unwrap();
        assert_eq!(o.access_speed_kmh, 10.0);
        assert_eq!(o.speeds.kmh(RoadClass::Residential), 20.0);
        assert_eq!(o.speeds.kmh(RoadClass::Primary), ClassSpeeds::default().primary);
        assert!(toml::from_str::<RoadOptions>("acess_speed_kmh = 10.0").is_err());
        assert!(toml::from_str::<RoadOptions>("[speeds]\nhighway = 10.0").is_err());
    }

    #[test]
    fn options_take_the_defaults_of_their_profile() {
        let o: RoadOptions =
            toml::from_str("profile = \"bicycle\"\n[speeds]\ncycleway = 15.0").unwrap();
        assert_eq!(o.profile, VehicleProfile::Bicycle);
        assert_eq!(o.speeds.kmh(RoadClass::Cycleway), 15.0);
        assert_eq!(o.speeds.kmh(RoadClass::Residential), 16.0);
        assert_eq!(o.access_speed_kmh, VehicleProfile::Bicycle.default_access_speed_kmh());
        let truck: RoadOptions =
            toml::from_str("profile = \"truck\"\nweight_t = 18.0\nheight_m = 3.9").unwrap();
        assert_eq!((truck.weight_t, truck.height_m), (Some(18.0), Some(3.9)));
        assert_eq!(truck.speeds, ClassSpeeds::for_profile(VehicleProfile::Truck));
        // What is written out reads back the same, and old options read as the van's.
        let json = serde_json::to_string(&truck).unwrap();
        assert_eq!(serde_json::from_str::<RoadOptions>(&json).unwrap(), truck);
        assert_eq!(toml::from_str::<RoadOptions>("").unwrap(), RoadOptions::default());
        // `bike` is the bicycle (OSRM's and VROOM's name); an unknown profile is an error.
        let bike: RoadOptions = toml::from_str("profile = \"bike\"").unwrap();
        assert_eq!(bike.profile, VehicleProfile::Bicycle);
        assert!(toml::from_str::<RoadOptions>("profile = \"hovercraft\"").is_err());
    }

    #[test]
    fn truck_dimensions_must_be_positive() {
        let truck = RoadOptions::default().with_profile(VehicleProfile::Truck);
        assert!(truck.clone().with_weight_t(12.0).with_height_m(3.5).validate().is_ok());
        let e = truck.clone().with_weight_t(-1.0).validate();
        assert!(matches!(e, Err(RoadError::InvalidOption { name: "weight_t", .. })), "{e:?}");
        let e = truck.with_height_m(f64::INFINITY).validate();
        assert!(matches!(e, Err(RoadError::InvalidOption { name: "height_m", .. })), "{e:?}");
    }
}
