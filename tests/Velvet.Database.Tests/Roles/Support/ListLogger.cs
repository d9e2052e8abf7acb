using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Velvet.Database.Tests.Roles.Support;

/// <summary>Captures every log line UNMASKED, so a canary search proves the value was never logged at all.</summary>
public sealed class ListLogger : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(ListLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} {exception}");
    }
}
