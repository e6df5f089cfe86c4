//! The domain model of a scenario: the network (centres, stations, fleets), the catalogue
//! (SKUs), the demand geography (zones), the demand history and one day's orders.
//!
//! These structs are what every later stage reads. They are plain serde structs with
//! `deny_unknown_fields`, so `scenario.toml` maps onto them directly and the service can
//! accept them as JSON. Units sit in the field names (`storage_m3`, `capacity_kg`); times of
//! day are [`TimeOfDay`] (seconds since midnight), parsed from `HH:MM`.
//!
//! Demand rows refer to SKUs and zones by dense indices ([`SkuIdx`], [`ZoneIdx`]) into
//! [`Scenario::skus`] / [`Scenario::zones`]: a history can hold millions of rows and two
//! strings per row would multiply its memory for nothing.

use crate::ids::{BreakId, CentreId, OrderId, SkuId, StationId, VehicleTypeId, ZoneId};
use crate::roads::VehicleProfile;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// The bucket of the clean series and of forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar days.
    Day,
    /// Seven-day weeks ending on the last date of the history (see
    /// [`Calendar`](super::Calendar)).
    Week,
}

impl Period {
    /// The length of one period.
    ///
    /// # Units
    /// Days.
    pub fn days(self) -> i64 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
        }
    }
}

/// A time of day, in seconds since local midnight. Written `HH:MM` in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u32);

/// Why a text is not an `HH:MM` time of day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time of day HH:MM between 00:00 and 24:00")]
pub struct BadTime(pub String);

impl TimeOfDay {
    /// Builds a time from hours and minutes; `None` past 24:00.
    pub fn from_hm(hours: u32, minutes: u32) -> Option<Self> {
        let ok = minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0));
        ok.then_some(Self(hours * 3600 + minutes * 60))
    }

    /// The full hour `hours` (0..=24; larger values are clamped to 24:00).
    pub const fn at_hour(hours: u32) -> Self {
        Self(if hours > 24 { 24 } else { hours } * 3600)
    }

    /// Parses `HH:MM` (one or two hour digits, two minute digits; `24:00` is the end of day).
    ///
    /// # Errors
    /// [`BadTime`] for anything else.
    pub fn parse(text: &str) -> Result<Self, BadTime> {
        let bad = || BadTime(text.to_owned());
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str, lo: usize| {
            (lo..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(h, 1) || !digits(m, 2) {
            return Err(bad());
        }
        let hours = h.parse().map_err(|_| bad())?;
        let minutes = m.parse().map_err(|_| bad())?;
        Self::from_hm(hours, minutes).ok_or_else(bad)
    }

    /// Seconds since midnight.
    ///
    /// # Units
    /// Seconds.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 3600, self.0 % 3600 / 60)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = BadTime;
    fn try_from(text: String) -> Result<Self, BadTime> {
        Self::parse(&text)
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> String {
        t.to_string()
    }
}

/// The money side of the objective. Currency amounts are in [`Scenario::currency`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Currency per unit of demand not served.
    pub lost_sale_per_unit: f64,
    /// Currency per unit served from beyond the promise distance.
    pub late_per_unit: f64,
    /// The distance within which delivery keeps the promise, in km.
    pub promise_distance_km: f64,
    /// Outbound transport centre -> zone, currency per unit and km.
    pub transport_per_unit_km: f64,
}

/// A fulfilment centre: holds stock, ships to stations and zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    /// Unique among centres.
    pub id: CentreId,
    /// A name for people.
    pub name: String,
    /// Latitude, degrees WGS84.
    pub lat: f64,
    /// Longitude, degrees WGS84.
    pub lon: f64,
    /// Storage volume, m3.
    pub storage_m3: f64,
    /// Units the centre can ship per period.
    pub outbound_units_per_period: f64,
    /// Currency per unit held for one period.
    pub holding_cost_per_unit_period: f64,
}

/// A delivery station: a last-mile depot fed by one centre, home of a fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Station {
    /// Unique among stations.
    pub id: StationId,
    /// A name for people.
    pub name: String,
    /// Latitude, degrees WGS84.
    pub lat: f64,
    /// Longitude, degrees WGS84.
    pub lon: f64,
    /// The centre that feeds this station.
    pub centre: CentreId,
    /// The fleet, by vehicle type (at least one).
    #[serde(default)]
    pub vehicle_types: Vec<VehicleType>,
}

/// Identical vehicles of one station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VehicleType {
    /// Unique within its station.
    pub id: VehicleTypeId,
    /// How many vehicles of this type the station has.
    pub count: u32,
    /// Payload, kg.
    pub capacity_kg: f64,
    /// Load volume, m3.
    pub capacity_m3: f64,
    /// Start of the working day (local time).
    pub shift_start: TimeOfDay,
    /// End of the working day, after `shift_start`.
    pub shift_end: TimeOfDay,
    /// Currency per km driven.
    pub cost_per_km: f64,
    /// Currency per hour on shift.
    pub cost_per_hour: f64,
    /// Currency per vehicle used.
    pub fixed_cost: f64,
    /// Driver breaks every used vehicle takes, in this order, between stops (default
    /// none; at most 8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<DriverBreak>,
    /// Which roads the vehicle may use and how fast it goes: `van` (default), `car`,
    /// `truck`, `bicycle` (an e-cargo bike: cycleways, never a motorway, at most 25 km/h)
    /// or `foot` ([`VehicleProfile`]).
    #[serde(default)]
    pub profile: VehicleProfile,
}

