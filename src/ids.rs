//! Newtype identifiers.
//!
//! External ids are strings at the edge (files, JSON) so that a postal code such as
//! `"06000"` or a SKU such as `"85123A"` keeps its leading zeros and letters. Each kind of
//! id gets its own type so a zone id can never be passed where a SKU id is expected. Hot
//! loops (routing, LP building) map these to dense `Copy` indices once at load time.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Wraps any string-like value.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A stock-keeping unit (product), e.g. `85123A`.
    SkuId
);
string_id!(
    /// A delivery zone, usually a postal code or a sub-area of one.
    ZoneId
);
string_id!(
    /// A fulfilment centre that holds stock.
    CentreId
);
string_id!(
    /// A delivery station: a last-mile depot fed by one centre, home of a fleet.
    StationId
);
string_id!(
    /// A vehicle type of a station's fleet (several identical vehicles share one type).
    VehicleTypeId
);
string_id!(
    /// One vehicle (a type id plus an ordinal, or an id given in a routing request).
    VehicleId
);
string_id!(
    /// A driver break of a vehicle type (unique within its type).
    BreakId
);
string_id!(
    /// A customer order to deliver.
    OrderId
);
string_id!(
    /// A stop of a routing problem (a job to serve at one location).
    StopId
);
string_id!(
    /// A forecast run in the forecast store.
    RunId
);
string_id!(
    /// A job of the HTTP service (a forecast, placement or plan run in the background).
    JobId
);
string_id!(
    /// A recorded experiment in the store.
    ExperimentId
);
string_id!(
    /// A skill a routing stop needs and a vehicle type has (a licence, a tail lift, a
    /// refrigerated box), e.g. `fridge`.
    SkillId
);

string_id!(
    /// A plan under way (a day's routes being re-optimised): every version of its state
    /// shares it ([`crate::replan`]).
    PlanId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_leading_zeros_and_serialize_as_plain_strings() {
        let zone = ZoneId::from("06000");
        assert_eq!(zone.as_str(), "06000");
        assert_eq!(serde_json::to_string(&zone).unwrap(), "\"06000\"");
        let back: ZoneId = serde_json::from_str("\"06000\"").unwrap();
        assert_eq!(back, zone);
    }
}
