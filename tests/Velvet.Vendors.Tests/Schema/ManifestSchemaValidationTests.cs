using NJsonSchema;

namespace Velvet.Vendors.Tests.Schema;

/// <summary>
/// The example manifests (examples/*.yaml and the one `velvet demo` writes) validate against docs/manifest.schema.json,
/// the schema editors use; and the schema really rejects what it claims to (NJsonSchema 11.6.2 via <see cref="ManifestSchema"/>).
/// </summary>
public sealed class ManifestSchemaValidationTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() => ManifestSchema.LoadAsync(CancellationToken.None));

    public static TheoryData<string> Manifests() =>
        [.. Directory.GetFiles(ManifestSchema.RepoPath("examples"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>src/Velvet.Cli/Examples/demo.yaml with __DIR__ and __URL__ filled in as DemoCommand does.</summary>
    private static string DemoManifest() => File.ReadAllText(ManifestSchema.RepoPath("src", "Velvet.Cli", "Examples", "demo.yaml"))
        .Replace("__DIR__", "/tmp/velvet-demo", StringComparison.Ordinal).Replace("__URL__", "http://127.0.0.1:41234", StringComparison.Ordinal);

    private static async Task<List<string>> ViolationsAsync(string yaml) => ManifestSchema.Violations(await Schema.Value, yaml);

    [Fact]
    public void After_translation_no_keyword_is_left_that_NJsonSchema_would_ignore()
    {
        var source = ManifestSchema.Source();

        Assert.NotEmpty(ManifestSchema.Untranslated(source)); // the schema does use them: without the translation these checks would be skipped
        Assert.Empty(ManifestSchema.Untranslated(ManifestSchema.Translate(source)));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task Every_example_manifest_validates_against_the_schema(string file)
    {
        var violations = await ViolationsAsync(File.ReadAllText(ManifestSchema.RepoPath("examples", file)));

        Assert.True(violations.Count == 0, $"examples/{file} violates docs/manifest.schema.json:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public async Task The_manifest_velvet_demo_writes_validates_against_the_schema()
    {
        var demo = DemoManifest();
        Assert.DoesNotContain("__", demo, StringComparison.Ordinal);

        var violations = await ViolationsAsync(demo);

        Assert.True(violations.Count == 0, $"the demo manifest violates docs/manifest.schema.json:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public async Task An_unknown_setting_on_a_kind_is_rejected_by_the_schema()
    {
        var yaml = DemoManifest().Replace("settings: { path: /tmp/velvet-demo/apps/web/.env, key: API_TOKEN }",
            "settings: { path: /tmp/velvet-demo/apps/web/.env, key: API_TOKEN, json_field: AccessKeyId }", StringComparison.Ordinal);
        Assert.NotEqual(DemoManifest(), yaml);

        var violations = await ViolationsAsync(yaml);

        // dotenv-file's settings def is closed: json_field belongs to aws-ssm-parameter only.
        const string expected = "#/consumers[1].settings.json_field: NoAdditionalPropertiesAllowed";
        Assert.True(violations.Any(v => v.Contains(expected, StringComparison.Ordinal)), $"no \"{expected}\" among:\n{string.Join("\n", violations)}");
        Assert.DoesNotContain(violations, v => v.Contains("consumers[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("version: 1", "version: 2", "#/version: NotInEnumeration")]
    [InlineData("capabilities: [update, healthcheck]\n    update_endpoint: http://127.0.0.1:41234/config/billing-api",
        "capabilities: [healthcheck]\n    update_endpoint: http://127.0.0.1:41234/config/billing-api", "#/consumers[3].capabilities: ExcludedSchemaValidates")]
    [InlineData("settings: { path: /tmp/velvet-demo/vault/secrets.env, key: DEMO_API_TOKEN }", "settings: { path: /tmp/velvet-demo/vault/secrets.env }",
        "#/consumers[0].settings.key: PropertyRequired (key)")]
    public async Task Const_contains_and_per_kind_required_settings_are_checked(string from, string to, string expected)
    {
        var yaml = DemoManifest().Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(DemoManifest(), yaml);

        var violations = await ViolationsAsync(yaml);

        Assert.True(violations.Any(v => v.Contains(expected, StringComparison.Ordinal)), $"no \"{expected}\" among:\n{string.Join("\n", violations)}");
    }
}
