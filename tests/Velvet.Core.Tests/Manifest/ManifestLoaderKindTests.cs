namespace Velvet.Core.Tests.Manifest;

/// <summary>Vendor and consumer kinds come from the adapter catalog, and so do the settings each accepts.</summary>
public class ManifestLoaderKindTests
{
    [Fact]
    public void Unknown_vendor_kind_lists_the_known_vendor_kinds()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: heroku }
                env: demo
            """);

        Assert.Equal(["3:21: credential DEMO_API_TOKEN vendor: unknown vendor kind \"heroku\" — fix: use one of the known vendor kinds: generated"], errors);
    }

    [Fact]
    public void Misspelt_consumer_kind_suggests_the_closest_and_lists_the_known_ones()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: app
                token_name: DEMO_API_TOKEN
                kind: dotenv_file
            """);

        Assert.Equal(["8:11: consumer app: unknown consumer kind \"dotenv_file\" — fix: did you mean dotenv-file? Known consumer kinds: dotenv-file, http"], errors);
    }

    [Fact]
    public void Consumer_kind_used_as_a_vendor_is_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: http }
                env: demo
            """);

        Assert.Equal(["3:21: credential DEMO_API_TOKEN vendor: http is a consumer kind, not a vendor kind — fix: use one of the known vendor kinds: generated"], errors);
    }

    [Fact]
    public void Setting_not_accepted_by_the_kind_is_reported_with_a_suggestion()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated, settings: { lenght: 40, colour: blue } }
                env: demo
            """);

        Assert.Equal(
            [
                "3:44: credential DEMO_API_TOKEN vendor: setting lenght is not accepted by kind generated — fix: did you mean length?",
                "3:56: credential DEMO_API_TOKEN vendor: setting colour is not accepted by kind generated — fix: remove it; generated accepts length, alphabet, state_dir",
            ],
            errors);
    }

    [Fact]
    public void Missing_required_setting_is_reported_at_settings()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: app-dotenv
                token_name: DEMO_API_TOKEN
                kind: dotenv-file
                settings:
                  path: ./app.env
            """);

        Assert.Equal(["9:5: consumer app-dotenv: kind dotenv-file needs setting key — fix: add key: VALUE under settings:"], errors);
    }

    [Fact]
    public void Setting_that_is_not_a_single_value_is_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated, settings: { alphabet: [a, b] } }
                env: demo
            """);

        Assert.Equal(["3:54: credential DEMO_API_TOKEN vendor: setting alphabet must be a single value, not a list — fix: give alphabet one value, e.g. alphabet: \"text\""], errors);
    }
}
