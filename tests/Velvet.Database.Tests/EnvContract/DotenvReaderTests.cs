using Velvet.Database.EnvContract;

namespace Velvet.Database.Tests.EnvContract;

public sealed class DotenvReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_every_form_with_its_line()
    {
        var path = _files.Write("app.env", """
            # comment

            PLAIN=value
            export EXPORTED=yes
            SPACED = padded   # trailing comment
            SINGLE='lit $HOME #x'
            DOUBLE="a\"b\n${X}"
            MULTI="line one
            line two"
            EMPTY=
            PASSTHROUGH
            URL=postgres://u:p#w@h/d
            """);
        var entries = DotenvReader.Read(path, "app.env");
        Assert.Equal(
            [
                ("PLAIN", "value", 3), ("EXPORTED", "yes", 4), ("SPACED", "padded", 5), ("SINGLE", "lit $HOME #x", 6),
                ("DOUBLE", "a\"b\n${X}", 7), ("MULTI", "line one\nline two", 8), ("EMPTY", "", 10), ("PASSTHROUGH", null, 11),
                ("URL", "postgres://u:p#w@h/d", 12),
            ],
            entries.Select(e => (e.Name, e.Value, e.Location.Line)));
        Assert.True(entries.Single(e => e.Name == "DOUBLE").Interpolated);
        Assert.False(entries.Single(e => e.Name == "PLAIN").Interpolated);
        Assert.Equal("app.env:3", entries[0].Location.ToString());
        Assert.Equal("PLAIN at app.env:3", entries[0].ToString());
    }

    [Theory]
    [InlineData("OK=1\n1BAD=" + TempFiles.Canary + "\n", 2, "expected KEY=value with a variable name")]
    [InlineData("OK=1\nnot a pair " + TempFiles.Canary + "\n", 2, "expected KEY=value")]
    [InlineData("A=\"" + TempFiles.Canary + "\nB=2\n", 1, "unterminated double-quoted value")]
    [InlineData("A='" + TempFiles.Canary + "' trailing\n", 1, "unexpected text after the closing quote")]
    public void A_malformed_line_is_an_error_with_file_line_that_never_quotes_it(string text, int line, string message)
    {
        var path = _files.Write("bad.env", text);
        var ex = Assert.Throws<EnvFileException>(() => DotenvReader.Read(path, "bad.env"));
        Assert.StartsWith($"bad.env:{line}: {message}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TempFiles.Canary, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${X}", true)]
    [InlineData("$X", true)]
    [InlineData("a$_b", true)]
    [InlineData("$$X", false)]
    [InlineData("pa$$word", false)]
    [InlineData("cost $5", false)]
    [InlineData("trailing$", false)]
    public void Interpolation(string value, bool interpolated) => Assert.Equal(interpolated, EnvEntry.IsInterpolated(value));
}
