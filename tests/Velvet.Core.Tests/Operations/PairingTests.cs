using Velvet.Core.Manifest;
using Velvet.Core.Schedules;

namespace Velvet.Core.Tests.Operations;

public class PairingTests
{
    private static CredentialSpec C(string name, string kind = "generated", Dictionary<string, string>? settings = null, params string[] related) => new()
    {
        TokenName = name, Env = "prod", Vendor = new AdapterSpec { Kind = kind, Settings = settings ?? [] }, RelatedTo = related,
    };

    [Fact]
    public void Related_to_links_both_ways_and_transitively_and_alternating_roles_of_one_database_pair_by_themselves()
    {
        var manifest = new VelvetManifest
        {
            SourcePath = "m.yaml", Consumers = [],
            Credentials =
            [
                C("C_TOKEN", related: ["B_TOKEN"]), C("B_TOKEN"), C("D_TOKEN", related: ["C_TOKEN"]), C("SOLO"),
                C("APP_DB", "postgres-role", new() { ["role"] = "app", ["admin_url_env"] = "DATABASE_ROOT_URL" }),
                C("REPORTS_DB", "postgres-role", new() { ["role"] = "reports" }), // same default admin URL source
                C("OTHER_DB", "postgres-role", new() { ["role"] = "x", ["admin_url_env"] = "OTHER_ROOT_URL" }),
            ],
        };
        var groups = Pairing.Groups(manifest);
        Assert.Equal("B_TOKEN", groups["C_TOKEN"]);
        Assert.Equal("B_TOKEN", groups["D_TOKEN"]);
        Assert.Equal("SOLO", groups["SOLO"]);
        Assert.Equal("APP_DB", groups["REPORTS_DB"]);
        Assert.Equal("OTHER_DB", groups["OTHER_DB"]);
        Assert.Equal(["C_TOKEN", "D_TOKEN"], Pairing.PairedWith(groups, "B_TOKEN"));
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("45m", 45)]
    public void Periods_parse(string text, int minutes)
    {
        Assert.True(Cadence.TryParsePeriod(text, out var period));
        Assert.Equal(TimeSpan.FromMinutes(minutes), period);
    }

    [Fact]
    public void A_cron_cadence_gives_the_next_occurrence_in_utc()
    {
        var cadence = Cadence.From(new ScheduleSpec { Cron = "0 3 1 * *" })!;
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 3, 0, 0, TimeSpan.Zero), cadence.NextAfter(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal("cron 0 3 1 * *", cadence.Text);
    }
}
