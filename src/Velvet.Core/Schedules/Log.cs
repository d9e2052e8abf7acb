using Microsoft.Extensions.Logging;

namespace Velvet.Core.Schedules;

/// <summary>Log lines of the scheduler: stable event ids, never a value.</summary>
internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Information, "credential={Credential} slot={Slot} claim={Claim}")]
    public static partial void SlotClaim(ILogger logger, string credential, string slot, string claim);

    [LoggerMessage(1102, LogLevel.Warning, "scheduler pass failed ({Error}); retrying next interval")]
    public static partial void SchedulerFailed(ILogger logger, string error);
}
