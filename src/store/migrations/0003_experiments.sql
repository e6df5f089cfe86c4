-- Experiments (issue 7): the spec fixed before the run, one row per unit with both arms'
-- measures, and the verdict written once at the end. Units are append-only while the
-- experiment runs; a finished (done or aborted) experiment accepts no change.
CREATE TABLE experiment (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    created_at       TEXT NOT NULL,  -- RFC 3339, UTC
    stage            TEXT NOT NULL,  -- 'forecast' | 'placement' | 'routing'
    spec             TEXT NOT NULL,  -- JSON of the spec
    spec_fingerprint TEXT NOT NULL,
    planned_units    INTEGER NOT NULL,
    status           TEXT NOT NULL,  -- 'running' | 'done' | 'aborted'
    verdict          TEXT            -- JSON, set when done
);
CREATE INDEX experiment_name ON experiment (name, created_at);

CREATE TABLE experiment_unit (
    experiment_id TEXT NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,  -- 0-based order of recording
    unit          TEXT NOT NULL,
    seed          INTEGER NOT NULL,  -- u64 stored as its two's-complement i64
    champion      TEXT NOT NULL,     -- JSON {metric: value}
    challenger    TEXT NOT NULL,
    PRIMARY KEY (experiment_id, unit)
);

CREATE TRIGGER experiment_unit_immutable BEFORE UPDATE ON experiment_unit
BEGIN
    SELECT RAISE(ABORT, 'experiment units are immutable');
END;
CREATE TRIGGER experiment_finished_immutable BEFORE UPDATE ON experiment
WHEN OLD.status <> 'running'
BEGIN
    SELECT RAISE(ABORT, 'a finished experiment is immutable');
END;
CREATE TRIGGER experiment_unit_closed BEFORE INSERT ON experiment_unit
WHEN (SELECT status FROM experiment WHERE id = NEW.experiment_id) <> 'running'
BEGIN
    SELECT RAISE(ABORT, 'the experiment is finished');
END;
