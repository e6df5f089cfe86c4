//! The accepted range of every field of [`SolverConfig`].
//!
//! A solver configuration can come from outside (an experiment spec over HTTP, a `--config`
//! file), so each tuning number is bounded before a solve starts: a NaN temperature, a
//! removal of 10^18 stops or a memory limit of a petabyte would otherwise turn into a
//! search that never moves, an allocation that aborts the process, or a memory check that
//! no longer protects it. The ranges are wide (well beyond anything tuned in
//! docs/benchmarks.md); they only keep values a run cannot survive out.

use crate::routing::SolverConfig;

/// Most iterations one solve may be asked for (per worker). At about 10 µs an iteration on
/// 1,000 stops this is hours; deadlines stop a run long before.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;

/// Highest `memory_limit_mb`: 1 TiB.
pub const MAX_MEMORY_LIMIT_MB: u64 = 1 << 20;

/// Most neighbours per stop for the granular local search (the neighbour lists hold 64).
pub const MAX_GRANULAR: usize = 64;

impl SolverConfig {
    /// Every field outside its accepted range, as `"{prefix}.{field} ..."` messages (empty
    /// when the configuration is usable).
    pub fn problems(&self, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut real = |name: &str, v: f64, lo: f64, hi: f64| {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                out.push(format!("{prefix}.{name} must lie in [{lo}, {hi}], not {v}"));
            }
        };
        real("avg_removed", self.avg_removed, 1.0, 1000.0);
        real("max_string", self.max_string, 1.0, 1000.0);
        real("blink_rate", self.blink_rate, 0.0, 0.99);
        real("t_start", self.t_start, 1e-9, 1e6);
        real("city_t_start", self.city_t_start, 1e-9, 1e6);
        real("t_end", self.t_end, 1e-12, 1e6);
        real("fleet_share", self.fleet_share, 0.0, 1.0);
        real("fleet_patience", self.fleet_patience, 0.0, 1.0);
        real("stall_factor", self.stall_factor, 0.0, 1e6);
        let mut int = |name: &str, v: u64, lo: u64, hi: u64| {
            if !(lo..=hi).contains(&v) {
                out.push(format!("{prefix}.{name} must lie in [{lo}, {hi}], not {v}"));
            }
        };
        if let Some(n) = self.max_iterations {
            int("max_iterations", n, 0, MAX_ITERATIONS);
        }
        int("memory_limit_mb", self.memory_limit_mb, 1, MAX_MEMORY_LIMIT_MB);
        int("stall_min_iterations", self.stall_min_iterations, 0, MAX_ITERATIONS);
        int("stall_iterations_per_stop", self.stall_iterations_per_stop, 0, 1_000_000);
        int("stall_iterations_per_stop_squared", self.stall_iterations_per_stop_squared, 0, 10_000);
        int("granular", self.granular as u64, 1, MAX_GRANULAR as u64);
        int("decompose_threads", self.decompose_threads as u64, 1, 1024);
        int("group_stops", self.group_stops as u64, 10, 1_000_000);
        int("epochs", u64::from(self.epochs), 1, 10_000);
        if self.t_end > self.t_start {
            out.push(format!("{prefix}.t_end must not exceed {prefix}.t_start"));
        }
        if self.t_end > self.city_t_start {
            out.push(format!("{prefix}.t_end must not exceed {prefix}.city_t_start"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_in_range() {
        assert_eq!(SolverConfig::default().problems("solver"), Vec::<String>::new());
    }

    #[test]
    fn every_out_of_range_field_is_named() {
        let c = SolverConfig {
            max_iterations: Some(MAX_ITERATIONS + 1),
            avg_removed: 1e18,
            t_start: f64::NAN,
            city_t_start: f64::INFINITY,
            memory_limit_mb: u64::MAX,
            granular: 1_000_000,
            ..SolverConfig::default()
        };
        let p = c.problems("champion.solver");
        let fields = [
            "max_iterations",
            "avg_removed",
            "t_start",
            "city_t_start",
            "memory_limit_mb",
            "granular",
        ];
        for field in fields {
            assert!(p.iter().any(|m| m.starts_with(&format!("champion.solver.{field} "))), "{p:?}");
        }
        assert_eq!(p.len(), 6, "{p:?}");
    }
}
