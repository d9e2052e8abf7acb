using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Vendors.Local;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Infisical.InfisicalTestBed;

namespace Velvet.Vendors.Tests.Infisical;

/// <summary>The current value of a credential read from its Infisical consumer marked current_value_source (Stage 1, the testing flow).</summary>
public sealed class VaultSecretSourceTests(FakeInfisical infisical) : IClassFixture<FakeInfisical>
{
    private const string Current = "canary-INF-current-value-4e4e";
    private const string FromEnv = "canary-ENV-value-9191";

    private static VaultSecretSource Source(InfisicalTestBed bed, bool marked = true, bool active = true)
    {
        var consumer = bed.Spec(source: marked) with { Active = active };
        var manifest = new VelvetManifest
        {
            SourcePath = "velvet.yaml",
            Credentials = [Contexts.Credential("RAPTOR_APP_DATABASE_URL"), Contexts.Credential("OTHER")],
            Consumers = [consumer],
        };
        bed.Secrets.Set("RAPTOR_APP_DATABASE_URL", new Core.Secrets.SecretValue(FromEnv));
        bed.Secrets.Set("OTHER", new Core.Secrets.SecretValue(FromEnv));
        return new VaultSecretSource(new CredentialBindings(manifest, bed.Catalog), "prod", bed.Secrets);
    }

    [Fact]
    public void A_marked_infisical_consumer_is_where_the_current_value_comes_from()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.Put(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL", Current);

        var value = Source(bed).Get("RAPTOR_APP_DATABASE_URL");

        Assert.Equal(Current, value!.Reveal());
        Assert.DoesNotContain(Current, bed.Masker.Scrub(Current), StringComparison.Ordinal);
        // The vault's own login came from the fallback, not from the vault.
        Assert.Equal(1, bed.Logins);
    }

    [Fact]
    public void When_the_vault_has_no_value_the_fallback_answers()
    {
        var bed = new InfisicalTestBed(infisical);
        Assert.Equal(FromEnv, Source(bed).Get("RAPTOR_APP_DATABASE_URL")!.Reveal());
    }

    [Fact]
    public void Credentials_without_a_marked_vault_never_call_it()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.Put(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL", Current);

        Assert.Equal(FromEnv, Source(bed, marked: false).Get("RAPTOR_APP_DATABASE_URL")!.Reveal());
        Assert.Equal(FromEnv, Source(bed, active: false).Get("RAPTOR_APP_DATABASE_URL")!.Reveal());
        Assert.Equal(FromEnv, Source(bed).Get("OTHER")!.Reveal());
        Assert.Null(Source(bed).Get("UNKNOWN"));
        Assert.Empty(bed.ProjectRequests);
    }

    [Fact]
    public void A_refused_read_is_an_error_that_says_why_without_any_value()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.AddIdentity(bed.ClientId, ClientSecret /* no project role */);

        var ex = Assert.Throws<VaultReadException>(() => Source(bed).Get("RAPTOR_APP_DATABASE_URL"));

        Assert.StartsWith("reading the current value of RAPTOR_APP_DATABASE_URL from its current_value_source failed: GET ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("403 forbidden", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FromEnv, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unavailable_vault_is_an_io_error_so_the_engine_retries_it()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.Force("/api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL", new ForcedAnswer(503));

        var ex = Assert.Throws<VaultUnavailableException>(() => Source(bed).Get("RAPTOR_APP_DATABASE_URL"));

        Assert.IsAssignableFrom<IOException>(ex);
        Assert.Contains("503 service unavailable", ex.Message, StringComparison.Ordinal);
    }
}
