-- The store schema on PostgreSQL: one file per SQLite migration, with the same number and
-- the same tables (the SQLite file of each number says what its tables are for). The
-- differences, all deliberate:
-- * text compared or ordered uses COLLATE "C" (byte order, as SQLite), whatever the
--   database's locale, so lists and pages come in the same order on both backends;
-- * quantiles are DOUBLE PRECISION[] (written by binary COPY), not JSON text;
-- * jobs and experiments have an `owner`: the store session that created them, whose
--   advisory lock tells whether it is still alive (src/store/postgres/mod.rs);
-- * the immutability rules are one trigger function, refusing every UPDATE.

CREATE FUNCTION stockroute_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME;
END
$$;

CREATE TABLE forecast_run (
    id               TEXT COLLATE "C" PRIMARY KEY,
    created_at       TEXT COLLATE "C" NOT NULL,  -- RFC 3339, UTC, milliseconds
    frequency        TEXT NOT NULL,
    horizon          BIGINT NOT NULL,
    model_config     TEXT NOT NULL,              -- JSON
    data_fingerprint TEXT NOT NULL,
    source           TEXT NOT NULL,
    metrics          TEXT NOT NULL,              -- JSON
    quantile_levels  TEXT NOT NULL,              -- JSON array
    row_count        BIGINT NOT NULL
);
CREATE INDEX forecast_run_created ON forecast_run (created_at);

CREATE TABLE forecast_row (
    run_id    TEXT COLLATE "C" NOT NULL REFERENCES forecast_run (id) ON DELETE CASCADE
                  DEFERRABLE INITIALLY DEFERRED,  -- rows first, then the run with its count
    sku       TEXT COLLATE "C" NOT NULL,
    zone      TEXT COLLATE "C" NOT NULL,
    period    TEXT COLLATE "C" NOT NULL,          -- YYYY-MM-DD
    mean      DOUBLE PRECISION NOT NULL,
    quantiles DOUBLE PRECISION[] NOT NULL,        -- aligned with the run's quantile_levels
    PRIMARY KEY (run_id, sku, zone, period)
);

CREATE TRIGGER forecast_run_immutable BEFORE UPDATE ON forecast_run
    FOR EACH ROW EXECUTE FUNCTION stockroute_refuse_update();
CREATE TRIGGER forecast_row_immutable BEFORE UPDATE ON forecast_row
    FOR EACH ROW EXECUTE FUNCTION stockroute_refuse_update();

