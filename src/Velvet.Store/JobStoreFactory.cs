using Npgsql;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Store.Postgres;
using Velvet.Store.Sqlite;

namespace Velvet.Store;

/// <summary>
/// Opens the job store a location names:
/// <c>sqlite:PATH</c>, a bare path ending in <c>.db</c>, a <c>postgres://</c> / <c>postgresql://</c> URL, or an
/// Npgsql <c>Host=...;Database=...</c> string. The returned store also implements <see cref="IAsyncDisposable"/>.
/// </summary>
/// <remarks>
/// Service tokens live in the same database: the store <see cref="Open"/> returns also implements
/// <see cref="IServiceTokenStore"/> (same connection or data source, and for SQLite the same single writer), so a
/// host opens one store and uses it for both: <c>var tokens = JobStoreFactory.Tokens(store);</c> (or cast it).
/// The runtime subscriber registry and the system audit (<see cref="ISubscriberStore"/>) live there as well:
/// <c>JobStoreFactory.Subscribers(store)</c>.
/// It implements <see cref="IStoreMigrations"/> too, for callers that want to know which migrations ran.
/// </remarks>
public static class JobStoreFactory
{
    private const string Expected =
        "expected sqlite:PATH, a file path ending in .db, postgres://user:password@host:port/database, or an Npgsql connection string (Host=...;Database=...)";

    /// <param name="location">Where the runtime store lives (for PostgreSQL: the APP role's connection).</param>
    /// <param name="migrationLocation">PostgreSQL only: the OWNER role's connection used by MigrateAsync; null = <paramref name="location"/>.</param>
    /// <param name="appRole">PostgreSQL only: the role the migrations grant data access to; null = the app connection's user.</param>
    public static IJobStore Open(string location, string? migrationLocation = null, string? appRole = null)
    {
        if (string.IsNullOrWhiteSpace(location)) throw new ArgumentException("the store location is empty; " + Expected, nameof(location));
        location = location.Trim();

        if (location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = location["sqlite:".Length..];
            // Tolerate the URL-ish spelling sqlite:///abs/path (an absolute path after the authority's empty host).
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
            if (path.Length == 0) throw new ArgumentException("sqlite: needs a file path, e.g. sqlite:./velvet.db", nameof(location));
            if (migrationLocation is not null) throw new ArgumentException("a separate migration connection applies only to PostgreSQL", nameof(migrationLocation));
            return new SqliteJobStore(path);
        }

        if (PostgresUrl.IsUrl(location) || LooksLikeConnectionString(location))
        {
            var app = ToNpgsql(location, "store location");
            var owner = migrationLocation is null ? null : ToNpgsql(migrationLocation.Trim(), "migration location");
            return new PostgresJobStore(app, owner, appRole);
        }

        if (location.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !location.Contains("://", StringComparison.Ordinal))
        {
            if (migrationLocation is not null) throw new ArgumentException("a separate migration connection applies only to PostgreSQL", nameof(migrationLocation));
            return new SqliteJobStore(location);
        }

        // Not echoed: an unrecognised location might still be (part of) a connection string with a password.
        throw new ArgumentException("unrecognised store location; " + Expected, nameof(location));
    }

    /// <summary>The service-token side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    /// <exception cref="ArgumentException">The store is not one of Velvet's (e.g. a test double without tokens).</exception>
    public static IServiceTokenStore Tokens(IJobStore store) => store as IServiceTokenStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store service tokens; open the store with JobStoreFactory.Open", nameof(store));

    /// <summary>The subscriber-registry side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    /// <exception cref="ArgumentException">The store is not one of Velvet's (e.g. a test double without a registry).</exception>
    public static ISubscriberStore Subscribers(IJobStore store) => store as ISubscriberStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store subscribers; open the store with JobStoreFactory.Open", nameof(store));

    /// <summary>The follow-up side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    public static IFollowupStore Followups(IJobStore store) => store as IFollowupStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store follow-ups; open the store with JobStoreFactory.Open", nameof(store));

    /// <summary>The rotation-plan side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    public static IPlanStore Plans(IJobStore store) => store as IPlanStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store plans; open the store with JobStoreFactory.Open", nameof(store));
    /// <summary>The notification outbox of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    public static INotificationStore Notifications(IJobStore store) => store as INotificationStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} has no notification outbox; open the store with JobStoreFactory.Open", nameof(store));
    /// <summary>Retention of the notification outbox of a store <see cref="Open"/> returned (the same object).</summary>
    public static INotificationRetentionStore NotificationRetention(IJobStore store) => store as INotificationRetentionStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} has no notification outbox; open the store with JobStoreFactory.Open", nameof(store));
    /// <summary>The console-account side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    /// <exception cref="ArgumentException">The store is not one of Velvet's.</exception>
    public static IConsoleUserStore ConsoleUsers(IJobStore store) => store as IConsoleUserStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store console users; open the store with JobStoreFactory.Open", nameof(store));
    /// <summary>The scheduled-rotation side of a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    public static IScheduleStore Schedules(IJobStore store) => store as IScheduleStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store schedules; open the store with JobStoreFactory.Open", nameof(store));

    /// <summary>The console's Data Protection key ring in a store <see cref="Open"/> returned (the same object, shared connection).</summary>
    public static IKeyRingStore KeyRing(IJobStore store) => store as IKeyRingStore
        ?? throw new ArgumentException($"{store?.GetType().Name ?? "null"} does not store a key ring; open the store with JobStoreFactory.Open", nameof(store));

    private static bool LooksLikeConnectionString(string s) =>
        s.Contains('=', StringComparison.Ordinal) && !s.Contains("://", StringComparison.Ordinal);

    private static string ToNpgsql(string location, string what)
    {
        if (PostgresUrl.IsUrl(location))
        {
            try { return PostgresUrl.ToConnectionString(location); }
            catch (ArgumentException ex) { throw new ArgumentException($"{what}: {ex.Message}", ex); }
        }
        if (!LooksLikeConnectionString(location))
            throw new ArgumentException($"{what} is not a PostgreSQL URL or Npgsql connection string; " + Expected);
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(location);
        }
        catch (ArgumentException ex) when (ex.Message.Contains("Keyword not supported", StringComparison.OrdinalIgnoreCase))
        {
            // Npgsql's message names only the keyword; keep that, drop everything else.
            throw new ArgumentException($"{what}: {ex.Message}", innerException: null);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // Value-parsing errors can quote the offending value, which could be the password: say only what failed.
            throw new ArgumentException($"{what}: the Npgsql connection string could not be parsed ({ex.GetType().Name}); check its Key=Value; pairs", innerException: null);
        }
        if (string.IsNullOrEmpty(b.Host)) throw new ArgumentException($"{what}: the Npgsql connection string names no Host");
        return b.ConnectionString;
    }
}
