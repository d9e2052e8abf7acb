using System.Text.Json;
using Velvet.Core.Engine;
using Velvet.Core.Manifest;
using Velvet.Vendors;
using Velvet.Vendors.Postgres;

namespace Velvet.Database.Tests.Roles;

/// <summary>postgres-role settings are checked when Velvet starts, each error with file:line and the fix.</summary>
public sealed class PostgresRoleSettingsTests
{
    private static readonly BuiltInAdapterCatalog Catalog = new(new BuiltInAdapterOptions { StateDirectory = Path.GetTempPath() });

    private static List<string> Errors(string settings)
    {
        var yaml = $$"""
            version: 1
            credentials:
              - token_name: APP_DATABASE_URL
                vendor:
                  kind: postgres-role
                  settings: {{settings}}
                env: prod
            consumers:
              - consumer_id: vault
                token_name: APP_DATABASE_URL
                kind: dotenv-file
                settings: { path: /tmp/x.env, key: APP_DATABASE_URL }
            """;
        var loaded = ManifestLoader.LoadFromText(yaml, "velvet.yaml", Catalog.Kinds);
        if (!loaded.IsValid) return loaded.Errors.Select(e => e.ToString()).ToList();
        return new CredentialBindings(loaded.Manifest!, Catalog).Check("prod").Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void Valid_alternating_settings_build()
    {
        Assert.Empty(Errors("{ mode: alternating, role: app, login_roles: \"app_blue,app_green\", admin_url_env: PG_ADMIN_URL, url_template: \"postgres://db.example.com:5432/app?sslmode=require\", provider: rds }"));
    }

    [Theory]
    [InlineData("{ role: app, mode: blue_green }", "setting mode must be in_place or alternating; got 'blue_green'")]
    [InlineData("{ role: app, login_roles: \"a,b\" }", "setting login_roles applies to mode alternating only")]
    [InlineData("{ role: app, mode: alternating, login_roles: \"a\" }", "setting login_roles must name exactly two login roles")]
    [InlineData("{ role: \"app-1\" }", "role 'app-1' is not a role name Velvet manages")]
    [InlineData("{ role: app, url_template: \"postgres://u:hunter22@db/app\" }", "setting url_template contains a password; remove it")]
    [InlineData("{ role: app, url_template: \"postgres://owner@db/app\" }", "setting url_template names user owner; remove it")]
    [InlineData("{ role: app, admin_url_env: \"postgres://root:pw@db/app\" }", "setting admin_url_env must name an environment variable")]
    [InlineData("{ role: app, admin_url_env: A, admin_url_secret: B }", "set admin_url_env or admin_url_secret, not both")]
    [InlineData("{ role: app, provider: azure }", "setting provider 'azure' is not one of auto, heroku, rds, generic")]
    public void Bad_settings_are_reported_with_file_line_and_what_to_do(string settings, string expected)
    {
        var error = Assert.Single(Errors(settings));
        Assert.StartsWith("velvet.yaml:3:1: credential APP_DATABASE_URL (vendor postgres-role): ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_missing_settings_are_caught_by_the_loader_at_their_line()
    {
        Assert.Contains(Errors("{ role: app, rol: x }"), e => e.StartsWith("velvet.yaml:6:", StringComparison.Ordinal) && e.Contains("setting rol is not accepted by kind postgres-role", StringComparison.Ordinal));
        Assert.Contains(Errors("{ mode: in_place }"), e => e.Contains("kind postgres-role needs setting role", StringComparison.Ordinal));
    }

    [Fact]
    public void The_catalog_lists_the_kind_with_its_settings()
    {
        var kind = Catalog.Kinds.Single(k => k.Name == PostgresRoleVendor.KindName);
        Assert.Equal(["role"], kind.RequiredSettings);
        Assert.Equal(["mode", "login_roles", "admin_url_env", "admin_url_secret", "url_template", "provider"], kind.OptionalSettings);
    }

    [Fact]
    public void The_documented_example_manifest_loads_and_builds()
    {
        var path = Path.Combine(RepoRoot(), "docs", "db", "roles.example.yaml");
        var loaded = ManifestLoader.Load(path, Catalog.Kinds);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        Assert.Empty(new CredentialBindings(loaded.Manifest!, Catalog).Check("prod"));
    }

    private static string RepoRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Velvet.slnx"))) root = root.Parent;
        return root!.FullName;
    }

    [Fact]
    public void The_manifest_schema_lists_exactly_the_settings_and_values_the_kind_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "docs", "manifest.schema.json")));
        var defs = schema.RootElement.GetProperty("$defs");
        var settings = defs.GetProperty("postgresRoleSettings");
        var kind = Catalog.Kinds.Single(k => k.Name == PostgresRoleVendor.KindName);

        Assert.Equal(kind.RequiredSettings.Concat(kind.OptionalSettings).Order(), settings.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(kind.RequiredSettings, settings.GetProperty("required").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["in_place", "alternating"], Enum(settings, "mode"));
        Assert.Equal(["auto", "heroku", "rds", "generic"], Enum(settings, "provider"));
        foreach (var value in Enum(settings, "provider")) Velvet.Database.Roles.ManagedServiceErrors.ParseProvider(value);
        foreach (var value in Enum(settings, "mode")) Assert.NotNull(Velvet.Database.Roles.RoleLayout.ParseMode(value));
        // The vendor definition applies these settings to kind postgres-role.
        var rule = Assert.Single(defs.GetProperty("vendor").GetProperty("allOf").EnumerateArray(),
            r => r.GetProperty("if").GetProperty("properties").GetProperty("kind").GetProperty("const").GetString() == PostgresRoleVendor.KindName);
        Assert.Equal("#/$defs/postgresRoleSettings", rule.GetProperty("then").GetProperty("properties").GetProperty("settings").GetProperty("$ref").GetString());
    }

    private static List<string> Enum(JsonElement settings, string name) =>
        settings.GetProperty("properties").GetProperty(name).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList();
}
