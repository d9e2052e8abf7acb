-- Service tokens (SPEC §5): only a SHA-256 of each token's secret part is kept, never the token.
-- scopes is a space-separated list of scope names; a revoked token keeps its row (and its name) for the audit.

CREATE TABLE service_tokens (
    token_id    text        NOT NULL PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    secret_hash bytea       NOT NULL,
    scopes      text        NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);

-- The app creates, reads and revokes tokens; it can neither delete a token nor change its hash, name or scopes.
GRANT SELECT, INSERT ON service_tokens TO $app_role$;
GRANT UPDATE (revoked_at) ON service_tokens TO $app_role$;

-- The migration journal is the owner's alone: the app must not read it, let alone mark a script applied.
-- Skipped when the app role IS the owner (one-URL setups), or the owner would lock itself out of its journal.
DO $$
BEGIN
    IF $app_role_literal$ <> current_user THEN
        REVOKE ALL ON TABLE velvet_schema_migrations FROM $app_role$;
        IF to_regclass('velvet_schema_migrations_schemaversionsid_seq') IS NOT NULL THEN
            REVOKE ALL ON SEQUENCE velvet_schema_migrations_schemaversionsid_seq FROM $app_role$;
        END IF;
    END IF;
END
$$;
