using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Velvet.Core.Secrets;

/// <summary>
/// One masker for every sink (logs, CLI output, stored errors, events). A value is registered the moment
/// it is read or minted, together with its base64, URL-encoded and JSON-escaped forms.
/// Values shorter than <see cref="MinLength"/> are not registered: masking "1" everywhere helps nobody.
/// The most recent <see cref="Capacity"/> values are kept, so a server that runs for months neither holds every
/// value it ever minted in memory nor slows every log line down with them.
/// </summary>
public sealed class SecretMasker
{
    public const int MinLength = 6;
    public const int Capacity = 512;
    public const string Mask = "***";
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _order = new();
    private readonly Dictionary<string, LinkedListNode<string>> _registered = new(StringComparer.Ordinal);
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Needles longest first (a form that contains another is masked whole) and a vectorised "any of them?" test.</summary>
    private sealed record Snapshot(string[] Needles, SearchValues<string> Any)
    {
        public static readonly Snapshot Empty = new([], SearchValues.Create([], StringComparison.Ordinal));
    }

    /// <summary>Process-wide masker used by sinks that are not built through DI (console writers, loggers).</summary>
    public static SecretMasker Shared { get; } = new();

    public void Register(SecretValue value) => Register(value.Reveal());

    public void Register(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinLength) return;
        lock (_gate)
        {
            // Sources register on every read (e.g. an auth token per consumer call): only the first costs anything.
            if (_registered.TryGetValue(value, out var known))
            {
                _order.Remove(known);
                _order.AddLast(known);
                return;
            }
            _registered[value] = _order.AddLast(value);
            if (_order.Count > Capacity)
            {
                _registered.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
            var needles = _order.SelectMany(Forms).Where(f => f.Length >= MinLength)
                .Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ToArray();
            _snapshot = new Snapshot(needles, SearchValues.Create(needles, StringComparison.Ordinal));
        }
    }

    private static IEnumerable<string> Forms(string value) =>
    [
        value,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
        Uri.EscapeDataString(value),
        JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
        JsonEncodedText.Encode(value).Value,
    ];

    /// <summary>Replaces every registered form with <see cref="Mask"/>.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var snapshot = _snapshot;
        // Almost every line holds no secret: one vectorised scan answers that.
        if (text.AsSpan().IndexOfAny(snapshot.Any) < 0) return text;
        foreach (var n in snapshot.Needles)
        {
            if (text.Contains(n, StringComparison.Ordinal)) text = text.Replace(n, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>How many forms are masked now.</summary>
    public int Count => _snapshot.Needles.Length;
}
