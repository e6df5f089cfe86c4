//! How a node-to-node path becomes a stop-to-stop entry, in one place.
//!
//! The dense [`TravelMatrix`](super::matrix::TravelMatrix), the neighbour lists and the
//! point-to-point oracle all turn a fastest path `(time_ms, length_mm)` between two road
//! nodes into whole seconds and metres between two snapped stops. They must agree to the
//! unit, so an arc costs the same whichever of them the solver asked: this file holds the
//! one formula (snap legs at the access speed, one rounding per entry) that all three call.

/// The free-flow time and distance between two stops whose nodes are `path_ms` /
/// `path_mm` apart along the fastest path, with `snap_m` the sum of both snap legs and
/// `ms_per_m` the access speed as milliseconds per metre.
///
/// # Units
/// Returns `(milliseconds, whole metres)`; `as` saturates (49 days, 4 million km).
pub(crate) fn stop_entry(path_ms: u64, path_mm: u64, snap_m: f64, ms_per_m: f64) -> (u32, u32) {
    let ms = path_ms as f64 + snap_m * ms_per_m;
    let m = path_mm as f64 / 1000.0 + snap_m;
    (ms.round() as u32, m.round() as u32)
}

/// A free-flow time scaled by a traffic multiplier and rounded to whole seconds.
///
/// # Units
/// `free_flow_ms` in milliseconds; returns whole seconds.
pub(crate) fn retime_s(free_flow_ms: u32, multiplier: f64) -> u32 {
    (f64::from(free_flow_ms) * multiplier / 1000.0).round() as u32
}

/// Milliseconds per metre of snap leg at `access_speed_kmh`.
pub(crate) fn ms_per_m(access_speed_kmh: f64) -> f64 {
    3600.0 / access_speed_kmh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legs_are_added_at_access_speed_and_rounded_once() {
        // 50 m of legs at 15 km/h = 12 s; 600 m of road in 60 s.
        assert_eq!(stop_entry(60_000, 600_000, 50.0, ms_per_m(15.0)), (72_000, 650));
        assert_eq!(stop_entry(1_499, 1_499, 0.0, 240.0), (1_499, 1));
        assert_eq!(retime_s(1_499, 1.0), 1);
        assert_eq!(retime_s(1_500, 1.0), 2);
        assert_eq!(retime_s(10_000, 1.5), 15);
    }
}
