using System.Security.Cryptography;
using System.Text.Json;

namespace Velvet.Vendors.Http;

/// <summary>
/// Reads a JSON response body that may hold secrets (a minted token, every config var): bounded in size, parsed
/// in place, and the raw bytes zeroed as soon as the reader has picked out what it needs. Nothing of it is logged.
/// </summary>
public static class HttpJson
{
    /// <summary>Bodies larger than this are refused rather than buffered.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The result of <paramref name="read"/> on the body, or null when the body is not JSON or is too large.</summary>
    public static async Task<T?> ReadAsync<T>(HttpResponseMessage response, Func<JsonElement, T?> read, CancellationToken ct) where T : class
    {
        if (response.Content.Headers.ContentLength is > MaxBytes) return null;
        var bytes = await ReadBoundedAsync(response.Content, ct).ConfigureAwait(false);
        if (bytes is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(bytes.AsMemory());
            return read(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A property of an unexpected JSON type: treat like an unreadable body, never echo it.
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBytes) return null;
                    var bigger = new byte[Math.Min(buffer.Length * 2, MaxBytes)];
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    CryptographicOperations.ZeroMemory(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
