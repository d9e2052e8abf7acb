using System.Security.Cryptography;
using System.Text.Json;

namespace Velvet.Vendors.Http;

/// <summary>Reads a vendor's JSON answer, bounded in size. The buffer is wiped after parsing: answers may carry values.</summary>
public static class JsonAnswer
{
    /// <summary>Larger answers are not read: no API call Velvet makes returns this much.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The parsed body, or null when it is empty, too large or not JSON. Dispose it as soon as the fields are read.</summary>
    public static async Task<JsonDocument?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is > MaxBytes) return null;
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Math.Min(MaxBytes + 1, (int)(response.Content.Headers.ContentLength ?? 16 * 1024) + 1)];
            var length = 0;
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length > MaxBytes) return null;
                    if (length == buffer.Length)
                    {
                        var bigger = new byte[Math.Min(MaxBytes + 1, buffer.Length * 2)];
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        CryptographicOperations.ZeroMemory(buffer);
                        buffer = bigger;
                    }
                }
                if (length == 0) return null;
                return Parse(buffer.AsSpan(0, length));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
    }

    private static JsonDocument? Parse(ReadOnlySpan<byte> utf8)
    {
        // ParseValue copies what it needs, so the caller's buffer can be wiped right after.
        var reader = new Utf8JsonReader(utf8);
        try { return JsonDocument.ParseValue(ref reader); }
        catch (JsonException) { return null; }
    }

    /// <summary>A string member of the root object, or null.</summary>
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
