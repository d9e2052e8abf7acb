namespace Velvet.Dsn;

/// <summary>What <see cref="DsnInvariants"/> enforces on a runtime environment.</summary>
public sealed class EnvInvariantOptions
{
    /// <summary>
    /// Provisioning variables a runtime environment must not hold (names or <c>*</c> patterns, case-insensitive).
    /// Default <see cref="DsnPolicy.DefaultForbiddenVariables"/>: <c>DATABASE_ROOT_URL</c>, <c>APP_DB_*</c>, <c>POSTGRES_ROOT_*</c>.
    /// </summary>
    public IReadOnlyList<string> ForbiddenVariables { get; init; } = DsnPolicy.DefaultForbiddenVariables;

    /// <summary>
    /// The runtime DSN variables. Each one that is set must parse, name a user, and not use a denylisted user; all
    /// that are set must log in as different users. Default <c>DATABASE_URL</c> (app) and <c>DATABASE_SERVICE_URL</c>
    /// (service). For the two-URL model use <c>RAPTOR_APP_DATABASE_URL</c> and <c>DATABASE_URL</c> (owner).
    /// </summary>
    public IReadOnlyList<string> DsnVariables { get; init; } = ["DATABASE_URL", "DATABASE_SERVICE_URL"];

    /// <summary>User names no runtime DSN may use. Default <see cref="DsnPolicy.DefaultDeniedUsers"/>.</summary>
    public IReadOnlyList<string> DeniedUsers { get; init; } = DsnPolicy.DefaultDeniedUsers;
}
