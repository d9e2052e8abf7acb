using System.Net.Sockets;
using Npgsql;

namespace Velvet.Database.Roles;

/// <summary>How a login attempt ended.</summary>
public enum LoginOutcome
{
    /// <summary>Logged in; <see cref="LoginResult.CurrentUser"/> says as whom.</summary>
    Ok = 0,
    /// <summary>The server refused the credential: 28P01 invalid_password or 28000 invalid_authorization_specification (the database's 401).</summary>
    Refused = 1,
    /// <summary>No answer worth judging: network, timeout, server starting or full. Retrying may help.</summary>
    Unreachable = 2,
    /// <summary>Anything else (unknown database, TLS required…). Retrying will not help.</summary>
    Failed = 3,
}

/// <summary>One login attempt. <see cref="Message"/> carries the SQLSTATE and the server's text, never the URL.</summary>
public sealed record LoginResult(LoginOutcome Outcome, string? CurrentUser, string? SqlState, string Message)
{
    public bool IsOk => Outcome == LoginOutcome.Ok;
}

/// <summary>
/// Real logins: every attempt opens a fresh, unpooled connection, so "it logs in" means the server checked the
/// password now, not that a pooled session from before a rotation was handed back.
/// </summary>
public static class PgLogin
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>An Npgsql connection string for a DSN: unpooled, bounded timeouts, application name velvet.</summary>
    public static string ConnectionString(Dsn.Dsn dsn, TimeSpan? timeout = null)
    {
        var seconds = (int)Math.Ceiling((timeout ?? DefaultTimeout).TotalSeconds);
        return new NpgsqlConnectionStringBuilder(dsn.ToConnectionString())
        {
            Pooling = false,
            Timeout = Math.Max(1, seconds),
            CommandTimeout = 30,
            ApplicationName = "velvet",
        }.ConnectionString;
    }

    /// <summary>Opens an unpooled connection (the caller disposes it). Throws what Npgsql throws.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(Dsn.Dsn dsn, CancellationToken ct, TimeSpan? timeout = null)
    {
        var conn = new NpgsqlConnection(ConnectionString(dsn, timeout));
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Logs in with <paramref name="dsn"/>, asks who it is, disconnects.</summary>
    public static async Task<LoginResult> TryAsync(Dsn.Dsn dsn, CancellationToken ct, TimeSpan? timeout = null)
    {
        try
        {
            await using var conn = await OpenAsync(dsn, ct, timeout).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT current_user", conn);
            var user = (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return new LoginResult(LoginOutcome.Ok, user, null, $"logged in as {user}");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            ct.ThrowIfCancellationRequested();
            return Classify(ex);
        }
    }

    /// <summary>True for the SQLSTATEs a refused login carries.</summary>
    public static bool IsRefusal(string? sqlState) => sqlState is "28P01" or "28000";

    /// <summary>Turns a connection failure into a <see cref="LoginResult"/>; the message never contains the URL.</summary>
    public static LoginResult Classify(Exception ex)
    {
        if (ex is PostgresException pg)
        {
            var text = $"{pg.SqlState} {pg.MessageText}";
            if (IsRefusal(pg.SqlState)) return new LoginResult(LoginOutcome.Refused, null, pg.SqlState, text);
            // 57P03 cannot_connect_now, 53300 too_many_connections, class 08 connection exceptions.
            var transient = pg.SqlState is "57P03" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.IsTransient;
            return new LoginResult(transient ? LoginOutcome.Unreachable : LoginOutcome.Failed, null, pg.SqlState, text);
        }
        var socket = FindInner<SocketException>(ex);
        if (socket is not null) return new LoginResult(LoginOutcome.Unreachable, null, null, $"network error ({socket.SocketErrorCode})");
        if (ex is TimeoutException || FindInner<TimeoutException>(ex) is not null) return new LoginResult(LoginOutcome.Unreachable, null, null, "no answer in time (timeout)");
        if (ex is NpgsqlException { IsTransient: true }) return new LoginResult(LoginOutcome.Unreachable, null, null, $"connection failed ({ex.GetType().Name})");
        // Npgsql's own messages name hosts and options, never the password; keep only the type to be safe.
        return new LoginResult(LoginOutcome.Failed, null, null, $"connection failed ({ex.GetType().Name}{(ex.InnerException is { } inner ? ": " + inner.GetType().Name : "")})");
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is T t) return t;
        }
        return null;
    }
}
