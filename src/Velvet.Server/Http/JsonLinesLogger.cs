using System.Text.Json;
using Microsoft.Extensions.Logging;
using Velvet.Core.Secrets;

namespace Velvet.Server.Http;

/// <summary>
/// Structured logs: one JSON object per line with the message and every named field (job_id, credential, consumer_id,
/// actor...), each string passed through the masker. Writes to stdout, as log drains (Heroku) expect.
/// </summary>
public sealed class JsonLinesLoggerProvider(TextWriter output, SecretMasker masker, TimeProvider time, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly Lock _write = new();
    private readonly TextWriter _output = output;
    private readonly SecretMasker _masker = masker;
    private readonly TimeProvider _time = time;
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    // Logs are read by people and log drains, not embedded in HTML: keep '+' and quotes readable.
    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class Logger(JsonLinesLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var m = owner._masker;
            var entry = new Dictionary<string, object?>
            {
                ["ts"] = owner._time.GetUtcNow().ToString("O"),
                ["level"] = logLevel.ToString().ToLowerInvariant(),
                ["category"] = category,
                ["event_id"] = eventId.Id,
                ["message"] = m.Scrub(formatter(state, exception)),
            };
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key == "{OriginalFormat}") continue;
                    entry[Snake(key)] = value is null or bool or int or long or double ? value : m.Scrub(value.ToString());
                }
            }
            // Type only: an exception's message can carry anything a vendor sent back.
            if (exception is not null) entry["exception"] = exception.GetType().FullName;
            var line = JsonSerializer.Serialize(entry, Options);
            lock (owner._write) owner._output.WriteLine(line);
        }

        private static string Snake(string name) =>
            string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 && !char.IsUpper(name[i - 1]) ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }
}
