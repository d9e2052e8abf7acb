using System.Net.Sockets;
using Npgsql;
using Velvet.Core.Secrets;

namespace Velvet.Database.DsnCheck;

/// <summary>
/// Logging in with a DSN failed. The message names the masked DSN, the server's reason, the SQLSTATE and a hint,
/// and never the password.
/// </summary>
public sealed class DsnLoginException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DsnLoginException()
    {
    }

    /// <summary>Creates the exception with a (masked) message.</summary>
    /// <param name="message">The message.</param>
    public DsnLoginException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a (masked) message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DsnLoginException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The SQLSTATE: the server's, or 08001 when the server could not be reached.</summary>
    public string SqlState { get; private init; } = "08001";

    /// <summary>The server's reason (or the network error), masked, without the hint.</summary>
    public string Reason { get; private init; } = "";

    internal static DsnLoginException From(Exception ex, string masked, string? user, string? password)
    {
        var masker = new SecretMasker();
        if (!string.IsNullOrEmpty(password))
        {
            masker.Register(password);
            masker.Register(Uri.EscapeDataString(password));
        }

        var (state, reason) = ex switch
        {
            PostgresException pg => (pg.SqlState, pg.MessageText),
            NpgsqlException { InnerException: SocketException se } => ("08001", "cannot reach the server: " + se.Message),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => ("08001", "timed out connecting to the server"),
            _ => ("08001", ex.Message),
        };
        reason = masker.Scrub(reason);
        var hint = Hint(state, user);
        return new DsnLoginException(masker.Scrub($"cannot log in with {masked}: {reason} (SQLSTATE {state}){(hint is null ? "" : ": " + hint)}"), ex)
        {
            SqlState = state,
            Reason = reason,
        };
    }

    private static string? Hint(string state, string? user) => state switch
    {
        "28P01" => $"wrong password, or no role '{user}': re-seed the URL from its canonical copy (after a rotation the old password stops working)",
        "28000" => $"the server refuses '{user}': the role may not exist, may be NOLOGIN, or pg_hba.conf has no entry for it",
        "3D000" => "the database does not exist: check the path part of the URL",
        "42501" => $"'{user}' may not connect to this database: GRANT CONNECT ON DATABASE … TO {user}",
        "53300" => "too many connections: retry later or raise the role's/server's connection limit",
        "57P03" => "the server is starting up or shutting down: retry",
        "08001" => "check the host and port, and that the server accepts TCP connections",
        _ => null,
    };
}
