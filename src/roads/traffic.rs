//! Time of day and weather: how a free-flow travel time becomes the time for a departure.
//!
//! A [`TrafficProfile`] holds 24 hourly *speed* factors (1.0 = free flow, 0.5 = half the
//! free-flow speed at rush hour) and one weather factor on *time* (1.2 = 20% slower). A
//! travel matrix is computed for one departure hour `h`, and every entry, snap legs
//! included, is
//!
//! ```text
//! time(h) = free_flow_time * weather_factor / hourly_speed_factor[h]
//! ```
//!
//! applied to the exact millisecond sum before rounding to whole seconds. Because the
//! factor is uniform over the network, the fastest paths do not change with the hour, so
//! [`TravelMatrix::at_hour`](super::matrix::TravelMatrix::at_hour) re-times a computed
//! matrix for another hour or weather without searching again (one matrix per time band
//! costs O(n²), not n searches). Per-road-class profiles (a congested motorway at 8:00)
//! would change paths and are not modelled. Distances never depend on the profile.

use crate::roads::error::RoadError;
use serde::{Deserialize, Serialize};

/// Hourly speed factors and a weather factor; the default is flat free flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrafficProfile {
    /// Speed factor for departures in each hour of the day (index 0 = 00:00-00:59).
    /// 1.0 is free flow; values must be finite and > 0.
    pub hourly_speed_factor: [f64; 24],
    /// Multiplier on every travel time (weather, road works): 1.2 = 20% slower.
    pub weather_factor: f64,
}

impl Default for TrafficProfile {
    fn default() -> Self {
        Self::flat()
    }
}

impl TrafficProfile {
    /// Free flow at every hour, no weather penalty.
    pub fn flat() -> Self {
        Self { hourly_speed_factor: [1.0; 24], weather_factor: 1.0 }
    }

    /// A profile with the given hourly speed factors and no weather penalty.
    pub fn hourly(hourly_speed_factor: [f64; 24]) -> Self {
        Self { hourly_speed_factor, weather_factor: 1.0 }
    }

    /// Sets the weather factor on time.
    pub fn with_weather(mut self, factor: f64) -> Self {
        self.weather_factor = factor;
        self
    }

    /// Checks every factor.
    ///
    /// # Errors
    /// [`RoadError::InvalidOption`] for a factor that is not a finite number > 0.
    pub fn validate(&self) -> Result<(), RoadError> {
        let expected = "a finite number > 0";
        if let Some(&value) =
            self.hourly_speed_factor.iter().find(|f| !(f.is_finite() && **f > 0.0))
        {
            return Err(RoadError::InvalidOption { name: "hourly_speed_factor", value, expected });
        }
        let w = self.weather_factor;
        if !(w.is_finite() && w > 0.0) {
            return Err(RoadError::InvalidOption { name: "weather_factor", value: w, expected });
        }
        Ok(())
    }

    /// The factor that multiplies free-flow times for a departure in `hour`:
    /// `weather_factor / hourly_speed_factor[hour]`.
    ///
    /// # Errors
    /// [`RoadError::InvalidHour`] when `hour >= 24`; [`RoadError::InvalidOption`] for an
    /// invalid profile.
    pub fn time_multiplier(&self, hour: u8) -> Result<f64, RoadError> {
        self.validate()?;
        let speed = self.hourly_speed_factor.get(usize::from(hour));
        let speed = speed.ok_or(RoadError::InvalidHour { hour })?;
        Ok(self.weather_factor / speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_profile_is_free_flow_at_every_hour() {
        let flat = TrafficProfile::default();
        for h in 0..24 {
            assert_eq!(flat.time_multiplier(h).unwrap(), 1.0);
        }
    }

    #[test]
    fn rush_hour_and_weather_multiply_time() {
        let mut hourly = [1.0; 24];
        hourly[8] = 0.5;
        let p = TrafficProfile::hourly(hourly).with_weather(1.2);
        assert_eq!(p.time_multiplier(8).unwrap(), 2.4);
        assert_eq!(p.time_multiplier(3).unwrap(), 1.2);
    }

    #[test]
    fn bad_hours_and_factors_are_errors() {
        assert!(matches!(
            TrafficProfile::flat().time_multiplier(24),
            Err(RoadError::InvalidHour { hour: 24 })
        ));
        let mut hourly = [1.0; 24];
        hourly[5] = 0.0;
        assert!(TrafficProfile::hourly(hourly).validate().is_err());
        assert!(TrafficProfile::flat().with_weather(f64::NAN).validate().is_err());
    }

    #[test]
    fn reads_from_toml_and_rejects_unknown_fields() {
        let p: TrafficProfile = toml::from_str("weather_factor = 1.5").unwrap();
        assert_eq!(p.weather_factor, 1.5);
        assert_eq!(p.hourly_speed_factor, [1.0; 24]);
        assert!(toml::from_str::<TrafficProfile>("speed = 2").is_err());
    }
}
