namespace Velvet.Store;

/// <summary>Migrations with a report: what <see cref="Velvet.Core.Ports.IJobStore.MigrateAsync"/> does, naming the scripts it applied.</summary>
public interface IStoreMigrations
{
    /// <summary>Applies every pending migration; returns the file names applied now (empty when already current).</summary>
    Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken ct);
}
