using System.Text.RegularExpressions;
using Velvet.Core.Manifest;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Cloudflare;

/// <summary>How a new value is made: <c>create_delete</c> (a new token with the same policies, the old one deleted at revoke) or <c>roll</c>.</summary>
public enum CloudflareStrategy
{
    CreateDelete = 0,
    Roll = 1,
}

/// <summary>
/// Settings of a <c>cloudflare-api-token</c> credential: the token's id (token_id), the account that owns it when it
/// is account-owned (account_id; routes then go under /accounts/{id}/tokens), the strategy (create_delete, the default,
/// or roll), the credential whose token manages tokens (auth_token_name; default the token itself, which then needs
/// "API Tokens: Write") and the API (api_url).
/// </summary>
public sealed partial record CloudflareTokenOptions(string TokenName, string TokenId, string? AccountId, CloudflareStrategy Strategy, string? AuthTokenName, Uri ApiUrl)
{
    public static readonly Uri DefaultApiUrl = new("https://api.cloudflare.com/client/v4/");

    public static CloudflareTokenOptions FromSpec(CredentialSpec credential)
    {
        var owner = $"credential {credential.TokenName} (line {credential.Line}, vendor {CloudflareTokenVendor.KindName})";
        var vendor = credential.Vendor;
        var id = vendor.Setting("token_id")?.Trim();
        if (string.IsNullOrEmpty(id))
            throw new AdapterSettingsException($"{owner}: setting token_id is required; give the token's id (My Profile → API Tokens, or `result.id` of GET /user/tokens/verify), e.g. token_id: ed17574386854bf78a67040be0a770b0");
        if (!Hex32().IsMatch(id))
            throw new AdapterSettingsException($"{owner}: setting token_id '{id}' is not a Cloudflare token id (32 hex characters); give the id, never the token value");
        var account = vendor.Setting("account_id")?.Trim();
        if (account is { Length: 0 }) account = null;
        if (account is not null && !Hex32().IsMatch(account))
            throw new AdapterSettingsException($"{owner}: setting account_id '{account}' is not a Cloudflare account id (32 hex characters)");
        var strategy = (vendor.Setting("strategy")?.Trim() ?? "create_delete") switch
        {
            "create_delete" => CloudflareStrategy.CreateDelete,
            "roll" => CloudflareStrategy.Roll,
            var other => throw new AdapterSettingsException($"{owner}: setting strategy must be create_delete (new token, distribute, delete the old one; the default) or roll (the old value stops at once); got '{other}'"),
        };
        var auth = vendor.Setting("auth_token_name");
        if (auth is not null && string.IsNullOrWhiteSpace(auth))
            throw new AdapterSettingsException($"{owner}: setting auth_token_name is empty; name a Cloudflare credential with API Tokens: Write, or remove the setting");
        var url = ApiBaseUrl.Parse(owner, "api_url", vendor.Setting("api_url"), DefaultApiUrl);
        return new CloudflareTokenOptions(credential.TokenName, id, account, strategy, auth?.Trim(), url);
    }

    /// <summary>The token routes: <c>user/tokens/</c> or <c>accounts/{account_id}/tokens/</c>.</summary>
    public string TokensPath => AccountId is null ? "user/tokens" : $"accounts/{AccountId}/tokens";

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Hex32();
}
