using Velvet.Core.Manifest;

namespace Velvet.Core.Tests.Manifest;

/// <summary>check: and fallback: blocks: read as written, every mistake reported at its line with a fix.</summary>
public class ManifestLoaderLifecycleTests
{
    private static string Yaml(string credentialCheck = "", string vaultExtra = "", string canonical = "vault") => $"""
        credentials:
          - token_name: T
            vendor: {"{"} kind: generated {"}"}
            env: prod
            canonical_consumer: {canonical}
        {credentialCheck}
        consumers:
          - consumer_id: vault
            token_name: T
            kind: dotenv-file
            settings: {"{"} path: /tmp/v.env, key: T {"}"}
        {vaultExtra}
          - consumer_id: ssm
            token_name: T
            kind: dotenv-file
            settings: {"{"} path: /tmp/s.env, key: T {"}"}
        """;

    [Fact]
    public void A_check_and_a_fallback_load_as_written()
    {
        var result = TestKinds.Load(Yaml(
            "    check: { argv: [scripts/smoke.sh, --env=prod], timeout: 5m, value_stdin: true }",
            "    check: { argv: [alembic, current], value_env: DATABASE_URL }\n    fallback: { consumer: ssm, on: [access_denied] }"));
        Assert.Empty(result.Errors);
        var credential = result.Manifest!.Credentials[0];
        Assert.Equal(["scripts/smoke.sh", "--env=prod"], credential.Check!.Argv);
        Assert.Equal((TimeSpan.FromMinutes(5), true, (string?)null), (credential.Check.Timeout, credential.Check.ValueStdin, credential.Check.ValueEnv));
        var vault = result.Manifest.Consumers[0];
        Assert.Equal((CommandCheckSpec.DefaultTimeout, "DATABASE_URL"), (vault.Check!.Timeout, vault.Check.ValueEnv));
        Assert.Equal("ssm", vault.Fallback!.ConsumerId);
        Assert.Equal(["access_denied"], vault.Fallback.On);
        // The standby store gets no row of its own.
        Assert.Equal(["vault"], result.Manifest.FanOutConsumersOf("T", "prod").Select(c => c.ConsumerId));
    }

    [Fact]
    public void Every_check_mistake_is_reported_at_its_line()
    {
        var errors = TestKinds.Errors(Yaml(
            "    check: { argv: [], timeout: 2 days, value_env: 1BAD, shell: true }",
            "    check: { timeout: 90m, value_env: VELVET_X }\n    fallback: { consumer: ssm }"));
        Assert.Contains(errors, e => e.StartsWith("6:58: credential T check: unknown key \"shell\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("6:14: credential T: check argv is empty — fix: name the program first", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("6:33: credential T: check timeout \"2 days\" is not a duration up to 60m", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("6:52: credential T: check value_env \"1BAD\" is not an environment variable name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("12:12: consumer vault: check needs argv", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("consumer vault: check timeout \"90m\" is not a duration up to 60m", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("consumer vault: check value_env \"VELVET_X\" uses the VELVET_ prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_value_env_and_value_stdin_is_refused() =>
        Assert.Contains(TestKinds.Errors(Yaml("    check: { argv: [x], value_env: A, value_stdin: true }")),
            e => e.Contains("credential T: check has both value_env and value_stdin — fix: pass the new value one way", StringComparison.Ordinal));

    [Fact]
    public void A_fallback_must_be_on_the_canonical_store_and_name_a_sibling()
    {
        var errors = TestKinds.Errors(Yaml(vaultExtra: "    fallback: { consumer: ssn, on: [sometimes] }", canonical: "ssm"));
        Assert.Contains(errors, e => e.StartsWith("12:15: consumer vault: fallback is only for the canonical store, and T's canonical_consumer is ssm", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("12:15: consumer vault: fallback consumer ssn is not another consumer of T in env prod", StringComparison.Ordinal) && e.Contains("ssm", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("consumer vault fallback: unknown on value \"sometimes\"", StringComparison.Ordinal));
    }
}
