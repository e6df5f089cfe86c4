//! A seeded synthetic placement network, for benchmarks, examples and property tests.
//!
//! Centres and zones are scattered over a France-sized box; SKU popularity falls off like
//! a Zipf law; zone demand is Poisson-like, so P90 = mean + 1.28 sqrt(mean). Storage is
//! sized to about 80 % of the volume that covering every P90 would take, so storage binds
//! and its shadow prices are positive; throughput is looser. Same spec, same network.

use super::model::{
    CentreSpec, PlacementCosts, PlacementInput, PlacementOptions, SkuSpec, ZoneSkuDemand, ZoneSpec,
};
use crate::ids::{CentreId, SkuId, ZoneId};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Size and seed of a synthetic network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthSpec {
    /// Number of SKUs.
    pub skus: usize,
    /// Number of fulfilment centres.
    pub centres: usize,
    /// Number of zones.
    pub zones: usize,
    /// RNG seed.
    pub seed: u64,
    /// Share of (SKU, zone) pairs with demand, in (0, 1].
    pub density: f64,
    /// Candidate centres per zone.
    pub k_nearest: usize,
}

impl SynthSpec {
    /// A dense network (every SKU demanded in every zone), k = 3.
    pub fn new(skus: usize, centres: usize, zones: usize, seed: u64) -> Self {
        Self { skus, centres, zones, seed, density: 1.0, k_nearest: 3 }
    }
}

/// Builds the network of `spec`.
///
/// # Complexity
/// O(S * Z + F).
pub fn network(spec: &SynthSpec) -> PlacementInput {
    let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
    let (lat, lon) = ((43.0, 50.0), (-1.5, 7.5));
    let point =
        |rng: &mut Pcg64Mcg| (rng.random_range(lat.0..lat.1), rng.random_range(lon.0..lon.1));
    let zones: Vec<ZoneSpec> = (0..spec.zones)
        .map(|z| {
            let (lat, lon) = point(&mut rng);
            ZoneSpec { id: ZoneId(format!("Z{z:05}")), lat, lon }
        })
        .collect();
    let skus: Vec<SkuSpec> = (0..spec.skus)
        .map(|s| SkuSpec {
            id: SkuId(format!("SKU{s:06}")),
            volume_m3: rng.random_range(0.001..0.05),
            supply_units: None,
        })
        .collect();
    let zone_weight: Vec<f64> = (0..spec.zones).map(|_| rng.random_range(0.5..2.0)).collect();
    let mut demand = Vec::new();
    let (mut volume_p90, mut total_mean) = (0.0, 0.0);
    for (s, sku) in skus.iter().enumerate() {
        let popularity = 40.0 / ((s as f64) + 1.0).powf(0.8);
        for (z, zone) in zones.iter().enumerate() {
            if spec.density < 1.0 && !rng.random_bool(spec.density.clamp(0.0, 1.0)) {
                continue;
            }
            let mean = (popularity * zone_weight[z] * rng.random_range(0.5..1.5)).max(0.05);
            let p90 = mean + 1.2816 * mean.sqrt();
            volume_p90 += p90 * sku.volume_m3;
            total_mean += mean;
            demand.push(ZoneSkuDemand {
                sku: sku.id.clone(),
                zone: zone.id.clone(),
                mean_units: mean,
                p90_units: p90,
            });
        }
    }
    let f = spec.centres.max(1) as f64;
    let centres = (0..spec.centres)
        .map(|c| {
            let (lat, lon) = point(&mut rng);
            CentreSpec {
                id: CentreId(format!("FC{c:03}")),
                lat,
                lon,
                storage_m3: (volume_p90 / f * rng.random_range(0.6..1.0)).max(1.0),
                outbound_units_per_period: (total_mean / f * rng.random_range(0.9..1.6)).max(1.0),
                holding_cost_per_unit_period: rng.random_range(0.01..0.05),
            }
        })
        .collect();
    PlacementInput {
        centres,
        zones,
        skus,
        demand,
        road_km: Vec::new(),
        costs: PlacementCosts {
            lost_sale_per_unit: 8.0,
            late_per_unit: 0.5,
            promise_distance_km: 150.0,
            transport_per_unit_km: 0.004,
        },
        options: PlacementOptions::default().with_k_nearest(spec.k_nearest),
        forecast_run: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_network_and_valid() {
        let spec = SynthSpec::new(20, 4, 6, 3);
        let a = network(&spec);
        assert_eq!(a, network(&spec));
        assert_ne!(a, network(&SynthSpec { seed: 4, ..spec }));
        a.validate().unwrap();
        assert_eq!(a.demand.len(), 20 * 6);
    }
}
