using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;

namespace Velvet.Engine.Tests;

/// <summary>
/// Which version a write-only consumer holds (a GitHub Actions secret cannot be read back): every successful push
/// records an HMAC fingerprint under a key derived from Velvet's master key, and when it was written; both survive
/// validation and a manual confirmation.
/// </summary>
public class WrittenFingerprintTests
{
    private const string WriteOnly = """
          - consumer_id: legacy
            token_name: API_TOKEN
            kind: http
            update_endpoint: URL/config/legacy
            update_auth_token_name: DEPLOY_TOKEN
        """;

    private static readonly byte[] Key = new SecretBox(new byte[32]).DeriveKey("consumer-fingerprint");

    private static Task<Harness> StartAsync(byte[] key, Func<IAdapterCatalog, IAdapterCatalog>? wrap = null) => Harness.StartAsync(
        (d, u) => Harness.DefaultManifest(d, u, extraConsumers: WriteOnly.Replace("URL", u, StringComparison.Ordinal)),
        o => o with { FingerprintKey = key }, wrap);

    [Fact]
    public async Task A_push_records_a_keyed_fingerprint_and_its_time_which_validation_and_confirmation_keep()
    {
        await using var h = await StartAsync(Key);
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        Assert.Equal(JobStatus.ValidatePartial, (await h.VerifyAndMintAsync(job.JobId)).Status);

        var written = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "legacy");
        var held = h.Apps.Held("legacy")!;
        Assert.Equal(Fingerprints.Hmac(Key, held), written.WrittenFingerprint);
        Assert.NotEqual(Fingerprints.Sha256(held)[7..], written.WrittenFingerprint![5..]);
        Assert.Matches("^hmac:[0-9a-f]{16}$", written.WrittenFingerprint);
        var pushed = (await h.EventsAsync(job.JobId)).Last(e => e.ConsumerId == "legacy" && e.Detail!.EndsWith(": distribute succeeded", StringComparison.Ordinal));
        Assert.NotNull(written.WrittenAt);
        Assert.InRange(written.WrittenAt!.Value, pushed.At.AddSeconds(-1), pushed.At);
        Assert.Equal(RowStatus.NeedsConfirm, written.ValidateStatus);

        await Task.Delay(20, TestContext.Current.CancellationToken);
        await h.ActAsync(job.JobId, JobAction.ManualConfirm, r => r with { ConsumerId = "legacy", Reason = "workflow run 42 deployed with it" });
        var confirmed = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "legacy");

        Assert.Equal((written.WrittenFingerprint, written.WrittenAt), (confirmed.WrittenFingerprint, confirmed.WrittenAt));
        Assert.True(confirmed.UpdatedAt > confirmed.WrittenAt, "updated_at moves on; written_at stays the push's time");
        Assert.All(await h.RowsAsync(job.JobId), r => Assert.NotNull(r.WrittenAt));
    }

    [Fact]
    public async Task An_adapters_own_fingerprint_wins_over_the_engines()
    {
        await using var h = await StartAsync(Key, c => new FingerprintingCatalog(c, "legacy", "hmac:00000000000000ff"));
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);

        var rows = await h.RowsAsync(job.JobId);
        Assert.Equal("hmac:00000000000000ff", rows.Single(r => r.ConsumerId == "legacy").WrittenFingerprint);
        Assert.Equal(Fingerprints.Hmac(Key, h.Apps.Held("billing")!), rows.Single(r => r.ConsumerId == "billing").WrittenFingerprint);
    }

    [Fact]
    public async Task Without_a_key_no_fingerprint_is_made_but_the_time_is_still_recorded()
    {
        await using var h = await StartAsync([]);
        await h.SeedAsync();
        var job = await h.StartJobAsync();
        await h.VerifyAndMintAsync(job.JobId);

        var legacy = (await h.RowsAsync(job.JobId)).Single(r => r.ConsumerId == "legacy");
        Assert.Null(legacy.WrittenFingerprint);
        Assert.NotNull(legacy.WrittenAt);
    }

    /// <summary>Wraps one consumer so its pushes report their own written fingerprint.</summary>
    private sealed class FingerprintingCatalog(IAdapterCatalog inner, string consumerId, string fingerprint) : IAdapterCatalog
    {
        public IReadOnlyList<AdapterKind> Kinds => inner.Kinds;
        public ICredentialVendor CreateVendor(CredentialSpec credential) => inner.CreateVendor(credential);
        public IHealthcheck? CreateHealthcheck(ConsumerSpec consumer) => inner.CreateHealthcheck(consumer);

        public IConsumerAdapter CreateConsumer(CredentialSpec credential, ConsumerSpec consumer) =>
            consumer.ConsumerId == consumerId ? new Adapter(inner.CreateConsumer(credential, consumer), fingerprint) : inner.CreateConsumer(credential, consumer);

        private sealed class Adapter(IConsumerAdapter real, string fingerprint) : IConsumerAdapter
        {
            public string Kind => real.Kind;
            public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct) =>
                await real.PushAsync(ctx, value, ct) with { WrittenFingerprint = fingerprint };
            public Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct) => real.ValidateAsync(ctx, ct);
            public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) => real.ProbeRejectedAsync(ctx, ct);
        }
    }
}
