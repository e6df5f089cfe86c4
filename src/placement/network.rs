//! Dense indices, distances and candidate centres of a validated input.
//!
//! Ids are strings at the edge; the LP builder, the solution and the checker work on dense
//! `u32` indices into the input's vectors, mapped once here. Each zone keeps its `k`
//! nearest centres (road distance where given, haversine otherwise), which is what keeps
//! the LP sparse: flows exist only on these arcs.

use super::model::PlacementInput;
use serde::Serialize;
use std::collections::HashMap;

/// Index of a SKU in [`PlacementInput::skus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SkuIdx(pub u32);

/// Index of a centre in [`PlacementInput::centres`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CentreIdx(pub u32);

/// Index of a zone in [`PlacementInput::zones`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ZoneIdx(pub u32);

/// One (SKU, zone) with positive mean demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DemandEntry {
    pub sku: SkuIdx,
    pub zone: ZoneIdx,
    pub mean: f64,
    /// P90, raised to the mean when a forecast reports less.
    pub p90: f64,
}

impl DemandEntry {
    /// Stock a centre holds per unit of mean demand it serves: P90 / mean (>= 1).
    pub fn cover_ratio(&self) -> f64 {
        self.p90 / self.mean
    }
}

/// The dense view of a validated [`PlacementInput`].
#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub n_skus: usize,
    pub n_centres: usize,
    /// Distance in km, zone-major: `dist_km[z * n_centres + c]`.
    dist_km: Vec<f64>,
    /// Candidate centres per zone, nearest first: `candidates[z * k .. z * k + k]`.
    candidates: Vec<CentreIdx>,
    pub k: usize,
    /// Demand entries with positive mean, in input order.
    pub demand: Vec<DemandEntry>,
}

/// Great-circle distance between two (lat, lon) points in degrees.
///
/// # Units
/// Kilometres.
pub fn haversine_km(lat_a: f64, lon_a: f64, lat_b: f64, lon_b: f64) -> f64 {
    crate::roads::haversine_m((lat_a, lon_a), (lat_b, lon_b)) / 1000.0
}

impl Network {
    /// Builds the dense view. The input must have passed `validate`.
    ///
    /// # Complexity
    /// O(Z * F log F + D) for Z zones, F centres and D demand rows.
    pub fn new(input: &PlacementInput) -> Self {
        let n_centres = input.centres.len();
        let n_zones = input.zones.len();
        let mut dist_km = Vec::with_capacity(n_zones * n_centres);
        for z in &input.zones {
            for c in &input.centres {
                dist_km.push(haversine_km(z.lat, z.lon, c.lat, c.lon));
            }
        }
        let zone_idx: HashMap<&str, u32> =
            input.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i as u32)).collect();
        let centre_idx: HashMap<&str, u32> =
            input.centres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i as u32)).collect();
        let sku_idx: HashMap<&str, u32> =
            input.skus.iter().enumerate().map(|(i, s)| (s.id.as_str(), i as u32)).collect();
        for r in &input.road_km {
            if let (Some(&z), Some(&c)) =
                (zone_idx.get(r.zone.as_str()), centre_idx.get(r.centre.as_str()))
            {
                dist_km[z as usize * n_centres + c as usize] = r.km;
            }
        }
        let k = input.options.k_nearest.clamp(1, n_centres.max(1));
        let mut candidates = Vec::with_capacity(n_zones * k);
        let mut order: Vec<u32> = (0..n_centres as u32).collect();
        for z in 0..n_zones {
            let row = &dist_km[z * n_centres..(z + 1) * n_centres];
            order.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
            candidates.extend(order.iter().take(k).map(|&c| CentreIdx(c)));
        }
        let demand = input
            .demand
            .iter()
            .filter(|d| d.mean_units > 0.0)
            .filter_map(|d| {
                Some(DemandEntry {
                    sku: SkuIdx(*sku_idx.get(d.sku.as_str())?),
                    zone: ZoneIdx(*zone_idx.get(d.zone.as_str())?),
                    mean: d.mean_units,
                    p90: d.p90_units.max(d.mean_units),
                })
            })
            .collect();
        Self { n_skus: input.skus.len(), n_centres, dist_km, candidates, k, demand }
    }

    /// Distance from centre to zone centroid.
    ///
    /// # Units
    /// Kilometres.
    pub fn km(&self, zone: ZoneIdx, centre: CentreIdx) -> f64 {
        self.dist_km[zone.0 as usize * self.n_centres + centre.0 as usize]
    }

    /// The `k` centres allowed to serve a zone, nearest first.
    pub fn candidates(&self, zone: ZoneIdx) -> &[CentreIdx] {
        let z = zone.0 as usize;
        &self.candidates[z * self.k..(z + 1) * self.k]
    }

    /// Transport plus lateness cost of one unit from `centre` to `zone`, split as
    /// (transport, late).
    pub fn unit_flow_cost(
        &self,
        input: &PlacementInput,
        zone: ZoneIdx,
        centre: CentreIdx,
    ) -> (f64, f64) {
        let km = self.km(zone, centre);
        let costs = &input.costs;
        let late = if km > costs.promise_distance_km { costs.late_per_unit } else { 0.0 };
        (costs.transport_per_unit_km * km, late)
    }
}
