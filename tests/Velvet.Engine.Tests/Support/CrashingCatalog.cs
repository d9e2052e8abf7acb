using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Engine.Tests.Support;

/// <summary>When the simulated process dies around the vendor's mint call.</summary>
public enum MintCrash
{
    None = 0,
    BeforeVendorCall = 1,
    AfterVendorCall = 2,
}

/// <summary>
/// Wraps the real catalog so a test can "kill the process" at a chosen point: it cancels the run's token and
/// throws, exactly what a dying process looks like to the code after it. Counts vendor mint calls.
/// </summary>
public sealed class CrashingCatalog(IAdapterCatalog inner, CancellationTokenSource kill, MintCrash crash) : IAdapterCatalog
{
    public int MintCalls;
    private readonly CancellationTokenSource _kill = kill;
    private readonly MintCrash _crash = crash;

    public IReadOnlyList<AdapterKind> Kinds => inner.Kinds;

    public ICredentialVendor CreateVendor(CredentialSpec credential) => new Vendor(this, inner.CreateVendor(credential));

    public IConsumerAdapter CreateConsumer(CredentialSpec credential, ConsumerSpec consumer) => inner.CreateConsumer(credential, consumer);

    public IHealthcheck? CreateHealthcheck(ConsumerSpec consumer) => inner.CreateHealthcheck(consumer);

    private sealed class Vendor(CrashingCatalog owner, ICredentialVendor real) : ICredentialVendor
    {
        public string Kind => real.Kind;
        public bool GeneratesValueLocally => real.GeneratesValueLocally;
        public SecretValue GenerateValue() => real.GenerateValue();
        public Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct) => real.VerifyAsync(ctx, ct);
        public Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct) => real.RevokeAsync(ctx, credentialId, ct);

        public async Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct)
        {
            Interlocked.Increment(ref owner.MintCalls);
            if (owner._crash == MintCrash.BeforeVendorCall && owner.MintCalls == 1) Die();
            var result = await real.MintAsync(ctx, prepared, ct);
            if (owner._crash == MintCrash.AfterVendorCall && owner.MintCalls == 1) Die();
            return result;
        }

        private void Die()
        {
            owner._kill.Cancel();
            owner._kill.Token.ThrowIfCancellationRequested();
        }
    }
}
