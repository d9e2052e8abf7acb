namespace Velvet.Core.Health;

/// <summary>The session log's vocabulary (SPEC §8).</summary>
public enum HealthStatus
{
    /// <summary>Authenticates and does what Velvet needs.</summary>
    Valid = 0,
    /// <summary>Partly works: authenticates but a scope or permission is missing, it expires soon, or some consumers are stale.</summary>
    Partial = 1,
    /// <summary>Refused (401), revoked, expired, or a consumer holds a different value.</summary>
    Stale = 2,
    /// <summary>Could not tell: transient failure (429, 5xx, timeout) or no check exists (write-only consumer, value unknown).</summary>
    Unknown = 3,
}

/// <summary>One probe: a credential's vendor verify, or one consumer's healthcheck / read-back. Never a value.</summary>
public sealed record HealthProbe
{
    public required string TokenName { get; init; }
    /// <summary>Null for the credential's own (vendor) probe.</summary>
    public string? ConsumerId { get; init; }
    public required string Kind { get; init; }
    /// <summary>vendor verify, healthcheck, read-back, none.</summary>
    public required string Check { get; init; }
    public string? Target { get; init; }
    public required HealthStatus Status { get; init; }
    public required string Reason { get; init; }
    public int? HttpStatus { get; init; }
}

/// <summary>A credential's roll-up row (the environment-check table) and its probes.</summary>
public sealed record CredentialHealth(string TokenName, string Vendor, HealthStatus Status, string Notes, IReadOnlyList<HealthProbe> Probes);

/// <summary>The whole check.</summary>
public sealed record HealthReport(string Env, DateTimeOffset CheckedAt, IReadOnlyList<CredentialHealth> Credentials)
{
    public bool AnyStale => Credentials.Any(c => c.Status == HealthStatus.Stale);
}
