-- Quantiles of lead-time demand (issue 18): per row, the quantiles of demand summed from the
-- run's first period through this row's period, aligned with forecast_run.quantile_levels
-- like `quantiles`. Runs written before this migration have none (an empty array). The
-- same change as the SQLite migration of the same number.
ALTER TABLE forecast_row ADD COLUMN cum_quantiles DOUBLE PRECISION[] NOT NULL DEFAULT '{}';
