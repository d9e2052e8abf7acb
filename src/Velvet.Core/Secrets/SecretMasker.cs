using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Velvet.Core.Secrets;

/// <summary>
/// One masker for every sink (logs, CLI output, stored errors, events). A value is registered the moment
/// it is read or minted, together with its base64, URL-encoded and JSON-escaped forms.
/// Values shorter than <see cref="MinLength"/> are not registered: masking "1" everywhere helps nobody.
/// </summary>
public sealed class SecretMasker
{
    public const int MinLength = 6;
    public const string Mask = "***";
    private readonly object _gate = new();
    private string[] _needles = [];

    /// <summary>Process-wide masker used by sinks that are not built through DI (console writers, loggers).</summary>
    public static SecretMasker Shared { get; } = new();

    public void Register(SecretValue value) => Register(value.Reveal());

    public void Register(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinLength) return;
        var forms = new HashSet<string>(StringComparer.Ordinal)
        {
            value,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
            Uri.EscapeDataString(value),
            JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
            JsonEncodedText.Encode(value).Value,
        };
        lock (_gate)
        {
            // Longest first so a form that contains another is masked whole.
            _needles = _needles.Concat(forms.Where(f => f.Length >= MinLength))
                .Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ToArray();
        }
    }

    /// <summary>Replaces every registered form with <see cref="Mask"/>.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var needles = _needles;
        foreach (var n in needles)
        {
            if (text.Contains(n, StringComparison.Ordinal)) text = text.Replace(n, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    public int Count => _needles.Length;
}
