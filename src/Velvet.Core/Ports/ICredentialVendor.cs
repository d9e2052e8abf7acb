using Velvet.Core.Secrets;

namespace Velvet.Core.Ports;

/// <summary>What a vendor call may know about the job. Carries no value except <see cref="NewValue"/> when one exists.</summary>
public sealed record VendorContext
{
    public required Guid JobId { get; init; }
    public required string CredentialName { get; init; }
    public required string Env { get; init; }
    /// <summary>Stable per job: a vendor that mints tags the new credential with it so a retry finds it instead of minting twice.</summary>
    public required string IdempotencyTag { get; init; }
    /// <summary>The new value, once minted (e.g. Heroku revokes the old token while authenticated with the new one).</summary>
    public SecretValue? NewValue { get; init; }
    /// <summary>Current values of other credentials (auth for vendor calls).</summary>
    public required ISecretSource Secrets { get; init; }
    /// <summary>Provision flow: the credential exists nowhere yet; verify checks only the identity that will mint.</summary>
    public bool Provisioning { get; init; }
}

/// <summary>
/// The credential side: verify the current credential, mint a new one, revoke an old one.
/// Mint must be idempotent per <see cref="VendorContext.IdempotencyTag"/>.
/// </summary>
public interface ICredentialVendor
{
    string Kind { get; }

    /// <summary>
    /// True when the value is made by Velvet (random password policy) and registered with the vendor:
    /// the engine then generates and seals it BEFORE calling <see cref="MintAsync"/>, so a crash never loses it.
    /// </summary>
    bool GeneratesValueLocally { get; }

    /// <summary>Generates a value by the vendor's policy (only when <see cref="GeneratesValueLocally"/>).</summary>
    SecretValue GenerateValue();

    /// <summary>Stage 1: the current credential authenticates, its metadata is readable, the identity may mint. Changes nothing.</summary>
    Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct);

    /// <summary>Creates (or, on retry, finds) the new credential. <paramref name="prepared"/> is set when the value was generated locally or entered by an operator.</summary>
    Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct);

    /// <summary>Revokes the credential with the given vendor id. Revoking an already revoked credential succeeds.</summary>
    Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct);
}

/// <summary>Where Velvet reads current values of credentials it needs to call others (update_auth_token_name).</summary>
public interface ISecretSource
{
    /// <summary>The value, registered with the masker, or null when absent.</summary>
    SecretValue? Get(string credentialName);
}
