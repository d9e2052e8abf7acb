using Microsoft.Extensions.Logging;

namespace Velvet.Core.Engine;

/// <summary>Every log line of the engine: stable event ids, structured fields, never a value.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "job_id={JobId} credential={Credential} step from {Status}")]
    public static partial void Step(ILogger logger, Guid jobId, string credential, string status);

    [LoggerMessage(1002, LogLevel.Information, "job_id={JobId} credential={Credential} {From} -> {To}")]
    public static partial void Moved(ILogger logger, Guid jobId, string credential, string from, string to);

    [LoggerMessage(1003, LogLevel.Information, "job_id={JobId} another worker holds the lease; leaving it")]
    public static partial void LeaseHeld(ILogger logger, Guid jobId);

    [LoggerMessage(1004, LogLevel.Information, "job_id={JobId} lost a race from {Status}: {Reason}")]
    public static partial void LostRace(ILogger logger, Guid jobId, string status, string reason);

    [LoggerMessage(1005, LogLevel.Critical, "SEV1 job_id={JobId} credential={Credential} rev_leaked consumers={Consumers}")]
    public static partial void Leaked(ILogger logger, Guid jobId, string credential, string consumers);

    [LoggerMessage(1006, LogLevel.Warning, "an adapter threw {ExceptionType}; recorded as a permanent failure")]
    public static partial void AdapterCrashed(ILogger logger, string exceptionType);

    [LoggerMessage(1008, LogLevel.Warning, "job_id={JobId} lost the lease during a step; stopped it, another worker resumes the job")]
    public static partial void LeaseLost(ILogger logger, Guid jobId);

    [LoggerMessage(1009, LogLevel.Warning, "job_id={JobId} could not extend the lease: {Error}")]
    public static partial void RenewFailed(ILogger logger, Guid jobId, string error);

    [LoggerMessage(1007, LogLevel.Error, "job_id={JobId} worker step failed: {Error}")]
    public static partial void WorkerFailed(ILogger logger, Guid jobId, string error);
}
