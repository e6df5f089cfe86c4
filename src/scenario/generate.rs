//! Seeded synthetic scenarios of any size, in the scenario folder format.
//!
//! Used for benchmarks of networks larger than the example data. The output is meant to
//! look like a real urban network rather than noise: zones scattered around a city
//! centre, a few centres on a ring, stations fed by their nearest centre, and intermittent
//! demand whose rate falls with SKU rank (a long tail), varies by zone, and follows a
//! weekly pattern (quiet weekends). Same options, same bytes: everything is drawn from one
//! PCG stream seeded by [`GenerateOptions::seed`] and written with fixed formatting.

use super::error::ScenarioError;
use super::model::{Centre, Costs, Period, Station, TimeOfDay, VehicleType};
use crate::roads::VehicleProfile;
use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Number of zones, 1..=100,000.
    pub zones: usize,
    /// Number of SKUs, 1..=100,000.
    pub skus: usize,
    /// Seed of the random stream.
    pub seed: u64,
    /// Days of history, 7..=3,660.
    pub days: u32,
    /// First day of the history.
    pub start: NaiveDate,
    /// Latitude of the city centre, degrees.
    pub centre_lat: f64,
    /// Longitude of the city centre, degrees.
    pub centre_lon: f64,
}

impl GenerateOptions {
    /// A year of daily history from Monday 2025-01-06 around Lyon.
    pub fn new(zones: usize, skus: usize, seed: u64) -> Self {
        Self {
            zones,
            skus,
            seed,
            days: 364,
            start: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default(),
            centre_lat: 45.764,
            centre_lon: 4.8357,
        }
    }

    /// Sets the days of history.
    pub fn with_days(mut self, days: u32) -> Self {
        self.days = days;
        self
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let bad = |option, value: usize, expected| {
            Err(ScenarioError::BadOption { option, value: value as u64, expected })
        };
        if !(1..=100_000).contains(&self.zones) {
            return bad("zones", self.zones, "1..=100000");
        }
        if !(1..=100_000).contains(&self.skus) {
            return bad("skus", self.skus, "1..=100000");
        }
        if !(7..=3660).contains(&self.days) {
            return bad("days", self.days as usize, "7..=3660");
        }
        Ok(())
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Rows of `demand.csv`.
    pub demand_rows: u64,
    /// (sku, zone) pairs with a demand rate.
    pub active_series: usize,
    /// Orders in `orders.csv`.
    pub orders: usize,
}

/// Mon..Sun demand factors.
const WEEKLY: [f64; 7] = [1.15, 1.1, 1.05, 1.0, 1.1, 0.45, 0.15];

struct Place {
    lat: f64,
    lon: f64,
}

/// Rounds to 5 decimals (about a metre) so the files stay short and stable.
fn r5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> ScenarioError + '_ {
    move |e| ScenarioError::io(path, e)
}

