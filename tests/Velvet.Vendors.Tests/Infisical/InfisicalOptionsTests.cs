using Velvet.Vendors.Infisical;

namespace Velvet.Vendors.Tests.Infisical;

public sealed class InfisicalOptionsTests
{
    private static readonly FakeInfisical Unstarted = new();

    private static Dictionary<string, string> Settings() => new(new InfisicalTestBed(Unstarted).Spec().Settings);

    private static InfisicalOptions Options(Dictionary<string, string> settings) =>
        InfisicalOptions.FromSpec(new InfisicalTestBed(Unstarted).Spec() with { Settings = settings });

    [Theory]
    [InlineData("project_id", null, "setting project_id is required; give the project's id")]
    [InlineData("environment", "Production", "setting environment 'Production' is not an environment slug (lower-case letters, digits, '-' and '_', e.g. prod); use the slug, not the display name")]
    [InlineData("secret_path", "app/api", "setting secret_path 'app/api' must start with '/', e.g. secret_path: /app/api")]
    [InlineData("secret_path", "/app/my folder", "setting secret_path has the folder name 'my folder'; Infisical folder names use letters, digits, '-' and '_'")]
    [InlineData("secret_name", "MY KEY", "setting secret_name 'MY KEY' is not an Infisical secret key")]
    [InlineData("client_secret_name", null, "setting client_secret_name is required; give the credential holding the machine identity's Universal Auth client secret")]
    [InlineData("api_version", "v2", "setting api_version must be v3 (raw secrets API, the default) or v4; got 'v2'")]
    [InlineData("api_url", "ftp://vault.example.com", "setting api_url must be an absolute https:// URL, e.g. https://us.infisical.com/")]
    [InlineData("current_value_source", "yes", "setting current_value_source must be \"true\" or \"false\"; got 'yes'")]
    public void Bad_settings_name_the_consumer_line_setting_and_fix(string key, string? value, string message)
    {
        var settings = Settings();
        if (value is null) settings.Remove(key);
        else settings[key] = value;

        var ex = Assert.Throws<AdapterSettingsException>(() => Options(settings));

        Assert.StartsWith($"consumer infisical-raptor-prod (line 44, kind infisical-secret): {message}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_the_root_path_v3_and_us_cloud()
    {
        var settings = Settings();
        settings.Remove("secret_path");
        settings.Remove("api_url");

        var options = Options(settings);

        Assert.Equal(("/", InfisicalApi.V3, new Uri("https://us.infisical.com/"), false), (options.SecretPath, options.Api, options.ApiUrl, options.CurrentValueSource));
        Assert.Empty(options.Folders());
        Assert.Equal("prod:/RAPTOR_APP_DATABASE_URL", options.Location);
    }

    [Fact]
    public void A_trailing_slash_is_dropped_and_folders_are_listed_from_the_root()
    {
        var settings = Settings();
        settings["secret_path"] = "/MooseQuest/heroku/";
        var options = Options(settings);
        Assert.Equal("/MooseQuest/heroku", options.SecretPath);
        Assert.Equal([("MooseQuest", "/"), ("heroku", "/MooseQuest")], options.Folders());
    }
}
