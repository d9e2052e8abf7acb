using Microsoft.Extensions.Logging;

namespace Velvet.Core.Engine;

internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Information, "notification delivery={DeliveryId} channel={Channel} sent (attempt {Attempt})")]
    public static partial void NotifySent(ILogger logger, string channel, long deliveryId, int attempt);

    [LoggerMessage(1102, LogLevel.Warning, "notification delivery={DeliveryId} channel={Channel} attempt {Attempt} failed: {Error}; next attempt at {Next:O}")]
    public static partial void NotifyRetry(ILogger logger, string channel, long deliveryId, int attempt, string error, DateTimeOffset next);

    [LoggerMessage(1103, LogLevel.Error, "notification delivery={DeliveryId} channel={Channel} dead after attempt {Attempt}: {Error}")]
    public static partial void NotifyDead(ILogger logger, string channel, long deliveryId, int attempt, string error);

    [LoggerMessage(1104, LogLevel.Warning, "notification delivery={DeliveryId} channel={Channel} lease lost before the attempt was recorded")]
    public static partial void NotifyLeaseLost(ILogger logger, string channel, long deliveryId);

    [LoggerMessage(1105, LogLevel.Warning, "notification pass failed ({ExceptionType}): {Error}; trying again next poll")]
    public static partial void NotifyPassFailed(ILogger logger, string exceptionType, string error);

    [LoggerMessage(1106, LogLevel.Warning, "notification event {EventKey} is older than the maximum age; dropped unsent")]
    public static partial void NotifyExpired(ILogger logger, string eventKey);
}
