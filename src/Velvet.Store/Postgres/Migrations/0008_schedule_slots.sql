-- Scheduled rotations (SPEC §8): one row per claimed due time of a credential's schedule.
-- The primary key makes a due slot claimable once (two replicas never start the same scheduled job);
-- the partial unique index lets a pairing group hold one open slot at a time (paired credentials never rotate together).

CREATE TABLE schedule_slots (
    token_name text        NOT NULL,
    env        text        NOT NULL,
    slot_key   text        NOT NULL,
    group_key  text        NOT NULL,
    kind       text        NOT NULL,
    due_at     timestamptz NOT NULL,
    claimed_by text        NOT NULL,
    claimed_at timestamptz NOT NULL,
    job_id     uuid        NULL,
    closed_at  timestamptz NULL,
    outcome    text        NULL,
    PRIMARY KEY (token_name, env, slot_key)
);

CREATE UNIQUE INDEX ux_schedule_slots_open_group
    ON schedule_slots (group_key, env)
    WHERE closed_at IS NULL;

-- The app claims, starts and closes slots; nothing deletes them (they are the schedule's history).
GRANT SELECT, INSERT, UPDATE ON schedule_slots TO $app_role$;
