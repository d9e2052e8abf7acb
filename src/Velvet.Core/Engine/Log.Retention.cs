using Microsoft.Extensions.Logging;

namespace Velvet.Core.Engine;

internal static partial class Log
{
    [LoggerMessage(1111, LogLevel.Information, "notification retention removed {Delivered} delivered and {Failed} failed notification(s) ({Deliveries} delivery rows)")]
    public static partial void RetentionPurged(ILogger logger, int delivered, int failed, int deliveries);

    [LoggerMessage(1112, LogLevel.Warning, "notification retention cannot purge: {Error}")]
    public static partial void RetentionRefused(ILogger logger, string error);

    [LoggerMessage(1113, LogLevel.Warning, "notification retention pass failed ({ExceptionType}): {Error}; trying again in an hour")]
    public static partial void RetentionFailed(ILogger logger, string exceptionType, string error);

    [LoggerMessage(1121, LogLevel.Information, "health watch env={Env} slot={Slot}: probed {Credentials} credential(s), {Stale} newly stale or partial, {Recovered} recovered")]
    public static partial void HealthWatchProbed(ILogger logger, string env, string slot, int credentials, int stale, int recovered);

    // The type only: a vendor exception's message is not Velvet's and could carry anything.
    [LoggerMessage(1122, LogLevel.Warning, "health watch pass failed ({ExceptionType}); trying again next interval")]
    public static partial void HealthWatchFailed(ILogger logger, string exceptionType);
}
