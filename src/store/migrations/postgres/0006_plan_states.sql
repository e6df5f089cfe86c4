-- Versions of a plan under way (issue 16); see the SQLite migration of the same number.
CREATE TABLE plan_state (
    plan_id        TEXT COLLATE "C" NOT NULL,
    version        BIGINT NOT NULL CHECK (version >= 1),
    parent_version BIGINT,
    created_at     TEXT NOT NULL,
    state          TEXT NOT NULL,
    summary        TEXT,
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, parent_version) REFERENCES plan_state (plan_id, version),
    CHECK ((version = 1 AND parent_version IS NULL) OR parent_version = version - 1)
);
CREATE TRIGGER plan_state_immutable BEFORE UPDATE ON plan_state
    FOR EACH ROW EXECUTE FUNCTION stockroute_refuse_update();
