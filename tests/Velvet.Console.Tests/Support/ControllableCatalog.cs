using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Console.Tests.Support;

/// <summary>The real catalog, with the vendor's revoke call failing while <see cref="RevokeFails"/> is set.</summary>
public sealed class ControllableCatalog(IAdapterCatalog inner) : IAdapterCatalog
{
    public volatile bool RevokeFails;

    public IReadOnlyList<AdapterKind> Kinds => inner.Kinds;

    public ICredentialVendor CreateVendor(CredentialSpec credential) => new Vendor(this, inner.CreateVendor(credential));

    public IConsumerAdapter CreateConsumer(CredentialSpec credential, ConsumerSpec consumer) => inner.CreateConsumer(credential, consumer);

    public IHealthcheck? CreateHealthcheck(ConsumerSpec consumer) => inner.CreateHealthcheck(consumer);

    private sealed class Vendor(ControllableCatalog owner, ICredentialVendor real) : ICredentialVendor
    {
        public string Kind => real.Kind;
        public bool GeneratesValueLocally => real.GeneratesValueLocally;
        public SecretValue GenerateValue() => real.GenerateValue();
        public Task<VerifyResult> VerifyAsync(VendorContext ctx, CancellationToken ct) => real.VerifyAsync(ctx, ct);
        public Task<MintResult> MintAsync(VendorContext ctx, SecretValue? prepared, CancellationToken ct) => real.MintAsync(ctx, prepared, ct);

        public Task<Outcome> RevokeAsync(VendorContext ctx, string credentialId, CancellationToken ct) =>
            owner.RevokeFails ? Task.FromResult(Outcome.Permanent("vendor refused the revoke (HTTP 422)", 422)) : real.RevokeAsync(ctx, credentialId, ct);
    }
}
