namespace Velvet.Cli.Tests;

public class LeaseSettingTests
{
    [Theory]
    [InlineData(null, 120)]
    [InlineData("", 120)]
    [InlineData("3", 3)]
    [InlineData(" 600 ", 600)]
    public void VELVET_LEASE_SECONDS_sets_the_lease(string? text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), VelvetRuntime.LeaseDuration(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("2m")]
    [InlineData("86401")]
    public void A_lease_that_is_not_a_whole_number_of_seconds_in_range_is_a_config_error(string text)
    {
        var ex = Assert.Throws<CliException>(() => VelvetRuntime.LeaseDuration(text));
        Assert.Equal(ExitCodes.Config, ex.ExitCode);
        Assert.Contains("VELVET_LEASE_SECONDS", ex.Message, StringComparison.Ordinal);
    }
}
