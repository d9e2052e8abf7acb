namespace Velvet.Core.Tests.Manifest;

/// <summary>Syntax, keys and value types: everything a single entry can get wrong on its own.</summary>
public class ManifestLoaderStructureTests
{
    private const string SyntaxFix = "correct the YAML at this position (indentation, a missing colon or an unclosed quote or bracket are the usual causes)";

    [Fact]
    public void Yaml_syntax_error_is_reported_at_the_parser_position()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: "DEMO_API_TOKEN
                env: demo
            """);

        Assert.Equal([$"2:17: YAML syntax error: While scanning a multi-line double-quoted scalar, found wrong indentation. — fix: {SyntaxFix}"], errors);
    }

    [Fact]
    public void Unclosed_flow_mapping_is_a_syntax_error_with_a_position_not_a_crash()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated
                env: demo
            """);

        Assert.Equal([$"3:19: YAML syntax error: the YAML cannot be read past this point — fix: {SyntaxFix}"], errors);
    }

    [Fact]
    public void Duplicate_yaml_key_is_reported_as_a_duplicate_key()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                env: demo
                env: prod
            """);

        Assert.Equal(["4:5: duplicate key \"env\" — fix: keep only one of the two entries with this key in this mapping"], errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing yet\n")]
    [InlineData("~\n")]
    public void Empty_file_is_an_error(string yaml)
    {
        Assert.Equal(["1:1: the manifest is empty — fix: add version: 1 and a credentials: list (see docs/manifest.md)"], TestKinds.Errors(yaml));
    }

    [Theory]
    [InlineData("version: 1\n")]
    [InlineData("version: 1\ncredentials: []\n")]
    [InlineData("version: 1\ncredentials:\n")]
    public void Manifest_without_credentials_is_an_error(string yaml)
    {
        var error = Assert.Single(TestKinds.Errors(yaml));
        Assert.EndsWith(": manifest: no credentials — fix: add a credentials: list with at least one entry (token_name, vendor, env)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_level_that_is_not_a_mapping_is_reported()
    {
        Assert.Equal(
            ["1:1: the manifest must be a mapping with version, credentials and consumers — fix: start the file with version: 1 followed by credentials:"],
            TestKinds.Errors("- token_name: DEMO_API_TOKEN\n"));
    }

    [Fact]
    public void Unsupported_version_is_reported()
    {
        var errors = TestKinds.Errors("""
            version: 2
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            """);

        Assert.Equal(["1:10: manifest: version must be 1, not \"2\" — fix: set version: 1 (the only manifest version this Velvet reads)"], errors);
    }

    [Fact]
    public void Unknown_key_suggests_the_closest_known_key()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_idd: app-dotenv
                token_name: DEMO_API_TOKEN
                kind: http
            """);

        Assert.Equal(
            [
                "6:5: consumer #1: unknown key \"consumer_idd\" — fix: did you mean consumer_id?",
                "6:5: consumer #1: missing required key consumer_id — fix: add consumer_id: ID, unique among the consumers of this credential in this env",
            ],
            errors);
    }

    [Fact]
    public void Unknown_key_with_no_close_match_lists_the_known_keys()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            owners: [platform]
            """);

        Assert.Equal(["5:1: manifest: unknown key \"owners\" — fix: remove it; the keys here are: version, credentials, consumers, notifications"], errors);
    }

    [Fact]
    public void Unknown_keys_in_vendor_and_schedule_are_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated, setings: { length: 40 } }
                env: demo
                schedule: { evry: 30d }
            """);

        Assert.Equal(
            [
                "3:32: credential DEMO_API_TOKEN vendor: unknown key \"setings\" — fix: did you mean settings?",
                "5:15: credential DEMO_API_TOKEN: schedule needs cron or every — fix: write schedule: { cron: \"0 3 1 * *\" } or schedule: { every: 30d }",
                "5:17: credential DEMO_API_TOKEN schedule: unknown key \"evry\" — fix: did you mean every?",
            ],
            errors);
    }

    [Fact]
    public void Missing_required_credential_keys_are_each_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - description: "no name, no vendor, no env"
            """);

        Assert.Equal(
            [
                "2:5: credential #1: missing required key token_name — fix: add token_name: NAME, the credential's name (e.g. DEMO_API_TOKEN)",
                "2:5: credential #1: missing required key vendor — fix: add vendor: { kind: KIND } with one of: generated",
                "2:5: credential #1: missing required key env — fix: add env: NAME, the environment the credential belongs to (e.g. prod or staging)",
            ],
            errors);
    }

    [Fact]
    public void Missing_vendor_kind_is_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { settings: { length: 40 } }
                env: demo
            """);

        Assert.Equal(["3:13: credential DEMO_API_TOKEN vendor: missing required key kind — fix: add kind: with one of: generated"], errors);
    }

    [Fact]
    public void Empty_required_value_is_reported_at_its_key()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env:
            """);

        Assert.Equal(["4:5: credential DEMO_API_TOKEN: env is empty — fix: add env: NAME, the environment the credential belongs to (e.g. prod or staging)"], errors);
    }

    [Fact]
    public void Missing_required_consumer_keys_are_each_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - env: demo
            """);

        Assert.Equal(
            [
                "6:5: consumer #1: missing required key consumer_id — fix: add consumer_id: ID, unique among the consumers of this credential in this env",
                "6:5: consumer #1: missing required key token_name — fix: add token_name: NAME of the credential this consumer holds",
                "6:5: consumer #1: missing required key kind — fix: add kind: with one of: dotenv-file, http",
            ],
            errors);
    }

    [Theory]
    [InlineData("yes", "\"yes\"")]
    [InlineData("\"true\"", "\"true\"")]
    [InlineData("[true]", "a list")]
    public void Active_that_is_not_a_plain_bool_is_reported(string active, string shown)
    {
        var errors = TestKinds.Errors($"""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: {"{"} kind: generated {"}"}
                env: demo
                active: {active}
            """);

        Assert.Equal([$"5:13: credential DEMO_API_TOKEN: active must be true or false, not {shown} — fix: write active: true or active: false"], errors);
    }

    [Fact]
    public void Text_field_given_a_list_is_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: [demo, prod]
            """);

        Assert.Equal(["4:10: credential DEMO_API_TOKEN: env must be a single value, not a list — fix: give env one value, e.g. env: text"], errors);
    }

    [Theory]
    [InlineData("600", "\"600\"")]
    [InlineData("99", "\"99\"")]
    [InlineData("ok", "\"ok\"")]
    [InlineData("\"200\"", "\"200\"")]
    public void Healthcheck_success_status_must_be_a_whole_number_from_100_to_599(string status, string shown)
    {
        var errors = TestKinds.Errors($"""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: {"{"} kind: generated {"}"}
                env: demo
            consumers:
              - consumer_id: partner
                token_name: DEMO_API_TOKEN
                kind: http
                healthcheck_success_status: {status}
            """);

        Assert.Equal(
            [$"9:33: consumer partner: healthcheck_success_status must be an HTTP status from 100 to 599, not {shown} — fix: use the status a healthy consumer answers with, e.g. 200 or 204"],
            errors);
    }

    [Fact]
    public void Unknown_mode_is_reported_with_a_suggestion()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                mode: operator-manual
            """);

        Assert.Equal(["5:11: credential DEMO_API_TOKEN: unknown mode \"operator-manual\" — fix: did you mean operator_manual?"], errors);
    }

    [Fact]
    public void Manual_only_without_runbook_url_is_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                mode: manual_only
            """);

        Assert.Equal(["5:5: credential DEMO_API_TOKEN: mode manual_only needs a runbook_url — fix: add runbook_url: the page a person follows to rotate this credential by hand"], errors);
    }

    [Fact]
    public void Auto_advance_values_outside_verify_mint_revoke_are_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                auto_advance: [verify, distribute, revok]
            """);

        Assert.Equal(
            [
                "5:28: credential DEMO_API_TOKEN: unknown auto_advance value \"distribute\" — fix: use one of: verify, mint, revoke",
                "5:40: credential DEMO_API_TOKEN: unknown auto_advance value \"revok\" — fix: did you mean revoke?",
            ],
            errors);
    }

    [Fact]
    public void Capabilities_without_update_are_reported()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: partner
                token_name: DEMO_API_TOKEN
                kind: http
                capabilities: [healthcheck]
            """);

        Assert.Equal(["9:19: consumer partner: capabilities must include update — fix: add update to capabilities: every consumer receives the new value"], errors);
    }

    [Fact]
    public void Unknown_capability_is_reported_with_a_suggestion()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: partner
                token_name: DEMO_API_TOKEN
                kind: http
                capabilities: [update, helthcheck]
            """);

        Assert.Equal(["9:28: consumer partner: unknown capabilities value \"helthcheck\" — fix: did you mean healthcheck?"], errors);
    }

    [Fact]
    public void Unknown_update_method_suggests_the_uppercase_one()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: partner
                token_name: DEMO_API_TOKEN
                kind: http
                update_method: put
            """);

        Assert.Equal(["9:20: consumer partner: unknown update_method \"put\" — fix: did you mean PUT?"], errors);
    }
}
