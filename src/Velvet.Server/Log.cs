using Microsoft.Extensions.Logging;

namespace Velvet.Server;

/// <summary>Every log line of the server: stable event ids, structured fields, never a value.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "{Method} {Path} -> {Status} actor={Actor} in {ElapsedMs} ms")]
    public static partial void Request(ILogger logger, string method, string path, int status, string actor, long elapsedMs);
}
