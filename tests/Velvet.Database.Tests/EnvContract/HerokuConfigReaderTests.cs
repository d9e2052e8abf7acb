using Velvet.Database.EnvContract;

namespace Velvet.Database.Tests.EnvContract;

public sealed class HerokuConfigReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_keys_with_their_lines()
    {
        var path = _files.Write("heroku.json", "\uFEFF{\n  \"DATABASE_URL\": \"postgres://u8:pw@h/d\",\n  \"FLAG\": \"1\",\n\n  \"UNSET\": null, \"SAME_LINE\": \"x\"\n}\n");
        var entries = HerokuConfigReader.Read(path, "heroku.json");
        Assert.Equal(
            [("DATABASE_URL", "postgres://u8:pw@h/d", 2), ("FLAG", "1", 3), ("UNSET", null, 5), ("SAME_LINE", "x", 5)],
            entries.Select(e => (e.Name, e.Value, e.Location.Line)));
        Assert.Empty(HerokuConfigReader.Read(_files.Write("empty.json", "{}"), "empty.json"));
    }

    [Theory]
    [InlineData("[]", 1, "expected a JSON object")]
    [InlineData("{\n  \"A\": \"x\",\n  \"PORT\": 5000\n}", 3, "the value of PORT must be a string")]
    [InlineData("{\n  \"A\": {\"nested\": true}\n}", 2, "the value of A must be a string")]
    [InlineData("{\n  \"A\": \"x\"\n  \"B\": \"" + TempFiles.Canary + "\"\n}", 3, "malformed JSON")]
    [InlineData("{\n  \"A\": \"" + TempFiles.Canary + "\n}", 2, "malformed JSON")]
    [InlineData("{}\n{}", 2, "malformed JSON")]
    public void Malformed_dumps_are_errors_with_file_line(string json, int line, string message)
    {
        var path = _files.Write("bad.json", json);
        var ex = Assert.Throws<EnvFileException>(() => HerokuConfigReader.Read(path, "bad.json"));
        Assert.StartsWith($"bad.json:{line}: {message}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TempFiles.Canary, ex.Message, StringComparison.Ordinal);
    }
}
