using Velvet.Server.WebConsole;

namespace Velvet.Console.Tests;

/// <summary>The page builder encodes every value, and the banner follows APP_ENV (no browser).</summary>
public sealed class HtmlTests
{
    [Fact]
    public void Interpolated_values_are_encoded_and_Html_pieces_are_not()
    {
        var name = "<script>alert('x')</script>";
        var html = Html.Of($"""<td title="{name}">{name}{Html.Of($"<b>{"&"}</b>")}</td>""");
        Assert.DoesNotContain("<script>", html.Value, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html.Value, StringComparison.Ordinal);
        Assert.Contains("<b>&amp;</b>", html.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod", "env-production", "PRODUCTION")]
    [InlineData("production", "env-production", "PRODUCTION")]
    [InlineData("staging", "env-staging", "STAGING")]
    [InlineData("dev", "env-other", "DEV")]
    public void The_banner_is_red_for_production_purple_for_staging_and_neutral_otherwise(string env, string css, string label)
    {
        var banner = ConsoleLayout.Banner(env).Value;
        Assert.Contains($"class=\"env-banner {css}\"", banner, StringComparison.Ordinal);
        Assert.Contains(label, banner, StringComparison.Ordinal);
        Assert.DoesNotContain("<a", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("<button", banner, StringComparison.Ordinal);
    }
}
