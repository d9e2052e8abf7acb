namespace Velvet.Dsn;

/// <summary>
/// Variable names for <see cref="RuntimeDatabaseUrl"/>. The
/// defaults are the two-URL runbook's (Raptor); set your own app's names.
/// </summary>
public sealed class RuntimeUrlOptions
{
    /// <summary>The owner (migration) URL variable. Default <c>DATABASE_URL</c>.</summary>
    public string OwnerVariable { get; init; } = "DATABASE_URL";

    /// <summary>The restricted app-role URL variable. Default <c>RAPTOR_APP_DATABASE_URL</c>.</summary>
    public string AppRoleVariable { get; init; } = "RAPTOR_APP_DATABASE_URL";

    /// <summary>
    /// The role-separation flag: <c>1</c>/<c>true</c> → app-role URL; <c>0</c>/<c>false</c>/unset → owner URL.
    /// Default <c>FLAG_RAPTOR_APP_ROLE_SEPARATION</c>.
    /// </summary>
    public string FlagVariable { get; init; } = "FLAG_RAPTOR_APP_ROLE_SEPARATION";

    /// <summary>The SQLite URL used when the owner variable is unset. Default <c>sqlite:///app.db</c>.</summary>
    public string SqliteFallbackUrl { get; init; } = "sqlite:///app.db";
}
