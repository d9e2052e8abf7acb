using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Database.Tests.Roles.Support;

/// <summary>Where the simulated process dies.</summary>
public enum Crash
{
    /// <summary>Right after the vendor's mint returned (the role is re-keyed; the engine has not recorded it).</summary>
    AfterVendorMint = 0,
    /// <summary>At the first consumer push (minted is recorded; nothing distributed yet).</summary>
    AtFirstPush = 1,
}

/// <summary>Wraps the real catalog and "kills the process" once at the chosen point; counts vendor mint calls.</summary>
public sealed class CrashingRoleCatalog(IAdapterCatalog inner, CancellationTokenSource kill, Crash at) : IAdapterCatalog
{
    private int _crashed;
    public int MintCalls;

    public IReadOnlyList<AdapterKind> Kinds => inner.Kinds;

    public ICredentialVendor CreateVendor(CredentialSpec credential) => new Vendor(this, inner.CreateVendor(credential));

    public IConsumerAdapter CreateConsumer(CredentialSpec credential, ConsumerSpec consumer) => new Consumer(this, inner.CreateConsumer(credential, consumer));

    public IHealthcheck? CreateHealthcheck(ConsumerSpec consumer) => inner.CreateHealthcheck(consumer);

    private void DieOnce(Crash point)
    {
        if (point != at || Interlocked.Exchange(ref _crashed, 1) == 1) return;
        kill.Cancel();
        kill.Token.ThrowIfCancellationRequested();
    }

    private sealed class Vendor(CrashingRoleCatalog owner, ICredentialVendor real) : ICredentialVendor
    {
        public string Kind => real.Kind;
        public bool GeneratesValueLocally => real.GeneratesValueLocally;
        public SecretValue GenerateValue() => real.GenerateValue();
        public Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct) => real.VerifyAsync(ctx, ct);
        public Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct) => real.RevokeAsync(ctx, credentialId, ct);

        public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
        {
            Interlocked.Increment(ref owner.MintCalls);
            var result = await real.MintAsync(ctx, prepared, ct);
            owner.DieOnce(Crash.AfterVendorMint);
            return result;
        }
    }

    private sealed class Consumer(CrashingRoleCatalog owner, IConsumerAdapter real) : IConsumerAdapter
    {
        public string Kind => real.Kind;

        public Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
        {
            owner.DieOnce(Crash.AtFirstPush);
            return real.PushAsync(ctx, value, ct);
        }

        public Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct) => real.ValidateAsync(ctx, ct);
        public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) => real.ProbeRejectedAsync(ctx, ct);
    }
}