/// Writes a synthetic scenario into `out` (created if needed; the five files are replaced).
///
/// # Errors
/// [`ScenarioError::BadOption`] for options out of range; [`ScenarioError::Io`] when a
/// file cannot be written.
///
/// # Complexity
/// O(zones x skus) to pick active pairs, then O(days x active pairs) draws; memory is
/// O(active pairs): demand is written as it is drawn.
pub fn generate(options: &GenerateOptions, out: &Path) -> Result<Generated, ScenarioError> {
    options.check()?;
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let mut rng = Pcg64Mcg::seed_from_u64(options.seed);
    let (lat0, lon0) = (options.centre_lat, options.centre_lon);
    let km_lat = 1.0 / 111.32;
    let km_lon = 1.0 / (111.32 * lat0.to_radians().cos().max(0.1));
    let radius_km = (3.0 + 1.2 * (options.zones as f64).sqrt()).clamp(5.0, 80.0);
    let at = |rng: &mut Pcg64Mcg, r_km: f64| {
        let (r, theta) =
            (r_km * rng.random::<f64>().sqrt(), std::f64::consts::TAU * rng.random::<f64>());
        Place { lat: r5(lat0 + r * theta.sin() * km_lat), lon: r5(lon0 + r * theta.cos() * km_lon) }
    };

    // Zones: ids with leading zeros, a square outline around each centroid.
    let zones: Vec<(String, Place)> =
        (0..options.zones).map(|i| (format!("{:05}", 1000 + i), at(&mut rng, radius_km))).collect();
    let half_km = (radius_km / (options.zones as f64).sqrt() / 2.0).max(0.2);
    let path = out.join("zones.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
    w.write_record(["zone", "lat", "lon", "polygon_wkt"]).map_err(|e| csv_err(&path, e))?;
    for (id, p) in &zones {
        let (dy, dx) = (half_km * km_lat, half_km * km_lon);
        let (s, n, west, east) = (r5(p.lat - dy), r5(p.lat + dy), r5(p.lon - dx), r5(p.lon + dx));
        let wkt = format!("POLYGON(({west} {s}, {east} {s}, {east} {n}, {west} {n}, {west} {s}))");
        w.write_record([id.clone(), p.lat.to_string(), p.lon.to_string(), wkt])
            .map_err(|e| csv_err(&path, e))?;
    }
    w.flush().map_err(write_err(&path))?;

    // SKUs: log-uniform sizes and values; popularity falls with rank (long tail).
    let path = out.join("skus.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
    w.write_record(["sku", "volume_m3", "weight_kg", "value"]).map_err(|e| csv_err(&path, e))?;
    let log_uniform = |rng: &mut Pcg64Mcg, lo: f64, hi: f64| {
        (lo.ln() + rng.random::<f64>() * (hi / lo).ln()).exp()
    };
    let mut sku_ids = Vec::with_capacity(options.skus);
    let mut mean_size = Vec::with_capacity(options.skus);
    for i in 0..options.skus {
        let volume = log_uniform(&mut rng, 0.0005, 0.05);
        let weight = (volume * rng.random_range(100.0..400.0)).max(0.05);
        let value = log_uniform(&mut rng, 0.5, 150.0);
        let id = format!("P{:05}", i + 1);
        let rec =
            [id.clone(), format!("{volume:.5}"), format!("{weight:.3}"), format!("{value:.2}")];
        w.write_record(&rec).map_err(|e| csv_err(&path, e))?;
        sku_ids.push(id);
        mean_size.push(rng.random_range(0.3..3.0));
    }
    w.flush().map_err(write_err(&path))?;

    // Active (sku, zone) pairs and their daily probability of a sale, by weekday.
    let zone_weight: Vec<f64> =
        (0..options.zones).map(|_| rng.random_range(-0.8f64..0.8).exp()).collect();
    let mut pairs: Vec<(usize, usize, [f64; 7])> = Vec::new();
    let mut expected_units_per_day = 0.0;
    for (s, size) in mean_size.iter().enumerate() {
        let popularity = 1.0 / ((s + 1) as f64).powf(0.9);
        let k = ((options.zones as f64 * (0.05 + 0.9 * popularity)).round() as usize)
            .clamp(1, options.zones);
        let mut chosen = rand::seq::index::sample(&mut rng, options.zones, k).into_vec();
        chosen.sort_unstable();
        for z in chosen {
            let rate = 0.35 * popularity.sqrt() * zone_weight[z];
            let p = WEEKLY.map(|f| 1.0 - (-rate * f).exp());
            expected_units_per_day += p.iter().sum::<f64>() / 7.0 * (1.0 + size);
            pairs.push((s, z, p));
        }
    }

    let path = out.join("demand.csv");
    let mut w = BufWriter::new(File::create(&path).map_err(write_err(&path))?);
    writeln!(w, "date,sku,zone,quantity").map_err(write_err(&path))?;
    let mut demand_rows = 0;
    for d in 0..options.days {
        let date = options.start + Days::new(u64::from(d));
        let weekday = date.weekday().num_days_from_monday() as usize;
        for (s, z, p) in &pairs {
            if rng.random::<f64>() >= p[weekday] {
                continue;
            }
            // 1 + a geometric number of extra units, capped so the data stays plausible.
            let (q, cap) = (1.0 / (1.0 + mean_size[*s]), (4.0 * mean_size[*s]).ceil() as u32);
            let mut extra = 0;
            while extra < cap && rng.random::<f64>() > q {
                extra += 1;
            }
            writeln!(w, "{date},{},{},{}", sku_ids[*s], zones[*z].0, 1 + extra)
                .map_err(write_err(&path))?;
            demand_rows += 1;
        }
    }
    w.flush().map_err(write_err(&path))?;

    let network = network(&mut rng, options, &zones, radius_km, expected_units_per_day, &at);
    let orders = write_orders(&mut rng, out, &zones, &sku_ids, half_km * km_lat, half_km * km_lon)?;
    let path = out.join("scenario.toml");
    let text = toml::to_string(&network)
        .map_err(|e| ScenarioError::io(&path, std::io::Error::other(e)))?;
    std::fs::write(&path, text).map_err(write_err(&path))?;
    Ok(Generated { demand_rows, active_series: pairs.len(), orders })
}

fn csv_err(path: &Path, e: csv::Error) -> ScenarioError {
    ScenarioError::io(path, std::io::Error::other(e))
}

/// The `scenario.toml` of a generated scenario.
#[derive(Serialize)]
struct NetworkOut {
    name: String,
    currency: &'static str,
    period: Period,
    horizon_periods: u32,
    costs: Costs,
    centres: Vec<Centre>,
    stations: Vec<Station>,
}

fn network(
    rng: &mut Pcg64Mcg,
    options: &GenerateOptions,
    zones: &[(String, Place)],
    radius_km: f64,
    units_per_day: f64,
    at: &impl Fn(&mut Pcg64Mcg, f64) -> Place,
) -> NetworkOut {
    let n_centres = (options.zones / 50).clamp(1, 6);
    let centres: Vec<Centre> = (0..n_centres)
        .map(|i| {
            let p = at(rng, radius_km * 0.8);
            Centre {
                id: format!("FC-{:02}", i + 1).into(),
                name: format!("Fulfilment centre {}", i + 1),
                lat: p.lat,
                lon: p.lon,
                storage_m3: (500.0 + 0.5 * options.skus as f64).round(),
                outbound_units_per_period: (3.0 * units_per_day / n_centres as f64)
                    .ceil()
                    .max(100.0),
                holding_cost_per_unit_period: 0.002,
            }
        })
        .collect();
    let n_stations = (options.zones / 15).clamp(1, 40);
    let hm = TimeOfDay::at_hour;
    let stations = (0..n_stations)
        .map(|i| {
            let home = &zones[rng.random_range(0..zones.len())].1;
            let nearest = centres
                .iter()
                .min_by(|a, b| dist2(a, home).total_cmp(&dist2(b, home)))
                .map_or_else(|| "FC-01".into(), |c| c.id.clone());
            let mut vehicle_types = vec![VehicleType {
                id: "van".into(),
                count: rng.random_range(2..=8),
                capacity_kg: 900.0,
                capacity_m3: 9.0,
                shift_start: hm(8),
                shift_end: hm(17),
                cost_per_km: 0.32,
                cost_per_hour: 26.0,
                fixed_cost: 45.0,
                breaks: Vec::new(),
                profile: VehicleProfile::Van,
            }];
            if rng.random_bool(0.5) {
                vehicle_types.push(VehicleType {
                    id: "cargo-bike".into(),
                    count: rng.random_range(1..=3),
                    capacity_kg: 120.0,
                    capacity_m3: 0.8,
                    shift_start: hm(9),
                    shift_end: hm(18),
                    cost_per_km: 0.05,
                    cost_per_hour: 22.0,
                    fixed_cost: 10.0,
                    breaks: Vec::new(),
                    profile: VehicleProfile::Bicycle,
                });
            }
            Station {
                id: format!("DS-{:02}", i + 1).into(),
                name: format!("Delivery station {}", i + 1),
                lat: r5(home.lat + 0.001),
                lon: r5(home.lon + 0.001),
                centre: nearest,
                vehicle_types,
            }
        })
        .collect();
    NetworkOut {
        name: format!("synthetic-z{}-s{}-seed{}", options.zones, options.skus, options.seed),
        currency: "EUR",
        period: Period::Day,
        horizon_periods: 28,
        costs: Costs {
            lost_sale_per_unit: 8.0,
            late_per_unit: 0.5,
            promise_distance_km: 25.0,
            transport_per_unit_km: 0.004,
        },
        centres,
        stations,
    }
}

fn dist2(c: &Centre, p: &Place) -> f64 {
    (c.lat - p.lat).powi(2) + (c.lon - p.lon).powi(2)
}

/// One delivery day: a few orders per zone, 1-3 lines each, half with a time window,
/// most at a point inside the zone and some at the zone centroid only.
fn write_orders(
    rng: &mut Pcg64Mcg,
    out: &Path,
    zones: &[(String, Place)],
    skus: &[String],
    dlat: f64,
    dlon: f64,
) -> Result<usize, ScenarioError> {
    const WINDOWS: [(&str, &str); 3] = [("08:00", "12:00"), ("12:00", "16:00"), ("14:00", "18:00")];
    let n = (zones.len() * 4).clamp(10, 5000);
    let path = out.join("orders.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
    let header = ["order", "zone", "lat", "lon", "sku", "quantity", "tw_start", "tw_end"];
    w.write_record(header).map_err(|e| csv_err(&path, e))?;
    for i in 0..n {
        let (zone, p) = &zones[rng.random_range(0..zones.len())];
        let (lat, lon) = if rng.random_bool(0.7) {
            (
                r5(p.lat + dlat * rng.random_range(-0.9..0.9)).to_string(),
                r5(p.lon + dlon * rng.random_range(-0.9..0.9)).to_string(),
            )
        } else {
            (String::new(), String::new())
        };
        let (start, end) =
            if rng.random_bool(0.5) { WINDOWS[rng.random_range(0..3)] } else { ("", "") };
        let mut lines: Vec<usize> = (0..rng.random_range(1..=3))
            .map(|_| ((skus.len() as f64) * rng.random::<f64>().powi(3)) as usize)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        for s in lines {
            let quantity = rng.random_range(1..=3u32).to_string();
            let id = format!("O{:06}", i + 1);
            let sku = skus.get(s).or(skus.last()).map_or("", String::as_str);
            let rec = [id.as_str(), zone, &lat, &lon, sku, &quantity, start, end];
            w.write_record(rec).map_err(|e| csv_err(&path, e))?;
        }
    }
    w.flush().map_err(write_err(&path))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_out_of_range_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = generate(&GenerateOptions::new(0, 5, 1), dir.path()).unwrap_err();
        assert!(matches!(err, ScenarioError::BadOption { option: "zones", .. }));
        let err = generate(&GenerateOptions::new(5, 5, 1).with_days(3), dir.path()).unwrap_err();
        assert!(matches!(err, ScenarioError::BadOption { option: "days", .. }));
    }
}
