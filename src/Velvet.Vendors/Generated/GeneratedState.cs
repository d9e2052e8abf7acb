using System.Text.Json.Serialization;

namespace Velvet.Vendors.Generated;

/// <summary>One credential id the generated vendor has issued. Holds a fingerprint, never the value.</summary>
public sealed record GeneratedCredentialRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("tag")] string? Tag,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt)
{
    [JsonIgnore]
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>The state file of one credential: every id issued, oldest first.</summary>
public sealed record GeneratedState(
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("ids")] IReadOnlyList<GeneratedCredentialRecord> Ids)
{
    /// <summary>The newest id that is not revoked: what the credential's consumers should be using.</summary>
    [JsonIgnore]
    public GeneratedCredentialRecord? Current => Ids.LastOrDefault(r => !r.IsRevoked);

    public static GeneratedState Empty(string credential) => new(credential, []);
}
