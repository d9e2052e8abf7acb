using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Tests.Manifest;

/// <summary>The kinds the example manifest uses, as a vendor package would register them.</summary>
internal static class TestKinds
{
    public static readonly IReadOnlyList<AdapterKind> All =
    [
        new("generated", AdapterRole.Vendor, [], ["length", "alphabet", "state_dir"], IsLocal: true, "Random value generated locally"),
        new("dotenv-file", AdapterRole.Consumer, ["path", "key"], [], IsLocal: true, "A KEY=value line in a dotenv file"),
        new("http", AdapterRole.Consumer, [], ["body_field", "auth_header"], IsLocal: false, "A generic HTTP endpoint"),
    ];

    public const string File = "velvet.yaml";

    public static ManifestLoadResult Load(string yaml) => ManifestLoader.LoadFromText(yaml, File, All);

    /// <summary>Each error as the person sees it, minus the file name: "line:col: message — fix: fix".</summary>
    public static List<string> Errors(string yaml) =>
        Load(yaml).Errors.Select(e => e.ToString()[(File.Length + 1)..]).ToList();
}
