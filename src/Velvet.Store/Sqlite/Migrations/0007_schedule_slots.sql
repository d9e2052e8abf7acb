-- Scheduled rotations (SPEC §8): one row per claimed due time of a credential's schedule.
-- The primary key makes a due slot claimable once (two replicas never start the same scheduled job);
-- the partial unique index lets a pairing group hold one open slot at a time (paired credentials never rotate together).

CREATE TABLE schedule_slots (
    token_name TEXT NOT NULL,
    env        TEXT NOT NULL,
    slot_key   TEXT NOT NULL,
    group_key  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    job_id     TEXT NULL,
    closed_at  TEXT NULL,
    outcome    TEXT NULL,
    PRIMARY KEY (token_name, env, slot_key)
) WITHOUT ROWID;

CREATE UNIQUE INDEX ux_schedule_slots_open_group
    ON schedule_slots (group_key, env)
    WHERE closed_at IS NULL;
