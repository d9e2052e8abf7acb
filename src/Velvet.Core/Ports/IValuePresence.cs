namespace Velvet.Core.Ports;

/// <summary>Whether a consumer holds a value for the credential now (the provision flow's "exists nowhere yet" check).</summary>
public enum Presence
{
    Absent = 0,
    Present = 1,
    /// <summary>The consumer cannot be asked (write-only, unreachable): Velvet's own record of what it wrote decides.</summary>
    Unknown = 2,
}

/// <summary>What a presence check found, with a reason a person can act on. Never a value.</summary>
public sealed record PresenceResult(Presence Presence, string Detail);

/// <summary>
/// A consumer that can tell whether it already holds a value (a dotenv file, a Heroku config var, an SSM parameter).
/// Write-only consumers (GitHub Actions secrets) do not implement it; the provision check uses the fingerprints
/// Velvet recorded when it wrote them instead.
/// </summary>
public interface IValuePresence
{
    Task<PresenceResult> PresenceAsync(ConsumerContext ctx, CancellationToken ct);
}
