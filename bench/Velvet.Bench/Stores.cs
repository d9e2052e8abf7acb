using Npgsql;
using Velvet.Core.Ports;
using Velvet.Store;

namespace Velvet.Bench;

/// <summary>Opens the store a benchmark runs on. PostgreSQL connection strings come from the environment (never argv).</summary>
internal static class Stores
{
    public const string AppEnv = "VELVET_BENCH_PG_APP";
    public const string OwnerEnv = "VELVET_BENCH_PG_OWNER";

    public static async Task<IJobStore> OpenAsync(string kind, string dir)
    {
        IJobStore store = kind switch
        {
            "sqlite" => JobStoreFactory.Open("sqlite:" + Path.Combine(dir, "velvet.db")),
            "postgres" => JobStoreFactory.Open(Required(AppEnv), Required(OwnerEnv)),
            _ => throw new ArgumentException($"unknown store '{kind}'"),
        };
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new ArgumentException($"--store postgres needs {name} (an Npgsql connection string; bench/run.sh sets it from scripts/pg-test.sh)");

    /// <summary>The owner role's connection, for pgbench.</summary>
    public static NpgsqlConnectionStringBuilder Owner() => new(Required(OwnerEnv));

    public static async Task CloseAsync(IJobStore store)
    {
        if (store is IAsyncDisposable d) await d.DisposeAsync();
    }
}
