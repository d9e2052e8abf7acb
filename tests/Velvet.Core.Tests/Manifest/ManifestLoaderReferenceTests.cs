namespace Velvet.Core.Tests.Manifest;

/// <summary>Rules that span entries: uniqueness and names that point at other entries.</summary>
public class ManifestLoaderReferenceTests
{
    [Fact]
    public void Duplicate_token_name_is_reported_with_the_first_line()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: prod
            """);

        Assert.Equal(["5:17: credential DEMO_API_TOKEN: duplicate token_name, first defined at line 2 — fix: rename one of them or merge the two entries"], errors);
    }

    [Fact]
    public void Duplicate_consumer_id_within_token_and_env_is_reported_with_both_lines()
    {
        var errors = TestKinds.Errors("""
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
                env: demo
            """);

        Assert.Equal(["9:18: consumer app: duplicate consumer_id for DEMO_API_TOKEN in env demo, first defined at line 6 — fix: give each consumer of a credential in one env its own consumer_id"], errors);
    }

    [Fact]
    public void Consumer_of_an_unknown_credential_is_reported_with_a_suggestion()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
            consumers:
              - consumer_id: app
                token_name: DEMO_API_TOKN
                kind: http
              - consumer_id: other
                token_name: NOT_THERE
                kind: http
            """);

        Assert.Equal(
            [
                "7:17: consumer app: token_name DEMO_API_TOKN is not a credential in this manifest — fix: did you mean DEMO_API_TOKEN?",
                "10:17: consumer other: token_name NOT_THERE is not a credential in this manifest — fix: add a credential with token_name: NOT_THERE, or correct the name",
            ],
            errors);
    }

    [Fact]
    public void Update_auth_token_name_must_name_a_credential()
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
                update_auth_token_name: PARTNER_ADMIN
            """);

        Assert.Equal(["9:29: consumer partner: update_auth_token_name PARTNER_ADMIN is not a credential in this manifest — fix: add a credential with token_name: PARTNER_ADMIN, so Velvet can read it for the update call"], errors);
    }

    [Fact]
    public void Related_to_must_name_existing_credentials()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: APP_ROLE_A
                vendor: { kind: generated }
                env: demo
                related_to: [APP_ROLE_B, APP_ROLE_C]
              - token_name: APP_ROLE_B
                vendor: { kind: generated }
                env: demo
            """);

        Assert.Equal(["5:30: credential APP_ROLE_A: related_to APP_ROLE_C is not a credential in this manifest — fix: did you mean APP_ROLE_A?"], errors);
    }

    [Fact]
    public void Canonical_consumer_must_be_a_consumer_of_that_credential()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                canonical_consumer: other-dotenv
              - token_name: OTHER_TOKEN
                vendor: { kind: generated }
                env: demo
                canonical_consumer: vault
            consumers:
              - consumer_id: app-dotenv
                token_name: DEMO_API_TOKEN
                kind: dotenv-file
                settings: { path: ./app.env, key: API_TOKEN }
              - consumer_id: other-dotenv
                token_name: OTHER_TOKEN
                kind: dotenv-file
                settings: { path: ./app.env, key: OTHER_TOKEN }
            """);

        Assert.Equal(
            [
                "5:25: credential DEMO_API_TOKEN: canonical_consumer other-dotenv is not a consumer of this credential — fix: use the consumer_id of one of its consumers: app-dotenv",
                "9:25: credential OTHER_TOKEN: canonical_consumer vault is not a consumer of this credential — fix: use the consumer_id of one of its consumers: other-dotenv",
            ],
            errors);
    }

    [Fact]
    public void Canonical_consumer_of_a_credential_without_consumers_says_to_add_one()
    {
        var errors = TestKinds.Errors("""
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                canonical_consumer: vault
            """);

        Assert.Equal(["5:25: credential DEMO_API_TOKEN: canonical_consumer vault is not a consumer of this credential — fix: add a consumer with consumer_id: vault and token_name: DEMO_API_TOKEN"], errors);
    }
}
