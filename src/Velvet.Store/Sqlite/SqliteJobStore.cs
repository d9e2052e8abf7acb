using System.Reflection;
using DbUp;
using Microsoft.Data.Sqlite;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Store.Common;

namespace Velvet.Store.Sqlite;

/// <summary>
/// SQLite job store for single-node use. Writes go through one long-lived connection guarded by a semaphore, so
/// callers in this process queue instead of meeting SQLITE_BUSY, and the hot-path commands stay prepared.
/// Reads use pooled connections; WAL lets them run beside the writer.
/// </summary>
public sealed partial class SqliteJobStore : IJobStore, IServiceTokenStore, ISubscriberStore, IStoreMigrations, IAsyncDisposable, IDisposable
{
    /// <summary>How long a connection waits for another process's write lock before failing.</summary>
    private const int BusyTimeoutMs = 10_000;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteWriteCommands? _commands;
    private bool _disposed;

    /// <summary>Opens (lazily) the database file at <paramref name="path"/>, creating it on first use.</summary>
    public SqliteJobStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken ct) => ApplyMigrationsAsync(ct);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var dir = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            // WAL is a property of the file: set it before DbUp opens its own connection.
            EnsureWriter();
            var result = DeployChanges.To.SqliteDatabase(_connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Sqlite.Migrations.", StringComparison.Ordinal))
                .JournalToSqliteTable(StoreNames.JournalTable)
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
                throw new InvalidOperationException($"SQLite migration {result.ErrorScript?.Name ?? "(unknown)"} failed on {DatabasePath}: {result.Error?.Message}", result.Error);
            // Prepared statements compiled before a schema change would be re-prepared anyway; start clean.
            ResetWriter();
            return StoreNames.ScriptNames(result.Scripts);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction on the writer connection.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteWriteCommands, SqliteTransaction, T> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            ct.ThrowIfCancellationRequested();
            var commands = EnsureWriter();
            // IMMEDIATE takes the write lock up front: another process waits on busy_timeout here, instead of
            // failing later when a deferred read transaction tries to upgrade.
            using var tx = commands.Connection.BeginTransaction(deferred: false);
            var result = work(commands, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private SqliteWriteCommands EnsureWriter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_commands is not null) return _commands;
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON;";
            pragma.ExecuteNonQuery();
        }
        _writer = conn;
        _commands = new SqliteWriteCommands(conn);
        return _commands;
    }

    private void ResetWriter()
    {
        _commands?.Dispose();
        _commands = null;
        _writer?.Dispose();
        _writer = null;
    }

    private SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var pragma = conn.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs};";
        pragma.ExecuteNonQuery();
        return conn;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _writeGate.Wait();
        try
        {
            _disposed = true;
            ResetWriter();
            // Pooled handles keep the file (and its -wal/-shm) open; release them so the file can be moved or deleted.
            using var probe = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(probe);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
