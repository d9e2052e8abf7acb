-- Console operator accounts (SPEC §6): people, separate from service tokens. Only a password hash is kept
-- (ASP.NET Core Identity's PBKDF2 format). failed_sign_ins and locked_until drive the sign-in backoff.

CREATE TABLE console_users (
    name            TEXT    NOT NULL PRIMARY KEY,
    role            TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash   TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT    NULL,
    last_sign_in_at TEXT    NULL
);
