using Velvet.Vendors.DotenvFile;

namespace Velvet.Vendors.Tests.DotenvFile;

public sealed class DotenvTextTests
{
    [Theory]
    [InlineData("K=plain", "plain")]
    [InlineData("K = spaced # comment", "spaced")]
    [InlineData("K='single # kept'", "single # kept")]
    [InlineData("K=\"double \\\"escaped\\\"\"", "double \"escaped\"")]
    [InlineData("export K=exported", "exported")]
    [InlineData("K=a#b", "a#b")]
    [InlineData("K=", "")]
    public void Read_understands_the_common_dotenv_forms(string line, string value)
    {
        Assert.Equal(value, DotenvText.Read(line + "\n", "K"));
    }

    [Fact]
    public void Read_takes_the_last_assignment_and_ignores_similar_keys()
    {
        Assert.Equal("second", DotenvText.Read("K=first\nKEY=x\n#K=commented\nK=second\n", "K"));
        Assert.Null(DotenvText.Read("KEY=x\n# K=y\n", "K"));
    }

    [Fact]
    public void Set_refuses_an_unterminated_quoted_value_instead_of_guessing()
    {
        var ex = Assert.Throws<FormatException>(() => DotenvText.Set("K=\"line one\nline two\"\n", "K", "new-value"));
        Assert.Equal("K has an unterminated or multi-line quoted value; Velvet will not rewrite it. Put it on one line, then retry", ex.Message);
    }

    [Theory]
    [InlineData("abcDEF123_-.", "abcDEF123_-.")]
    [InlineData("has space", "'has space'")]
    [InlineData("it's", "\"it's\"")]
    public void Format_quotes_only_when_needed(string value, string formatted)
    {
        Assert.Equal(formatted, DotenvText.Format(value));
    }
}
