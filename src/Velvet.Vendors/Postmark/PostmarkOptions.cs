using System.Globalization;
using Velvet.Core.Manifest;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Postmark;

/// <summary>
/// Settings of a <c>postmark-server-token</c> credential: the id of the Postmark server the token belongs to
/// (server_id, checked on every verify so a token of another server is refused) and the API (api_url, for tests).
/// The credential must be <c>mode: operator_manual</c>: Postmark has no API to create or delete server tokens.
/// </summary>
public sealed record PostmarkOptions(string TokenName, long ServerId, Uri ApiUrl)
{
    public static readonly Uri DefaultApiUrl = new("https://api.postmarkapp.com/");

    public static PostmarkOptions FromSpec(CredentialSpec credential)
    {
        var owner = $"credential {credential.TokenName} (line {credential.Line}, vendor {PostmarkServerTokenVendor.KindName})";
        if (credential.Mode != RotationMode.OperatorManual)
            throw new AdapterSettingsException($"{owner}: Postmark server tokens can only be created and deleted in the Postmark dashboard; set mode: operator_manual " +
                "(the operator generates the token and enters it with `velvet stage JOB proceed_mint --value-stdin`)");
        var raw = credential.Vendor.Setting("server_id")?.Trim();
        if (string.IsNullOrEmpty(raw))
            throw new AdapterSettingsException($"{owner}: setting server_id is required; give the Postmark server's numeric id (Servers → your server → the number in its URL), e.g. server_id: 1234567");
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw new AdapterSettingsException($"{owner}: setting server_id must be the server's numeric id, e.g. server_id: 1234567; got '{raw}'");
        var url = ApiBaseUrl.Parse(owner, "api_url", credential.Vendor.Setting("api_url"), DefaultApiUrl);
        return new PostmarkOptions(credential.TokenName, id, url);
    }
}
