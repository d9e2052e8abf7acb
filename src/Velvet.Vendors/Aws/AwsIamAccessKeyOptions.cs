using Velvet.Core.Manifest;

namespace Velvet.Vendors.Aws;

/// <summary>
/// Settings of an <c>aws-iam-access-key</c> credential: the IAM user whose key is rotated (user_name), the identity
/// Velvet operates with (access_key_id_name + secret_access_key_name from the secret source, or the SDK's default
/// chain; never the key being rotated), the signing region (region, default us-east-1: IAM is global) and the
/// endpoints (iam_endpoint_url, sts_endpoint_url: a VPC endpoint, a test fake).
/// </summary>
public sealed record AwsIamAccessKeyOptions(string TokenName, string UserName, AwsCredentialSettings Aws, Uri IamEndpoint, Uri StsEndpoint)
{
    public static readonly IReadOnlyList<string> Required = ["user_name"];
    public static readonly IReadOnlyList<string> Optional = ["region", "iam_endpoint_url", "sts_endpoint_url", "access_key_id_name", "secret_access_key_name"];

    public static AwsIamAccessKeyOptions FromSpec(CredentialSpec credential)
    {
        var owner = $"credential {credential.TokenName} (line {credential.Line}, kind {AwsIamAccessKeyVendor.KindName})";
        string? Setting(string key) => credential.Vendor.Setting(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var user = Setting("user_name");
        if (user is null)
            throw new AdapterSettingsException($"{owner}: setting user_name is required; give the IAM user whose access key is rotated, e.g. user_name: raxx-billing-readonly");
        if (user.Length > 64 || !user.All(c => char.IsAsciiLetterOrDigit(c) || "+=,.@_-".Contains(c, StringComparison.Ordinal)))
            throw new AdapterSettingsException($"{owner}: setting user_name '{user}' is not an IAM user name (letters, digits and +=,.@_-, at most 64)");
        // endpoint_url belongs to the SSM consumer; here the two endpoints have their own names.
        var aws = AwsCredentialSettings.FromSettings(owner, key => key switch
        {
            "region" => Setting("region") ?? "us-east-1",
            "endpoint_url" => null,
            _ => Setting(key),
        });
        var iam = Http.ApiBaseUrl.Parse(owner, "iam_endpoint_url", Setting("iam_endpoint_url"), new Uri("https://iam.amazonaws.com/"));
        var sts = Http.ApiBaseUrl.Parse(owner, "sts_endpoint_url", Setting("sts_endpoint_url"), new Uri($"https://sts.{aws.Region}.amazonaws.com/"));
        return new AwsIamAccessKeyOptions(credential.TokenName, user, aws, iam, sts);
    }
}
