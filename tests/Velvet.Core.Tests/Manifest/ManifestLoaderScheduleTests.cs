namespace Velvet.Core.Tests.Manifest;

public class ManifestLoaderScheduleTests
{
    private static List<string> ErrorsFor(string schedule) => TestKinds.Errors($"""
        credentials:
          - token_name: DEMO_API_TOKEN
            vendor: {"{"} kind: generated {"}"}
            env: demo
            schedule: {schedule}
        """);

    [Fact]
    public void Schedule_with_both_cron_and_every_is_reported()
    {
        Assert.Equal(
            ["5:15: credential DEMO_API_TOKEN: schedule has both cron and every — fix: keep only one of them"],
            ErrorsFor("{ cron: \"0 3 1 * *\", every: 30d }"));
    }

    [Fact]
    public void Schedule_with_neither_cron_nor_every_is_reported()
    {
        Assert.Equal(
            ["5:15: credential DEMO_API_TOKEN: schedule needs cron or every — fix: write schedule: { cron: \"0 3 1 * *\" } or schedule: { every: 30d }"],
            ErrorsFor("{}"));
    }

    [Theory]
    [InlineData("30 days")]
    [InlineData("0d")]
    [InlineData("2w")]
    [InlineData("d")]
    public void Every_that_is_not_a_number_and_d_h_or_m_is_reported(string every)
    {
        Assert.Equal(
            [$"5:24: credential DEMO_API_TOKEN: schedule every \"{every}\" is not a period — fix: write a whole number followed by d, h or m, e.g. 30d, 12h or 90m"],
            ErrorsFor($"{{ every: \"{every}\" }}"));
    }

    [Theory]
    [InlineData("0 3 1 *", 4)]
    [InlineData("0 0 3 1 * *", 6)]
    public void Cron_without_five_fields_is_reported(string cron, int fields)
    {
        Assert.Equal(
            [$"5:23: credential DEMO_API_TOKEN: schedule cron \"{cron}\" has {fields} fields, not 5 — fix: write minute hour day-of-month month day-of-week (UTC), e.g. \"0 3 1 * *\""],
            ErrorsFor($"{{ cron: \"{cron}\" }}"));
    }

    [Fact]
    public void Schedule_that_is_not_a_mapping_is_reported()
    {
        Assert.Equal(
            ["5:15: credential DEMO_API_TOKEN: schedule must be a mapping, not \"30d\" — fix: write it as schedule: { every: 30d }"],
            ErrorsFor("30d"));
    }

    [Theory]
    [InlineData("61 3 1 * *")]
    [InlineData("0 25 * * *")]
    [InlineData("0 3 1 13 *")]
    [InlineData("x 3 1 * *")]
    public void Cron_with_five_fields_out_of_range_is_reported_at_its_line(string cron)
    {
        var error = Assert.Single(ErrorsFor($"{{ cron: \"{cron}\" }}"));
        Assert.StartsWith($"5:23: credential DEMO_API_TOKEN: schedule cron \"{cron}\" is not a valid cron expression (", error, StringComparison.Ordinal);
        Assert.EndsWith("— fix: write minute hour day-of-month month day-of-week (UTC) with values in range, e.g. \"0 3 1 * *\" (03:00 on the 1st)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 3 1 */3 *")]
    [InlineData("*/15 * * * 1-5")]
    public void Valid_cron_expressions_load(string cron) => Assert.Empty(ErrorsFor($"{{ cron: \"{cron}\" }}"));
}
