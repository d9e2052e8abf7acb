using Npgsql;

namespace Velvet.Store.Postgres;

/// <summary>
/// Retries an operation whose whole transaction failed with a transient error (connection loss, deadlock,
/// serialization failure, server starting up). Each attempt opens its own connection and transaction.
/// </summary>
internal static class PgRetry
{
    private const int MaxAttempts = 3;

    public static async Task<T> RunAsync<T>(Func<Task<T>> attempt, CancellationToken ct)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (NpgsqlException ex) when (ex.IsTransient && i < MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * i * i), ct);
            }
        }
    }
}
