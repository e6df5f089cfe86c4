-- Forecast runs and their rows. Runs are immutable: the triggers refuse every UPDATE;
-- a run is removed only whole (its rows go with it).
CREATE TABLE forecast_run (
    id               TEXT PRIMARY KEY,
    created_at       TEXT NOT NULL,  -- RFC 3339, UTC
    frequency        TEXT NOT NULL,  -- 'daily' | 'weekly'
    horizon          INTEGER NOT NULL,
    model_config     TEXT NOT NULL,  -- JSON
    data_fingerprint TEXT NOT NULL,
    source           TEXT NOT NULL,
    metrics          TEXT NOT NULL,  -- JSON
    quantile_levels  TEXT NOT NULL,  -- JSON array, e.g. [0.5,0.9]
    row_count        INTEGER NOT NULL
);
CREATE INDEX forecast_run_created ON forecast_run (created_at);

CREATE TABLE forecast_row (
    run_id    TEXT NOT NULL REFERENCES forecast_run (id) ON DELETE CASCADE
                  DEFERRABLE INITIALLY DEFERRED,  -- rows first, then the run with its count
    sku       TEXT NOT NULL,
    zone      TEXT NOT NULL,
    period    TEXT NOT NULL,  -- first date of the period, YYYY-MM-DD
    mean      REAL NOT NULL,
    quantiles TEXT NOT NULL,  -- JSON array aligned with forecast_run.quantile_levels
    PRIMARY KEY (run_id, sku, zone, period)
);

CREATE TRIGGER forecast_run_immutable BEFORE UPDATE ON forecast_run
BEGIN
    SELECT RAISE(ABORT, 'forecast runs are immutable');
END;
CREATE TRIGGER forecast_row_immutable BEFORE UPDATE ON forecast_row
BEGIN
    SELECT RAISE(ABORT, 'forecast rows are immutable');
END;
