using System.Security.Cryptography;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Generated;

/// <summary>
/// A credential whose values Velvet generates itself and records in a local state file (fingerprints only).
/// It lets a rotation run end to end with no SaaS: mint records the new value's fingerprint, revoke marks an id
/// revoked, and <see cref="GeneratedCredentialAuthority"/> answers whether a value is still accepted.
/// </summary>
public sealed class GeneratedVendor : ICredentialVendor
{
    public const string KindName = "generated";
    private readonly GeneratedVendorOptions _options;
    private readonly GeneratedStateStore _store;
    private readonly TimeProvider _time;

    public GeneratedVendor(GeneratedVendorOptions options, TimeProvider time)
    {
        _options = options;
        _store = new GeneratedStateStore(options.StateDirectory);
        _time = time;
    }

    public string Kind => KindName;

    public bool GeneratesValueLocally => true;

    public SecretValue GenerateValue() => _options.Policy.Generate();

    public Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct)
    {
        GeneratedState state;
        try { state = _store.Read(ctx.CredentialName); }
        catch (GeneratedStateException ex) { return Task.FromResult(new VerifyResult(Outcome.Permanent(ex.Message))); }

        if (ctx.Provisioning)
            return Task.FromResult(Provisioning(ctx, state));
        if (state.Current is { } current)
            return Task.FromResult(new VerifyResult(Outcome.Ok($"current credential {current.Id} ({current.Fingerprint})"), current.Id));
        if (state.Ids.Count == 0 && _options.Bootstrap)
            return Task.FromResult(new VerifyResult(Outcome.Ok($"no credential recorded yet for {ctx.CredentialName}; bootstrap allowed, the first mint records one")));
        var why = state.Ids.Count == 0
            ? $"no current credential recorded for {ctx.CredentialName}; nothing in {_store.PathFor(ctx.CredentialName)}. Set bootstrap: \"true\" on the vendor to allow the first rotation from an empty state"
            : $"no current credential recorded for {ctx.CredentialName}; all {state.Ids.Count} recorded ids are revoked. Rotating now would have no working credential to fall back on; investigate, then clear {_store.PathFor(ctx.CredentialName)} and set bootstrap: \"true\" to start over";
        return Task.FromResult(new VerifyResult(Outcome.Permanent(why)));
    }

    /// <summary>Provision flow: the minting identity is this process and its state file, which was just read.</summary>
    private VerifyResult Provisioning(VendorContext ctx, GeneratedState state) => new(Outcome.Ok(state.Current is { } current
        ? $"state {_store.PathFor(ctx.CredentialName)} is readable; it already records {current.Id}, which provisioning leaves alone (rotate to replace it)"
        : $"state {_store.PathFor(ctx.CredentialName)} is readable and records no credential yet; the mint records the first"));

    public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
    {
        if (prepared is null)
            return new MintResult(Outcome.Permanent($"vendor generated records values Velvet prepares; mint of {ctx.CredentialName} was called without one (generate it with GenerateValue first)"));
        var fingerprint = prepared.Fingerprint;
        try
        {
            return await _store.UpdateAsync(ctx.CredentialName, state =>
            {
                var earlier = state.Ids.FirstOrDefault(r => string.Equals(r.Tag, ctx.IdempotencyTag, StringComparison.Ordinal));
                if (earlier is not null)
                    return (null, ForRetry(ctx, earlier, fingerprint));
                var record = new GeneratedCredentialRecord(NewId(), fingerprint, _time.GetUtcNow(), ctx.IdempotencyTag, null);
                var next = state with { Ids = [.. state.Ids, record] };
                return (next, new MintResult(Outcome.Ok($"recorded {record.Id} ({fingerprint})"), record.Id));
            }, ct).ConfigureAwait(false);
        }
        catch (GeneratedStateException ex) { return new MintResult(Outcome.Permanent(ex.Message)); }
        catch (IOException ex) { return new MintResult(Outcome.Transient($"cannot write the state of {ctx.CredentialName}: {ex.GetType().Name}")); }
        catch (UnauthorizedAccessException) { return new MintResult(Outcome.Permanent($"cannot write {_store.PathFor(ctx.CredentialName)}: permission denied")); }
    }

    /// <summary>A retried mint finds its own earlier record; a different value under the same tag is a bug, not a retry.</summary>
    private static MintResult ForRetry(VendorContext ctx, GeneratedCredentialRecord earlier, string fingerprint)
    {
        if (!string.Equals(earlier.Fingerprint, fingerprint, StringComparison.Ordinal))
            return new MintResult(Outcome.Permanent($"tag {ctx.IdempotencyTag} already recorded {earlier.Id} with a different value ({earlier.Fingerprint}, now {fingerprint}); a retry must mint the value sealed for the job"));
        if (earlier.IsRevoked)
            return new MintResult(Outcome.Permanent($"tag {ctx.IdempotencyTag} already recorded {earlier.Id}, which has since been revoked; start a new rotation"));
        return new MintResult(Outcome.Ok($"already recorded {earlier.Id} ({fingerprint}) for this job"), earlier.Id);
    }

    public async Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct)
    {
        try
        {
            return await _store.UpdateAsync(ctx.CredentialName, state =>
            {
                var index = state.Ids.ToList().FindIndex(r => string.Equals(r.Id, credentialId, StringComparison.Ordinal));
                if (index < 0)
                    return ((GeneratedState?)null, Outcome.Permanent($"{credentialId} is not a recorded id of {ctx.CredentialName}; check the id (velvet keeps them in {_store.PathFor(ctx.CredentialName)})"));
                var record = state.Ids[index];
                if (record.IsRevoked)
                    return (null, Outcome.Ok($"{credentialId} was already revoked"));
                var ids = state.Ids.ToList();
                ids[index] = record with { RevokedAt = _time.GetUtcNow() };
                return (state with { Ids = ids }, Outcome.Ok($"revoked {credentialId}"));
            }, ct).ConfigureAwait(false);
        }
        catch (GeneratedStateException ex) { return Outcome.Permanent(ex.Message); }
        catch (IOException ex) { return Outcome.Transient($"cannot write the state of {ctx.CredentialName}: {ex.GetType().Name}"); }
        catch (UnauthorizedAccessException) { return Outcome.Permanent($"cannot write {_store.PathFor(ctx.CredentialName)}: permission denied"); }
    }

    private static string NewId() => "gen_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
