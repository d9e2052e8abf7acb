using System.Text.Json;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Tests;

/// <summary>
/// docs/manifest.schema.json describes the settings of every built-in kind (a closed <c>&lt;kind&gt;Settings</c> def chosen by
/// an if/then on kind in vendor or consumer): the same names, the same required ones, as the catalog the loader checks with.
/// </summary>
public sealed class ManifestSchemaCatalogTests
{
    private static readonly JsonElement Defs = LoadSchema().GetProperty("$defs");
    private static readonly IReadOnlyList<AdapterKind> Kinds = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath() }).Kinds;

    private static JsonElement LoadSchema()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Velvet.slnx"))) dir = dir.Parent;
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "docs", "manifest.schema.json"))).RootElement;
    }

    public static TheoryData<string> KindNames() => [.. Kinds.Select(k => k.Name)];

    /// <summary>heroku-config-var → herokuConfigVarSettings.</summary>
    private static string DefName(string kind)
    {
        var parts = kind.Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..])) + "Settings";
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Each_kind_has_a_closed_settings_def_with_the_catalog_names_and_required_ones(string name)
    {
        var kind = Kinds.Single(k => k.Name == name);
        Assert.True(Defs.TryGetProperty(DefName(name), out var def), $"docs/manifest.schema.json has no $defs/{DefName(name)} for kind {name}");

        Assert.False(def.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(kind.RequiredSettings.Concat(kind.OptionalSettings).Order(), def.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var required = def.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        Assert.Equal(kind.RequiredSettings.Order(), required.Order());
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Each_kind_selects_its_def_by_an_if_then_on_kind(string name)
    {
        var kind = Kinds.Single(k => k.Name == name);
        var owner = kind.Role == AdapterRole.Vendor ? "vendor" : "consumer";
        var rule = Defs.GetProperty(owner).GetProperty("allOf").EnumerateArray()
            .SingleOrDefault(r => r.GetProperty("if").GetProperty("properties").GetProperty("kind").GetProperty("const").GetString() == name);
        Assert.True(rule.ValueKind == JsonValueKind.Object, $"$defs/{owner}/allOf has no rule for kind {name}");

        var then = rule.GetProperty("then");
        Assert.Equal($"#/$defs/{DefName(name)}", then.GetProperty("properties").GetProperty("settings").GetProperty("$ref").GetString());
        Assert.Equal(kind.RequiredSettings.Count > 0, then.TryGetProperty("required", out var req) && req.EnumerateArray().Any(e => e.GetString() == "settings"));
    }

    [Fact]
    public void The_schema_has_no_rule_for_a_kind_the_catalog_does_not_know()
    {
        var known = Kinds.Select(k => k.Name).ToHashSet();
        var ruled = new[] { "vendor", "consumer" }
            .SelectMany(o => Defs.GetProperty(o).GetProperty("allOf").EnumerateArray())
            .Select(r => r.GetProperty("if").GetProperty("properties").GetProperty("kind").GetProperty("const").GetString()!);
        Assert.All(ruled, k => Assert.Contains(k, known));
    }

    [Fact]
    public void The_channel_events_enum_is_the_set_a_channel_filter_may_name()
    {
        var events = Defs.GetProperty("channel").GetProperty("properties").GetProperty("events").GetProperty("items").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!);
        Assert.Equal(Velvet.Core.Notifications.NotificationKinds.Filterable.Order(), events.Order());
    }
}
