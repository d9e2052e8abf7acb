using System.Text.RegularExpressions;
using Velvet.Cli;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors;

namespace Velvet.Cli.Tests;

/// <summary>Runs `velvet` in-process with captured stdout/stderr and a private environment.</summary>
public sealed partial class CliRun
{
    public required string Dir { get; init; }
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);
    public List<string> Transcript { get; } = [];

    public async Task<(int Exit, string Out, string Err)> RunWithInputAsync(string stdin, params string[] args)
    {
        var @out = new StringWriter();
        var err = new StringWriter();
        var io = new CliIO
        {
            Out = @out, Err = err, In = new StringReader(stdin), InputIsTerminal = false, Interactive = false,
            Environment = name => Env.TryGetValue(name, out var v) ? v : null,
        };
        var exit = await VelvetCli.RunAsync(args, io, TestContext.Current.CancellationToken);
        Transcript.Add(@out.ToString());
        Transcript.Add(err.ToString());
        return (exit, @out.ToString(), err.ToString());
    }

    public Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>
    /// A run over <paramref name="manifest"/> in <paramref name="dir"/> (SQLite store, local vendor state, a zero master
    /// key, APP_ENV test, actor alice), with the manifest's first credential (a generated one) already in use at its vendor.
    /// </summary>
    public static async Task<CliRun> LocalAsync(string dir, string manifest)
    {
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.Combine(dir, "state") });
        var loaded = ManifestLoader.Load(manifest, catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var first = loaded.Manifest!.Credentials[0];
        var vendor = catalog.CreateVendor(first);
        await vendor.MintAsync(new VendorContext { JobId = Guid.Empty, CredentialName = first.TokenName, Env = "test", IdempotencyTag = "seed", Secrets = new Velvet.Vendors.Local.DictionarySecretSource() },
            vendor.GenerateValue(), CancellationToken.None);
        return ForManifest(dir, manifest);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    public static partial Regex JobId();

    public static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Velvet.slnx"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repo root not found");
    }
}
