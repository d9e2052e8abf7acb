using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Tests.Support;

public static class Contexts
{
    public static ConsumerContext Consumer(ISecretSource? secrets = null, string? expectedFingerprint = null, string consumerId = "app-api") => new()
    {
        JobId = Guid.NewGuid(),
        CredentialName = "API_TOKEN",
        ConsumerId = consumerId,
        Env = "prod",
        ExpectedFingerprint = expectedFingerprint,
        Secrets = secrets ?? new DictionarySecretSource(),
    };

    public static VendorContext Vendor(string credential, string tag) => new()
    {
        JobId = Guid.NewGuid(),
        CredentialName = credential,
        Env = "prod",
        IdempotencyTag = tag,
        Secrets = new DictionarySecretSource(),
    };

    public static CredentialSpec Credential(string name = "API_TOKEN", string kind = "generated", Dictionary<string, string>? settings = null) => new()
    {
        TokenName = name,
        Env = "prod",
        Vendor = new AdapterSpec { Kind = kind, Settings = settings ?? [] },
    };
}

/// <summary>A temp directory removed after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "velvet-vendors-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Path)) System.IO.Directory.Delete(Path, recursive: true);
    }
}
