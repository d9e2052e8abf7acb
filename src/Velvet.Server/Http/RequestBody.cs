using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Velvet.Core.Results;

namespace Velvet.Server.Http;

/// <summary>
/// Reads a JSON body strictly: snake_case names, unknown fields refused, size-limited, every failure a 400 that names
/// the field. Minimal APIs' own binding would answer some of these with a bare 400 or a 500.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
    };

    /// <summary>The body as <typeparamref name="T"/>; an empty body is <paramref name="empty"/> when given, else an error.</summary>
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, T? empty, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBytes) return Too();
        if (request.ContentLength is > 0 && request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return new Invalid($"send the body as application/json (got {type})", "content-type");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return Too();
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Trim(" \n\r\t"u8).IsEmpty)
            return empty is not null ? empty : new Invalid("the request needs a JSON body", "body");
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, Options);
            return value is null ? new Invalid("the body must be a JSON object, not null", "body") : value;
        }
        catch (JsonException ex)
        {
            return new Invalid(Describe(ex), Field(ex));
        }
    }

    private static Invalid Too() => new($"the body is larger than {MaxBytes / 1024} KiB", "body");

    private static string? Field(JsonException ex) => ex.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : null;

    // System.Text.Json's messages name .NET types; say what is wrong in the caller's terms instead.
    private static string Describe(JsonException ex)
    {
        var field = Field(ex);
        var msg = ex.Message;
        if (msg.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var name = msg.Split('\'').ElementAtOrDefault(1) ?? field ?? "?";
            return $"unknown field '{name}'";
        }
        if (msg.Contains("missing required properties", StringComparison.OrdinalIgnoreCase))
            return "a required field is missing: " + msg[(msg.IndexOf("including:", StringComparison.Ordinal) is var i and >= 0 ? i + 10 : 0)..].Trim().TrimEnd('.');
        if (field is not null && msg.Contains("could not be converted", StringComparison.Ordinal))
            return $"field '{field}' has the wrong type";
        if (msg.Contains("null", StringComparison.OrdinalIgnoreCase) && field is not null)
            return $"field '{field}' must not be null";
        return field is null ? "the body is not valid JSON" : $"the body is not valid JSON near '{field}'";
    }
}
