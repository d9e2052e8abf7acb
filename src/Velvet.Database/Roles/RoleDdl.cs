using Npgsql;
using Velvet.Core.Secrets;

namespace Velvet.Database.Roles;

/// <summary>
/// The statements that change roles. Passwords travel only as SCRAM verifiers (<see cref="RolePassword"/>); names are
/// checked and quoted (<see cref="PgText"/>). Each change also writes Velvet's <see cref="RoleMarker"/> as the role's comment.
/// </summary>
public static class RoleDdl
{
    /// <summary>How long one pg_terminate_backend waits for the session to end.</summary>
    public const int TerminateWaitMs = 5000;

    /// <summary>Serialises Velvet's changes to one layout across processes (a transaction-scoped advisory lock).</summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RoleLayout layout, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", conn, tx);
        cmd.Parameters.AddWithValue("key", "velvet.postgres-role:" + layout.Role);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A role that cannot log in and has no password (an alternating group, or a login waiting for its first key).</summary>
    public static Task CreateNoLoginAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string role, CancellationToken ct) =>
        ExecAsync(conn, tx, $"CREATE ROLE {PgText.Ident(role)} NOLOGIN", ct);

    /// <summary>Idempotent: granting an existing membership only raises a notice.</summary>
    public static Task GrantMembershipAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string group, string member, CancellationToken ct) =>
        ExecAsync(conn, tx, $"GRANT {PgText.Ident(group)} TO {PgText.Ident(member)}", ct);

    /// <summary>Sets the password (and LOGIN) and marks the role; the old password stops working when this commits.</summary>
    public static async Task<RoleMarker> SetKeyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string role, SecretValue password, string tag, CancellationToken ct)
    {
        await ExecAsync(conn, tx, $"ALTER ROLE {PgText.Ident(role)} WITH LOGIN PASSWORD {PgText.Literal(RolePassword.ScramVerifier(password.Reveal()))}", ct).ConfigureAwait(false);
        return await MarkAsync(conn, tx, role, RoleMarkKind.KeySet, tag, ct).ConfigureAwait(false);
    }

    /// <summary>NOLOGIN and no password: the login is dead even if someone re-enables LOGIN by mistake.</summary>
    public static async Task<RoleMarker> DisableAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string role, string tag, CancellationToken ct)
    {
        await ExecAsync(conn, tx, $"ALTER ROLE {PgText.Ident(role)} WITH NOLOGIN PASSWORD NULL", ct).ConfigureAwait(false);
        return await MarkAsync(conn, tx, role, RoleMarkKind.Revoked, tag, ct).ConfigureAwait(false);
    }

    /// <summary>In place lock-out: the password becomes a random value nobody keeps.</summary>
    public static async Task<RoleMarker> DiscardKeyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string role, string tag, CancellationToken ct)
    {
        var discarded = RolePassword.Generate();
        await ExecAsync(conn, tx, $"ALTER ROLE {PgText.Ident(role)} WITH PASSWORD {PgText.Literal(RolePassword.ScramVerifier(discarded.Reveal()))}", ct).ConfigureAwait(false);
        return await MarkAsync(conn, tx, role, RoleMarkKind.Revoked, tag, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the role's sessions (all, or only those started before <paramref name="startedBefore"/>), waiting for each.
    /// Returns (terminated, still there). Run it after the change that stops new logins has committed.
    /// </summary>
    public static async Task<(int Terminated, int Remaining)> TerminateSessionsAsync(NpgsqlConnection conn, string role, DateTimeOffset? startedBefore, CancellationToken ct)
    {
        const string sql = """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, @wait))
            FROM pg_stat_activity
            WHERE usename = @role AND pid <> pg_backend_pid() AND (@before::timestamptz IS NULL OR backend_start < @before)
            """;
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 120 };
        cmd.Parameters.AddWithValue("role", role);
        cmd.Parameters.AddWithValue("wait", (long)TerminateWaitMs);
        cmd.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)startedBefore?.UtcDateTime ?? DBNull.Value });
        var terminated = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        var remaining = await RoleInspector.SessionsAsync(conn, role, startedBefore, ct).ConfigureAwait(false);
        return (terminated, remaining);
    }

    private static async Task<RoleMarker> MarkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string role, RoleMarkKind kind, string tag, CancellationToken ct)
    {
        if (!RoleMarker.IsValidTag(tag)) throw new ArgumentException($"tag '{tag}' has characters a role marker cannot hold", nameof(tag));
        DateTimeOffset at;
        await using (var now = new NpgsqlCommand("SELECT clock_timestamp()", conn, tx))
            at = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await now.ExecuteScalarAsync(ct).ConfigureAwait(false))!, DateTimeKind.Utc));
        var marker = new RoleMarker(kind, tag, at);
        await ExecAsync(conn, tx, $"COMMENT ON ROLE {PgText.Ident(role)} IS {PgText.Literal(marker.Text)}", ct).ConfigureAwait(false);
        return marker;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
