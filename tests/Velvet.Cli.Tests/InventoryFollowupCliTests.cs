using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Store;

namespace Velvet.Cli.Tests;

/// <summary>An open follow-up (the canonical store lacks the value; its fallback holds it) stays visible in `velvet inventory`, in all three formats, until resolved.</summary>
public class InventoryFollowupCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_open_followup_shows_on_the_credential_and_its_copies_in_every_format_until_resolved()
    {
        var cli = await OpsCliTests.SetupAsync();
        var (_, pending) = await OpsCliTests.RotateAsync(cli);
        long id;
        await using (var store = (IAsyncDisposable)JobStoreFactory.Open(cli.Env["VELVET_STORE"]))
        {
            // As the fan-out records it when the vault refuses the write and the value goes to its fallback (here: app).
            id = (await JobStoreFactory.Followups((IJobStore)store).OpenFollowupAsync(new Followup
            {
                JobId = Guid.Parse(pending), CredentialName = "API_TOKEN", Env = "test", CanonicalConsumerId = "vault", FallbackConsumerId = "app",
                Reason = "HTTP 403 Forbidden", ValueFingerprint = "sha256:00112233", CreatedAt = TimeProvider.System.GetUtcNow(),
            }, Ct)).Id;
        }
        var note = $"fallback: value in {cli.Dir}/app.env:API_TOKEN until follow-up {id} resolved";

        var json = await cli.RunAsync("inventory", "--format", "json");
        Assert.Equal(0, json.Exit);
        using (var doc = JsonDocument.Parse(json.Out))
        {
            var api = doc.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == "API_TOKEN");
            var f = Assert.Single(api.GetProperty("followups").EnumerateArray().ToList());
            Assert.Equal((id, "open", "vault", "app", pending, note),
                (f.GetProperty("id").GetInt64(), f.GetProperty("status").GetString(), f.GetProperty("canonical_consumer").GetString(),
                 f.GetProperty("fallback_consumer").GetString(), f.GetProperty("job_id").GetString(), f.GetProperty("note").GetString()));
            var copies = api.GetProperty("copies").EnumerateArray().ToDictionary(c => c.GetProperty("consumer_id").GetString()!);
            Assert.Equal("lacks the new value: " + note, copies["vault"].GetProperty("followup").GetString());
            Assert.Equal($"holds the value for vault until follow-up {id} resolved", copies["app"].GetProperty("followup").GetString());
            var old = doc.RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("token_name").GetString() == "OLD_KEY");
            Assert.Equal(0, old.GetProperty("followups").GetArrayLength());
        }

        var md = await cli.RunAsync("inventory", "--format", "markdown");
        var row = Assert.Single(md.Out.Split('\n'), l => l.StartsWith("| API_TOKEN (generated) |", StringComparison.Ordinal));
        Assert.Contains($"vault.env:API_TOKEN (canonical) (written ", row, StringComparison.Ordinal);
        Assert.Contains($"**lacks the new value: {note}**", row, StringComparison.Ordinal);

        var table = await cli.RunAsync("inventory");
        // The table wraps the note inside the target cell; its words are there, under the copy they concern.
        Assert.Equal(2, table.Out.Split('\n').Count(l => l.Contains($"follow-up {id} ", StringComparison.Ordinal)));
        Assert.Contains("lacks the new", table.Out, StringComparison.Ordinal);
        Assert.Contains("holds the value", table.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("followups", "resolve", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--manual", "copied into the vault by hand")).Exit);
        var after = await cli.RunAsync("inventory", "--format", "json");
        Assert.DoesNotContain("follow-up", after.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("follow-up", (await cli.RunAsync("inventory", "--format", "markdown")).Out, StringComparison.Ordinal);
        OpsCliTests.AssertNoValue(cli);
    }
}
