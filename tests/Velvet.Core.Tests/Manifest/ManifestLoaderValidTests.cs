using Velvet.Core.Manifest;

namespace Velvet.Core.Tests.Manifest;

public class ManifestLoaderValidTests
{
    [Fact]
    public void Valid_manifest_round_trips_every_field()
    {
        var result = TestKinds.Load("""
            version: 1
            credentials:
              - token_name: DEMO_API_TOKEN
                description: "Demo token"
                vendor: { kind: generated, settings: { length: 40, alphabet: alnum } }
                mode: operator_manual
                env: demo
                active: false
                canonical_consumer: app-dotenv
                schedule: { cron: "0 3 1 * *" }
                auto_advance: [verify, mint]
                runbook_url: https://docs.example.com/demo
                related_to: [OTHER_TOKEN]
              - token_name: OTHER_TOKEN
                vendor: { kind: generated }
                mode: manual_only
                env: demo
                runbook_url: https://docs.example.com/other
                schedule: { every: 12h }
            consumers:
              - consumer_id: app-dotenv
                token_name: DEMO_API_TOKEN
                kind: dotenv-file
                env: staging
                active: false
                capabilities: [update, healthcheck, update_no_verify]
                settings: { path: ./app.env, key: API_TOKEN }
              - consumer_id: partner
                token_name: DEMO_API_TOKEN
                kind: http
                settings: { body_field: token }
                update_endpoint: https://partner.example.com/creds
                update_method: PATCH
                update_auth_token_name: OTHER_TOKEN
                healthcheck_endpoint: https://partner.example.com/health
                healthcheck_success_status: 204
            """);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        var manifest = result.Manifest!;
        Assert.Equal(1, manifest.Version);
        Assert.Equal(TestKinds.File, manifest.SourcePath);
        var demo = manifest.FindCredential("DEMO_API_TOKEN")!;
        Assert.Equal("Demo token", demo.Description);
        Assert.Equal("generated", demo.Vendor.Kind);
        Assert.Equal("40", demo.Vendor.Setting("length"));
        Assert.Equal("alnum", demo.Vendor.Setting("alphabet"));
        Assert.Equal(RotationMode.OperatorManual, demo.Mode);
        Assert.Equal("demo", demo.Env);
        Assert.False(demo.Active);
        Assert.Equal("app-dotenv", demo.CanonicalConsumer);
        Assert.Equal("0 3 1 * *", demo.Schedule!.Cron);
        Assert.Null(demo.Schedule.Every);
        Assert.Equal(["verify", "mint"], demo.AutoAdvance);
        Assert.Equal("https://docs.example.com/demo", demo.RunbookUrl);
        Assert.Equal(["OTHER_TOKEN"], demo.RelatedTo);
        Assert.Equal(3, demo.Line);
        var other = manifest.FindCredential("OTHER_TOKEN")!;
        Assert.Equal(RotationMode.ManualOnly, other.Mode);
        Assert.Equal("12h", other.Schedule!.Every);

        var dotenv = manifest.Consumers[0];
        Assert.Equal("app-dotenv", dotenv.ConsumerId);
        Assert.Equal("DEMO_API_TOKEN", dotenv.TokenName);
        Assert.Equal("dotenv-file", dotenv.Kind);
        Assert.Equal("staging", dotenv.Env);
        Assert.False(dotenv.Active);
        Assert.Equal(["update", "healthcheck", "update_no_verify"], dotenv.Capabilities);
        Assert.Equal("./app.env", dotenv.Setting("path"));
        Assert.Equal("API_TOKEN", dotenv.Setting("key"));
        Assert.Equal(21, dotenv.Line);
        var partner = manifest.Consumers[1];
        Assert.Equal("demo", partner.Env);
        Assert.Equal("https://partner.example.com/creds", partner.UpdateEndpoint);
        Assert.Equal("PATCH", partner.UpdateMethod);
        Assert.Equal("OTHER_TOKEN", partner.UpdateAuthTokenName);
        Assert.Equal("https://partner.example.com/health", partner.HealthcheckEndpoint);
        Assert.Equal(204, partner.HealthcheckSuccessStatus);
        Assert.Equal([partner], manifest.ConsumersOf("DEMO_API_TOKEN", "demo"));
    }

    [Fact]
    public void Omitted_optional_fields_take_their_defaults_and_consumer_env_is_the_credentials()
    {
        var result = TestKinds.Load("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: app-dotenv
                token_name: DEMO_API_TOKEN
                kind: dotenv-file
                settings: { path: ./app.env, key: API_TOKEN }
            """);

        Assert.Empty(result.Errors);
        var credential = result.Manifest!.Credentials.Single();
        Assert.Equal(1, result.Manifest.Version);
        Assert.Equal(RotationMode.Automatic, credential.Mode);
        Assert.True(credential.Active);
        Assert.Null(credential.Schedule);
        Assert.Empty(credential.AutoAdvance);
        Assert.Empty(credential.RelatedTo);
        Assert.Empty(credential.Vendor.Settings);
        var consumer = result.Manifest.Consumers.Single();
        Assert.Equal("demo", consumer.Env);
        Assert.True(consumer.Active);
        Assert.Equal(["update"], consumer.Capabilities);
        Assert.Null(consumer.HealthcheckSuccessStatus);
    }

    [Fact]
    public void Setting_values_of_any_yaml_type_keep_their_text()
    {
        var result = TestKinds.Load("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated, settings: { length: 40, alphabet: true, state_dir: "007" } }
                env: demo
            """);

        var settings = result.Manifest!.Credentials.Single().Vendor.Settings;
        Assert.Equal("40", settings["length"]);
        Assert.Equal("true", settings["alphabet"]);
        Assert.Equal("007", settings["state_dir"]);
    }

    [Fact]
    public void Same_consumer_id_in_another_env_is_allowed()
    {
        var result = TestKinds.Load("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: app
                token_name: DEMO_API_TOKEN
                kind: http
              - consumer_id: app
                token_name: DEMO_API_TOKEN
                kind: http
                env: staging
            """);

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("30d")]
    [InlineData("12h")]
    [InlineData("90m")]
    public void Every_accepts_days_hours_and_minutes(string every)
    {
        var result = TestKinds.Load($$"""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                schedule: { every: {{every}} }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(every, result.Manifest!.Credentials.Single().Schedule!.Every);
    }

    [Fact]
    public void Load_reads_the_file_and_names_it_as_given()
    {
        var dir = Directory.CreateTempSubdirectory("velvet-manifest-");
        try
        {
            var path = Path.Combine(dir.FullName, "velvet.yaml");
            File.WriteAllText(path, "credentials:\n  - token_name: A\n    vendor: { kind: generated }\n    env: demo\n    mode: auto\n");

            var result = ManifestLoader.Load(path, TestKinds.All);

            var error = Assert.Single(result.Errors);
            Assert.Equal(path, error.File);
            Assert.Equal($"{path}:5:11: credential A: unknown mode \"auto\" — fix: use one of: automatic, operator_manual, manual_only", error.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_of_a_missing_file_is_an_error_naming_the_path()
    {
        var result = ManifestLoader.Load("no/such/velvet.yaml", TestKinds.All);

        Assert.Null(result.Manifest);
        Assert.Equal(
            "no/such/velvet.yaml:1:1: cannot read the manifest: the file does not exist — fix: check the path, or create the file from examples/velvet.example.yaml",
            Assert.Single(result.Errors).ToString());
    }
}
