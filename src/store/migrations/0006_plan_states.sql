-- Versions of a plan under way (issue 16): every re-optimisation writes the next version
-- of its plan's state, pointing at the version it came from, so any plan a driver was
-- given can be traced back to the first one. The state and the summary of the
-- re-optimisation that made it are JSON documents (`replan::PlanState`,
-- `replan::ReoptimiseSummary`). Written once.
CREATE TABLE plan_state (
    plan_id        TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    parent_version INTEGER,
    created_at     TEXT NOT NULL,  -- RFC 3339, UTC
    state          TEXT NOT NULL,
    summary        TEXT,           -- NULL for a first version
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, parent_version) REFERENCES plan_state (plan_id, version),
    CHECK ((version = 1 AND parent_version IS NULL) OR parent_version = version - 1)
);
CREATE TRIGGER plan_state_immutable BEFORE UPDATE ON plan_state
BEGIN
    SELECT RAISE(ABORT, 'plan states are immutable');
END;
