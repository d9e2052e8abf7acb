using System.Runtime.Versioning;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.DotenvFile;

public sealed class DotenvFileConsumerTests : IDisposable
{
    private const string NewValue = "new-Value-0123456789abcdef";
    private readonly TempDir _dir = new();
    private readonly BuiltInAdapterCatalog _catalog;

    public DotenvFileConsumerTests() => _catalog = new(new BuiltInAdapterOptions { StateDirectory = _dir.Path, Masker = new SecretMasker() });

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IConsumerAdapter Consumer(string path, string key = "API_TOKEN") =>
        _catalog.CreateConsumer(Contexts.Credential(), new ConsumerSpec
        {
            ConsumerId = "local-env",
            TokenName = "API_TOKEN",
            Kind = "dotenv-file",
            Env = "prod",
            Settings = new Dictionary<string, string> { ["path"] = path, ["key"] = key },
        });

    [Fact]
    public async Task Push_replaces_only_the_key_line_keeping_comments_blank_lines_order_and_crlf()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "# app settings\r\nDB_URL=postgres://db/app\r\n\r\nAPI_TOKEN=old-value # rotated by velvet\r\nLAST=1\r\n");

        var outcome = await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"# app settings\r\nDB_URL=postgres://db/app\r\n\r\nAPI_TOKEN={NewValue} # rotated by velvet\r\nLAST=1\r\n", File.ReadAllText(path));
        Assert.DoesNotContain(NewValue, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_keeps_an_export_prefix_and_a_file_without_trailing_newline()
    {
        var path = _dir.File("app.env");
        File.WriteAllText(path, "export API_TOKEN=\"old\"\nOTHER=x");

        await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.Equal($"export API_TOKEN={NewValue}\nOTHER=x", File.ReadAllText(path));
    }

    [Fact]
    public async Task Push_appends_the_key_when_missing_using_the_files_line_endings()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "A=1\r\nB=2");

        await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.Equal($"A=1\r\nB=2\r\nAPI_TOKEN={NewValue}\r\n", File.ReadAllText(path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Push_preserves_mode_0640_of_an_existing_file()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = _dir.File(".env");
        File.WriteAllText(path, "API_TOKEN=old\n");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.SetUnixFileMode(path, mode);

        await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal($"API_TOKEN={NewValue}\n", File.ReadAllText(path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Push_creates_a_missing_file_with_mode_600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = _dir.File("new.env");

        var outcome = await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.True(outcome.IsSuccess);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal($"API_TOKEN={NewValue}\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task Push_into_a_missing_directory_is_permanent()
    {
        var path = Path.Combine(_dir.Path, "nope", ".env");
        var outcome = await Consumer(path).PushAsync(Contexts.Consumer(), new SecretValue(NewValue), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"{path}: directory {Path.Combine(_dir.Path, "nope")} does not exist; create it or fix setting path", outcome.Message);
    }

    [Theory]
    [InlineData("with space-123456")]
    [InlineData("hash#inside-value")]
    [InlineData("quote\"double-and'single")]
    [InlineData("back\\slash$dollar")]
    public async Task Values_that_need_quoting_are_quoted_and_read_back_exactly(string value)
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "API_TOKEN=old\n");
        var secret = new SecretValue(value);
        var consumer = Consumer(path);

        await consumer.PushAsync(Contexts.Consumer(), secret, Ct);
        var validate = await consumer.ValidateAsync(Contexts.Consumer(expectedFingerprint: secret.Fingerprint), Ct);

        Assert.DoesNotContain($"API_TOKEN={value}\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Succeeded, validate.Kind);
    }

    [Fact]
    public async Task Validate_succeeds_when_the_file_holds_the_expected_fingerprint()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, $"API_TOKEN={NewValue}\n");

        var outcome = await Consumer(path).ValidateAsync(Contexts.Consumer(expectedFingerprint: Fingerprints.Sha256(NewValue)), Ct);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"{path}: API_TOKEN holds {Fingerprints.Sha256(NewValue)}", outcome.Message);
    }

    [Fact]
    public async Task Validate_reports_a_different_value_by_fingerprint_only()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "API_TOKEN=stale-old-value-42\n");

        var outcome = await Consumer(path).ValidateAsync(Contexts.Consumer(expectedFingerprint: Fingerprints.Sha256(NewValue)), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"{path}: API_TOKEN holds a different value (fingerprint {Fingerprints.Sha256("stale-old-value-42")}, expected {Fingerprints.Sha256(NewValue)})", outcome.Message);
    }

    [Fact]
    public async Task Validate_without_the_key_is_permanent()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "OTHER=1\n");

        var outcome = await Consumer(path).ValidateAsync(Contexts.Consumer(expectedFingerprint: Fingerprints.Sha256(NewValue)), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"{path} has no API_TOKEN; push again", outcome.Message);
    }

    [Fact]
    public async Task A_file_cannot_refuse_so_the_revocation_probe_needs_a_person()
    {
        var outcome = await Consumer(_dir.File(".env")).ProbeRejectedAsync(Contexts.Consumer(), Ct);
        Assert.Equal(OutcomeKind.NeedsConfirm, outcome.Kind);
        Assert.Contains("cannot refuse a revoked credential", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_pushes_of_two_keys_to_one_file_lose_neither()
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, "# shared\n");
        var pushes = Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Consumer(path, $"KEY_{i}").PushAsync(Contexts.Consumer(), new SecretValue($"value-number-{i}"), Ct), Ct));

        await Task.WhenAll(pushes);

        var text = File.ReadAllText(path);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Contains($"KEY_{i}=value-number-{i}\n", text, StringComparison.Ordinal));
    }
}