/// A driver break: `minutes` long, starting between `earliest` and `latest` (local time),
/// taken between two stops, on the road or while the driver waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverBreak {
    /// Unique within its vehicle type.
    pub id: BreakId,
    /// The earliest start.
    pub earliest: TimeOfDay,
    /// The latest start, after `earliest`.
    pub latest: TimeOfDay,
    /// How long it lasts, minutes.
    pub minutes: f64,
}

/// A delivery zone (a postal code or a part of one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// The zone id, kept as text (leading zeros matter).
    pub id: ZoneId,
    /// Latitude of the centroid, degrees WGS84.
    pub lat: f64,
    /// Longitude of the centroid, degrees WGS84.
    pub lon: f64,
    /// The zone's outline as WKT `POLYGON((lon lat, ...))`, already checked to parse.
    #[serde(default)]
    pub polygon_wkt: Option<String>,
}

impl Zone {
    /// The outline as a polygon (lon = x, lat = y), if the zone has one.
    pub fn polygon(&self) -> Option<geo::Polygon<f64>> {
        use wkt::TryFromWkt;
        self.polygon_wkt.as_deref().and_then(|w| geo::Polygon::try_from_wkt_str(w).ok())
    }
}

/// A stock-keeping unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// The SKU id, kept as text.
    pub id: SkuId,
    /// Volume of one unit, m3.
    pub volume_m3: f64,
    /// Weight of one unit, kg.
    pub weight_kg: f64,
    /// Value of one unit, in the scenario currency.
    pub value: f64,
}

/// Dense index of a SKU in [`Scenario::skus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SkuIdx(pub u32);

/// Dense index of a zone in [`Scenario::zones`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ZoneIdx(pub u32);

/// Units of one SKU demanded in one zone on one day (duplicates in the file already summed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandRow {
    /// The calendar day.
    pub date: NaiveDate,
    /// Index into [`Scenario::skus`].
    pub sku: SkuIdx,
    /// Index into [`Scenario::zones`].
    pub zone: ZoneIdx,
    /// Units, >= 0.
    pub quantity: f64,
}

/// A delivery time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Earliest arrival.
    pub start: TimeOfDay,
    /// Latest arrival, after `start`.
    pub end: TimeOfDay,
}

/// One SKU of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    /// The SKU.
    pub sku: SkuId,
    /// Units, > 0.
    pub quantity: f64,
}

/// A customer order of the delivery day: one stop with one or more lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Unique order id.
    pub id: OrderId,
    /// The zone, if given.
    pub zone: Option<ZoneId>,
    /// Latitude of the stop, degrees (given, or the zone centroid).
    pub lat: f64,
    /// Longitude of the stop, degrees (given, or the zone centroid).
    pub lon: f64,
    /// The delivery window, if any.
    pub time_window: Option<TimeWindow>,
    /// The order lines (one per SKU).
    pub lines: Vec<OrderLine>,
}

/// A whole, validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// Currency of every money amount (e.g. `EUR`).
    pub currency: String,
    /// Bucket of the clean series and of forecasts.
    pub period: Period,
    /// Planning horizon, in periods.
    pub horizon_periods: u32,
    /// The OpenStreetMap extract, resolved against the scenario folder (checked to exist).
    pub roads: Option<PathBuf>,
    /// Cost parameters.
    pub costs: Costs,
    /// Fulfilment centres (at least one).
    pub centres: Vec<Centre>,
    /// Delivery stations with their fleets.
    pub stations: Vec<Station>,
    /// Delivery zones, in file order.
    pub zones: Vec<Zone>,
    /// SKUs, in file order.
    pub skus: Vec<Sku>,
    /// Demand history, sorted by (sku, zone, date), one row per (date, sku, zone).
    pub demand: Vec<DemandRow>,
    /// The delivery day's orders, in order of first appearance.
    pub orders: Vec<Order>,
}

impl Scenario {
    /// The SKU behind a dense index.
    pub fn sku(&self, idx: SkuIdx) -> Option<&Sku> {
        self.skus.get(idx.0 as usize)
    }

    /// The zone behind a dense index.
    pub fn zone(&self, idx: ZoneIdx) -> Option<&Zone> {
        self.zones.get(idx.0 as usize)
    }

    /// The dense index of every SKU id (built on each call: keep the map).
    pub fn sku_indices(&self) -> HashMap<&SkuId, SkuIdx> {
        self.skus.iter().zip(0..).map(|(s, i)| (&s.id, SkuIdx(i))).collect()
    }

    /// The dense index of every zone id (built on each call: keep the map).
    pub fn zone_indices(&self) -> HashMap<&ZoneId, ZoneIdx> {
        self.zones.iter().zip(0..).map(|(z, i)| (&z.id, ZoneIdx(i))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_parses_hh_mm_and_rejects_the_rest() {
        assert_eq!(TimeOfDay::parse("08:00").unwrap().seconds(), 8 * 3600);
        assert_eq!(TimeOfDay::parse("7:30").unwrap().seconds(), 7 * 3600 + 1800);
        assert_eq!(TimeOfDay::parse("24:00").unwrap().seconds(), 86_400);
        for bad in ["24:01", "8", "08:5", "08:60", "-1:00", "ab:cd", "", "08:00:00", "+8:00"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TimeOfDay::parse("9:05").unwrap().to_string(), "09:05");
    }

    #[test]
    fn period_deserializes_lowercase() {
        #[derive(Deserialize)]
        struct P {
            p: Period,
        }
        let p: P = toml::from_str("p = \"week\"").unwrap();
        assert_eq!(p.p, Period::Week);
        assert!(toml::from_str::<P>("p = \"month\"").is_err());
    }
}
