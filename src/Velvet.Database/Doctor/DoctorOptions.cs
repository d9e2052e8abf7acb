using Velvet.Dsn;

namespace Velvet.Database.Doctor;

/// <summary>
/// Which environment variables hold the two URLs and the flag, and which tables are append-only or migration
/// journals. The variable names are the runtime resolution's own (<see cref="RuntimeUrlOptions"/>; defaults DATABASE_URL,
/// RAPTOR_APP_DATABASE_URL and FLAG_RAPTOR_APP_ROLE_SEPARATION), so the doctor reads exactly what the app reads.
/// </summary>
public sealed record DoctorOptions
{
    /// <summary>The owner URL, app URL and flag variables, as <see cref="RuntimeDatabaseUrl"/> resolves them.</summary>
    public RuntimeUrlOptions Runtime { get; init; } = new();

    /// <summary>Table names or globs (<c>*</c>, <c>?</c>; <c>schema.name</c> to pin a schema) the app may only SELECT and INSERT.</summary>
    public IReadOnlyList<string> AppendOnly { get; init; } = ["customer_audit_events", "*_history"];

    /// <summary>Migration journals the app must not touch at all.</summary>
    public IReadOnlyList<string> MigrationTables { get; init; } = ["alembic_version", "schema_migrations"];

    /// <summary>The role the app URL must log in as, when known (catches an app URL pointing at another role).</summary>
    public string? ExpectedAppRole { get; init; }

    /// <summary>How long one login may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
