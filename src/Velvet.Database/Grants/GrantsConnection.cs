using Npgsql;
using Velvet.Dsn;

namespace Velvet.Database.Grants;

/// <summary>
/// Opens the connection of a grants command from a DSN held in an environment variable (never from argv). Messages name
/// the variable and show the DSN masked; the password goes to Npgsql only.
/// </summary>
public static class GrantsConnection
{
    /// <summary>Parses <paramref name="value"/> (read from <paramref name="variable"/>) and opens it.</summary>
    /// <param name="value">The variable's value.</param>
    /// <param name="variable">The variable's name, for messages.</param>
    /// <param name="purpose">Whose DSN it should hold ("the owner's"), for messages.</param>
    /// <param name="registerSecret">Called with the password before anything can print, so every output masks it.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The open connection and the masked DSN for headers.</returns>
    public static async Task<(NpgsqlConnection Connection, string Masked)> OpenAsync(
        string? value, string variable, string purpose, Action<string> registerSecret, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new GrantsException(GrantsFailure.Config,
                $"{variable} is not set: export {purpose} DSN in it (postgres://user:password@host:port/db), or name another variable");
        }
        if (!Dsn.Dsn.TryParse(value, out var dsn, out var error) || dsn!.Kind != DsnKind.Postgres)
        {
            throw new GrantsException(GrantsFailure.Config,
                $"{variable} is not a PostgreSQL DSN: {error ?? "it is a SQLite location"}; expected postgres://user:password@host:port/db");
        }
        if (dsn.Password is { Length: > 0 } password)
        {
            registerSecret(password);
        }
        var builder = new NpgsqlConnectionStringBuilder(dsn.ToConnectionString())
        {
            ApplicationName = "velvet grants",
            Timeout = 15,
            Pooling = false,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            // Npgsql and server messages name the user and host, never the password.
            var why = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.Message;
            throw new GrantsException(GrantsFailure.Connect, $"cannot connect with {variable} ({dsn.Masked}): {why}");
        }
        return (connection, dsn.Masked);
    }
}
