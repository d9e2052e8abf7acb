using Npgsql;
using Velvet.Core.Auth;
using Velvet.Core.Ports;

namespace Velvet.Store.Postgres;

/// <summary>
/// PostgreSQL job store. Velvet's two-URL model: <see cref="MigrateAsync"/> runs as the OWNER role (DDL and grants),
/// everything else as the APP role, which may change jobs, rows and secrets but only append to and read the audit
/// trail. Transactions run at READ COMMITTED; races on the unique indexes are settled with ON CONFLICT, so they come
/// back as typed results rather than serialization errors.
/// </summary>
public sealed partial class PostgresJobStore : IJobStore, IServiceTokenStore, ISubscriberStore, IStoreMigrations, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _data;
    private readonly string _ownerConnectionString;
    private readonly string _appRole;

    /// <param name="appConnectionString">Npgsql connection string of the runtime (app) role.</param>
    /// <param name="ownerConnectionString">Connection string of the role that owns the schema; null = the app connection.</param>
    /// <param name="appRole">Role granted DML by the migrations; null = the app connection's user name.</param>
    public PostgresJobStore(string appConnectionString, string? ownerConnectionString = null, string? appRole = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appConnectionString);
        var app = new NpgsqlConnectionStringBuilder(appConnectionString);
        _appRole = appRole ?? app.Username
            ?? throw new ArgumentException("the app connection string names no Username, so the role to grant cannot be inferred; pass the app role explicitly", nameof(appRole));
        _ownerConnectionString = ownerConnectionString ?? appConnectionString;
        _data = NpgsqlDataSource.Create(app);
    }

    /// <summary>The role the grant migration gives data access to.</summary>
    public string AppRole => _appRole;

    /// <inheritdoc/>
    public void Dispose() => _data.Dispose();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _data.DisposeAsync();
}
