-- Experiments (as SQLite's 0003_experiments.sql), with their owner.
CREATE TABLE experiment (
    id               TEXT COLLATE "C" PRIMARY KEY,
    name             TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    stage            TEXT NOT NULL,
    spec             TEXT NOT NULL,              -- JSON
    spec_fingerprint TEXT NOT NULL,
    planned_units    BIGINT NOT NULL,
    status           TEXT NOT NULL,              -- 'running' | 'done' | 'aborted'
    verdict          TEXT,                       -- JSON, set when done
    owner            TEXT
);
CREATE INDEX experiment_name ON experiment (name, created_at);

CREATE TABLE experiment_unit (
    experiment_id TEXT COLLATE "C" NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    unit          TEXT NOT NULL,
    seed          BIGINT NOT NULL,               -- u64 as its two's-complement i64
    champion      TEXT NOT NULL,
    challenger    TEXT NOT NULL,
    PRIMARY KEY (experiment_id, unit)
);
CREATE TRIGGER experiment_unit_immutable BEFORE UPDATE ON experiment_unit
    FOR EACH ROW EXECUTE FUNCTION stockroute_refuse_update();
CREATE TRIGGER experiment_finished_immutable BEFORE UPDATE ON experiment
    FOR EACH ROW WHEN (OLD.status <> 'running') EXECUTE FUNCTION stockroute_refuse_update();

CREATE FUNCTION stockroute_experiment_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM experiment WHERE id = NEW.experiment_id) <> 'running' THEN
        RAISE EXCEPTION 'the experiment is finished';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER experiment_unit_closed BEFORE INSERT ON experiment_unit
    FOR EACH ROW EXECUTE FUNCTION stockroute_experiment_open();
