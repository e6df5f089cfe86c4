//! Newtype measures.
//!
//! Forecasting and the LP work in `f64` with the unit in the type (or, for plain fields, in
//! the name: `travel_time_s`, `distance_m`, `weight_kg`). Routing uses integer forms
//! elsewhere so that incremental deltas never drift.

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Mul, Sub};

macro_rules! measure {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The unit symbol, for reports.
            pub const UNIT: &'static str = $unit;

            /// The raw value in this type's unit.
            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|m| m.0).sum())
            }
        }
    };
}

measure!(
    /// A length in metres.
    Meters,
    "m"
);
measure!(
    /// A duration in seconds.
    Seconds,
    "s"
);
measure!(
    /// A mass in kilograms.
    Kg,
    "kg"
);
measure!(
    /// A volume in cubic metres.
    CubicMeters,
    "m3"
);
measure!(
    /// A count of product units (fractional in forecasts and LP solutions).
    Units,
    "units"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_add_and_sum_within_their_unit() {
        let total: Meters = [Meters(1.5), Meters(2.0)].into_iter().sum();
        assert_eq!(total, Meters(3.5));
        assert_eq!(Seconds(10.0) - Seconds(4.0), Seconds(6.0));
        assert_eq!(Kg(2.0) * 3.0, Kg(6.0));
    }
}
