using System.Globalization;
using System.Text.Json;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Cloudflare;

/// <summary>
/// Cloudflare refusals as outcomes: the envelope's error codes and messages (Cloudflare's own words, never a value)
/// with the fix. 401, or 400/403 with an invalid-token code, means the token is rejected; 403 otherwise, forbidden.
/// </summary>
public static class CloudflareErrors
{
    public static IReadOnlyList<(int Code, string Message)> Errors(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
            ? [.. e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(x => (
                x.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0,
                x.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : ""))]
            : [];

    /// <summary>True when the answer says the token used is not valid (rejected, not merely lacking permission).</summary>
    public static bool IsRejected(Outcome outcome) => outcome.Kind == OutcomeKind.Permanent && outcome.Message?.Contains(": token rejected:", StringComparison.Ordinal) == true;

    /// <summary>True for a 403 that is not a rejected token: the caller lacks a permission.</summary>
    public static bool IsForbidden(Outcome outcome) => outcome.HttpStatus == 403 && !IsRejected(outcome);

    public static Outcome Classify(int status, JsonElement root, string call)
    {
        var errors = Errors(root);
        var said = errors.Count == 0 ? "" : " (" + string.Join("; ", errors.Select(e => $"{e.Code.ToString(CultureInfo.InvariantCulture)} {e.Message}")) + ")";
        // 1000 invalid API token, 6003/6111 malformed Authorization header.
        var invalid = status == 401 || (status is 400 or 403 && errors.Any(e => e.Code is 1000 or 6003 or 6111));
        var advice = status switch
        {
            _ when invalid => "token rejected: Cloudflare does not accept the token used",
            403 => "403 forbidden: the token lacks the permission for this call (API Tokens: Write to manage tokens); fix the policy, don't rotate",
            404 => "404 not found: check token_id and account_id",
            >= 200 and < 300 => $"{status} but success is false",
            _ => $"{status} refused",
        };
        return Outcome.Permanent($"{call}: {advice}{said}", status);
    }
}
