using Microsoft.Extensions.Logging;

namespace Velvet.Core.Secrets;

/// <summary>Wraps a logger provider so every formatted message and exception passes the masker.</summary>
public sealed class MaskingLoggerProvider(ILoggerProvider inner, SecretMasker masker) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new MaskingLogger(inner.CreateLogger(categoryName), masker);

    public void Dispose() => inner.Dispose();

    private sealed class MaskingLogger(ILogger inner, SecretMasker masker) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = masker.Scrub(formatter(state, exception));
            if (exception is not null) text += " | " + masker.Scrub($"{exception.GetType().Name}: {exception.Message}");
            inner.Log(logLevel, eventId, text, null, static (s, _) => s);
        }
    }
}
