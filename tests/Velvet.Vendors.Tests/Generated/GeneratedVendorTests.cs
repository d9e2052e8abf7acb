using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Generated;

public sealed class GeneratedVendorTests : IDisposable
{
    private const string Name = "API_TOKEN";
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ICredentialVendor Vendor(Dictionary<string, string>? settings = null) =>
        new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = _dir.Path, TimeProvider = _time })
            .CreateVendor(Contexts.Credential(Name, settings: settings));

    private async Task<string> MintAsync(ICredentialVendor vendor, SecretValue value, string tag)
    {
        var result = await vendor.MintAsync(Contexts.Vendor(Name, tag), value, Ct);
        Assert.Equal(OutcomeKind.Succeeded, result.Outcome.Kind);
        return result.CredentialId!;
    }

    [Fact]
    public void It_generates_values_locally_by_its_policy()
    {
        var vendor = Vendor(new() { ["length"] = "24", ["alphabet"] = "hex" });
        Assert.True(vendor.GeneratesValueLocally);
        Assert.Equal("generated", vendor.Kind);
        Assert.Matches("^[0-9a-f]{24}$", vendor.GenerateValue().Reveal());
    }

    [Fact]
    public async Task Verify_on_empty_state_is_permanent_and_says_how_to_bootstrap()
    {
        var result = await Vendor().VerifyAsync(Contexts.Vendor(Name, "t1"), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.Equal($"no current credential recorded for {Name}; nothing in {Path.Combine(_dir.Path, Name + ".json")}. Set bootstrap: \"true\" on the vendor to allow the first rotation from an empty state", result.Outcome.Message);
        Assert.Null(result.CurrentCredentialId);
    }

    [Fact]
    public async Task Verify_on_empty_state_succeeds_when_bootstrap_is_allowed()
    {
        var result = await Vendor(new() { ["bootstrap"] = "true" }).VerifyAsync(Contexts.Vendor(Name, "t1"), Ct);

        Assert.Equal(OutcomeKind.Succeeded, result.Outcome.Kind);
        Assert.Null(result.CurrentCredentialId);
    }

    [Fact]
    public async Task Verify_reports_the_newest_unrevoked_id_as_current()
    {
        var vendor = Vendor();
        var first = await MintAsync(vendor, vendor.GenerateValue(), "job-1");
        _time.Advance(TimeSpan.FromDays(30));
        var second = await MintAsync(vendor, vendor.GenerateValue(), "job-2");

        Assert.Equal(second, (await vendor.VerifyAsync(Contexts.Vendor(Name, "job-3"), Ct)).CurrentCredentialId);
        await vendor.RevokeAsync(Contexts.Vendor(Name, "job-3"), second, Ct);
        Assert.Equal(first, (await vendor.VerifyAsync(Contexts.Vendor(Name, "job-3"), Ct)).CurrentCredentialId);
    }

    [Fact]
    public async Task Verify_with_every_id_revoked_is_permanent_even_with_bootstrap()
    {
        var vendor = Vendor(new() { ["bootstrap"] = "true" });
        var id = await MintAsync(vendor, vendor.GenerateValue(), "job-1");
        await vendor.RevokeAsync(Contexts.Vendor(Name, "job-1"), id, Ct);

        var result = await vendor.VerifyAsync(Contexts.Vendor(Name, "job-2"), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.StartsWith($"no current credential recorded for {Name}; all 1 recorded ids are revoked.", result.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_records_a_gen_id_and_the_fingerprint_never_the_value()
    {
        var vendor = Vendor();
        var value = vendor.GenerateValue();

        var id = await MintAsync(vendor, value, "job-1");

        Assert.Matches("^gen_[0-9a-f]{12}$", id);
        var state = File.ReadAllText(Path.Combine(_dir.Path, Name + ".json"));
        Assert.Contains(value.Fingerprint, state, StringComparison.Ordinal);
        Assert.Contains("\"created_at\": \"2026-03-01T12:00:00+00:00\"", state, StringComparison.Ordinal);
        Assert.DoesNotContain(value.Reveal(), state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_retried_with_the_same_tag_returns_the_same_id_without_a_second_record()
    {
        var vendor = Vendor();
        var value = vendor.GenerateValue();

        var first = await MintAsync(vendor, value, "job-1");
        var again = await MintAsync(Vendor(), value, "job-1");

        Assert.Equal(first, again);
        Assert.Single(new GeneratedStateStore(_dir.Path).Read(Name).Ids);
    }

    [Fact]
    public async Task Mint_with_a_used_tag_but_another_value_is_permanent()
    {
        var vendor = Vendor();
        await MintAsync(vendor, vendor.GenerateValue(), "job-1");

        var result = await vendor.MintAsync(Contexts.Vendor(Name, "job-1"), vendor.GenerateValue(), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.Contains("already recorded", result.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_mints_with_different_tags_are_all_recorded()
    {
        var vendor = Vendor();
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => MintAsync(vendor, vendor.GenerateValue(), $"job-{i}"), Ct)));

        Assert.Equal(20, ids.Distinct().Count());
        Assert.Equal(20, new GeneratedStateStore(_dir.Path).Read(Name).Ids.Count);
    }

    [Fact]
    public async Task Revoking_twice_succeeds_and_keeps_the_first_revocation_time()
    {
        var vendor = Vendor();
        var id = await MintAsync(vendor, vendor.GenerateValue(), "job-1");

        var first = await vendor.RevokeAsync(Contexts.Vendor(Name, "job-1"), id, Ct);
        _time.Advance(TimeSpan.FromHours(1));
        var second = await vendor.RevokeAsync(Contexts.Vendor(Name, "job-1"), id, Ct);

        Assert.Equal(($"revoked {id}", OutcomeKind.Succeeded), (first.Message, first.Kind));
        Assert.Equal(($"{id} was already revoked", OutcomeKind.Succeeded), (second.Message, second.Kind));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), new GeneratedStateStore(_dir.Path).Read(Name).Ids[0].RevokedAt);
    }

    [Fact]
    public async Task Revoking_an_unknown_id_is_permanent()
    {
        var outcome = await Vendor().RevokeAsync(Contexts.Vendor(Name, "job-1"), "gen_000000000000", Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith($"gen_000000000000 is not a recorded id of {Name}", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_state_file_is_permanent_and_named()
    {
        var path = Path.Combine(_dir.Path, Name + ".json");
        File.WriteAllText(path, "{ not json");

        var result = await Vendor().VerifyAsync(Contexts.Vendor(Name, "job-1"), Ct);

        Assert.Equal(OutcomeKind.Permanent, result.Outcome.Kind);
        Assert.StartsWith($"the state file {path} is not valid JSON", result.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_dir_setting_overrides_the_catalog_default()
    {
        var other = Path.Combine(_dir.Path, "elsewhere");
        var vendor = Vendor(new() { ["state_dir"] = other });

        await MintAsync(vendor, vendor.GenerateValue(), "job-1");

        Assert.True(File.Exists(Path.Combine(other, Name + ".json")));
    }

    [Fact]
    public void Credential_names_that_are_not_file_safe_get_a_distinct_file()
    {
        var store = new GeneratedStateStore(_dir.Path);
        Assert.NotEqual(store.PathFor("a/b"), store.PathFor("a_b"));
        Assert.Equal(_dir.Path, Path.GetDirectoryName(store.PathFor("../../etc/passwd")));
    }

    [Fact]
    public async Task Authority_accepts_the_current_value_and_refuses_revoked_and_unknown_ones()
    {
        var vendor = Vendor();
        var authority = new GeneratedCredentialAuthority(_dir.Path);
        var old = vendor.GenerateValue();
        var oldId = await MintAsync(vendor, old, "job-1");
        var current = vendor.GenerateValue();
        await MintAsync(vendor, current, "job-2");

        Assert.True(authority.IsAccepted(Name, old.Reveal()));
        await vendor.RevokeAsync(Contexts.Vendor(Name, "job-2"), oldId, Ct);

        Assert.True(authority.IsAccepted(Name, current.Reveal()));
        Assert.False(authority.IsAccepted(Name, old.Reveal()));
        Assert.False(authority.IsAccepted(Name, "never-minted-value-1234"));
        Assert.False(authority.IsAccepted("OTHER_TOKEN", current.Reveal()));
    }
}
