using System.Text.Json;
using System.Text.RegularExpressions;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// Heroku's refusals as advice. Error bodies are <c>{"id": "...", "message": "..."}</c>: only the id, a fixed word, is
/// kept; the message is never read, so nothing a body echoes can reach an outcome.
/// </summary>
internal static partial class HerokuErrors
{
    /// <summary>Heroku's error id of a refusal, when the body has a well-formed one.</summary>
    public static Task<string?> IdAsync(HttpResponseMessage response, CancellationToken ct) =>
        HttpJson.ReadAsync(response, root =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() is { } s && ErrorId().IsMatch(s) ? s : null, ct);

    /// <summary>What a refusal means and what to do about it. <paramref name="tokenName"/> names the credential that authenticated the call.</summary>
    public static string Advice(int status, string? id, string tokenName) => (status, id) switch
    {
        (401, _) => $"401 unauthorized: Heroku refused the token of {tokenName} (invalid, expired or revoked); fix that credential, do not rotate",
        (403, "suspended") => "403 suspended: the Heroku account or app is suspended; resolve the suspension in the Heroku dashboard, then retry",
        (403, _) => $"403 {id ?? "forbidden"}: the token of {tokenName} is valid but may not do this; fix the policy (access to the app or add-on, the token's scope), do not rotate",
        (404, _) => "404 not_found: the resource does not exist or the token cannot see it",
        (406, _) => "406 not_acceptable: Heroku wants Accept: application/vnd.heroku+json; version=3 (a proxy in between may strip it)",
        (422, "verification_needed") => "422 verification_needed: the Heroku account needs billing verification before this call; verify it in the dashboard",
        (422, _) => $"422 {id ?? "invalid_params"}: Heroku refused the request's parameters; check the kind's settings",
        _ => $"{status} {id ?? HttpOutcomes.Reason(status)}: unexpected answer",
    };

    [GeneratedRegex("^[a-z][a-z_]{0,39}$")]
    private static partial Regex ErrorId();
}
