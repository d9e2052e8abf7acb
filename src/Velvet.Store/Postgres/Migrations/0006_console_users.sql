-- Console operator accounts (SPEC §6): people, separate from service tokens. Only a password hash is kept
-- (ASP.NET Core Identity's PBKDF2 format). failed_sign_ins and locked_until drive the sign-in backoff.

CREATE TABLE console_users (
    name            text        NOT NULL PRIMARY KEY,
    role            text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash   text        NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    failed_sign_ins integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz NULL,
    last_sign_in_at timestamptz NULL
);

-- The app reads accounts and keeps their sign-in counters; accounts are created and removed by the CLI, which the
-- team runs with the app's connection too, so it may insert and delete; it can never change a name or a role.
GRANT SELECT, INSERT, DELETE ON console_users TO $app_role$;
GRANT UPDATE (failed_sign_ins, locked_until, last_sign_in_at) ON console_users TO $app_role$;
