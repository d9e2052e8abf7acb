using Microsoft.Extensions.Logging;

namespace Velvet.Cli;

/// <summary>Plain one-line logs on stderr, so stdout stays for tables and JSON. Wrapped by the masking provider.</summary>
internal sealed class StderrLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName);

    public void Dispose() { }

    private sealed class StderrLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Console.Error.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: [{category.Split('.')[^1]}] {formatter(state, exception)}");
        }
    }
}
