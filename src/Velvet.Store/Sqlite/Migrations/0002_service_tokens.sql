-- Service tokens (SPEC §5): only a SHA-256 of each token's secret part is kept, never the token.
-- scopes is a space-separated list of scope names; a revoked token keeps its row (and its name) for the audit.

CREATE TABLE service_tokens (
    token_id    TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    secret_hash BLOB NOT NULL,
    scopes      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NULL
);
