namespace Velvet.Engine.Tests.Support;

/// <summary>Manifest entries several engine tests share.</summary>
public static class ManifestSnippets
{
    /// <summary>The manual_only credential whose token writes Heroku config vars (update_auth_token_name), as a credentials: item.</summary>
    public const string HerokuBootstrap = """
          - token_name: HK_VELVET_BOOTSTRAP
            vendor: { kind: generated }
            mode: manual_only
            env: test
            runbook_url: https://runbooks.example/hk-velvet-bootstrap
        """;
}
