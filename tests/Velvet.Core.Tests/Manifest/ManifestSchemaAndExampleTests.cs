using System.Text.Json;
using Velvet.Core.Manifest;

namespace Velvet.Core.Tests.Manifest;

/// <summary>The editor schema and the examples must say what the loader does, or they mislead the people using them.</summary>
public class ManifestSchemaAndExampleTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("docs", "manifest.schema.json"))).RootElement;

    public static TheoryData<string> Examples()
    {
        // seeds.velvet.yaml uses the vendor kinds (heroku-token, infisical-secret, …), which Velvet.Vendors registers;
        // Velvet.Cli.Tests checks it against the built-in catalog. The rest use only the kinds in TestKinds.
        var files = Directory.GetFiles(RepoFiles.Path("examples"), "*.y*ml", SearchOption.AllDirectories)
            .Where(f => System.IO.Path.GetFileName(f) is not ("seeds.velvet.yaml" or "lifecycle.velvet.yaml"));
        return [.. files.Select(f => System.IO.Path.GetRelativePath(RepoFiles.Root, f))];
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_manifest_loads_without_errors(string relativePath)
    {
        var result = ManifestLoader.Load(RepoFiles.Path(relativePath), TestKinds.All);

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Schema_is_draft_2020_12()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema.GetProperty("$schema").GetString());
    }

    [Fact]
    public void Schema_lists_exactly_the_keys_the_loader_knows()
    {
        var defs = Schema.GetProperty("$defs");
        Assert.Equal(ManifestKeys.Root, Keys(Schema));
        Assert.Equal(ManifestKeys.Credential, Keys(defs.GetProperty("credential")));
        Assert.Equal(ManifestKeys.Vendor, Keys(defs.GetProperty("vendor")));
        Assert.Equal(ManifestKeys.Schedule, Keys(defs.GetProperty("schedule")));
        Assert.Equal(ManifestKeys.Consumer, Keys(defs.GetProperty("consumer")));
    }

    [Fact]
    public void Schema_enums_are_the_values_the_loader_accepts()
    {
        var credential = Schema.GetProperty("$defs").GetProperty("credential").GetProperty("properties");
        var consumer = Schema.GetProperty("$defs").GetProperty("consumer").GetProperty("properties");
        Assert.Equal(ManifestKeys.Modes, Enum(credential.GetProperty("mode")));
        Assert.Equal(ManifestKeys.AutoAdvance, Enum(credential.GetProperty("auto_advance").GetProperty("items")));
        Assert.Equal(ManifestKeys.Capabilities, Enum(consumer.GetProperty("capabilities").GetProperty("items")));
        Assert.Equal(ManifestKeys.UpdateMethods, Enum(consumer.GetProperty("update_method")));
    }

    [Fact]
    public void Every_schema_object_is_closed_and_every_field_is_described()
    {
        var problems = new List<string>();
        Walk(Schema, "#", problems);

        Assert.Empty(problems);
    }

    private static List<string> Keys(JsonElement objectSchema) =>
        objectSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

    private static List<string> Enum(JsonElement schema) =>
        schema.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();

    private static void Walk(JsonElement schema, string path, List<string> problems)
    {
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
            {
                problems.Add($"{path}: additionalProperties is not false");
            }
            foreach (var property in properties.EnumerateObject())
            {
                var isRef = property.Value.TryGetProperty("$ref", out _);
                if (!isRef && !property.Value.TryGetProperty("description", out _))
                {
                    problems.Add($"{path}/properties/{property.Name}: no description");
                }
                Walk(property.Value, $"{path}/properties/{property.Name}", problems);
            }
        }
        if (schema.TryGetProperty("$defs", out var defs))
        {
            foreach (var def in defs.EnumerateObject())
            {
                if (!def.Value.TryGetProperty("description", out _))
                {
                    problems.Add($"#/$defs/{def.Name}: no description");
                }
                Walk(def.Value, $"#/$defs/{def.Name}", problems);
            }
        }
    }
}
