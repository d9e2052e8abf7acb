namespace Velvet.Core.Tests.Manifest;

public class ManifestLoaderAllErrorsTests
{
    [Fact]
    public void Several_errors_are_all_reported_in_one_load_in_file_order()
    {
        var result = TestKinds.Load("""
            version: 1
            credentials:
              - token_name: DEMO_API_TOKEN
                vendor: { kind: generated }
                env: demo
                mode: manual_only
                auto_advance: [verify, deploy]
              - token_name: OTHER_TOKEN
                vendor: { kind: generated }
                env: demo
                schedule: { every: monthly }
            consumers:
              - consumer_id: app
                token_name: DEMO_API_TOKEN
                kind: http
                capabilities: [healthcheck]
                update_endpoint: http://partner.example.com/creds
                healthcheck_success_status: 700
                activ: true
              - consumer_id: app
                token_name: DEMO_API_TOKEN
                kind: http
            """);

        Assert.Null(result.Manifest);
        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "velvet.yaml:6:5: credential DEMO_API_TOKEN: mode manual_only needs a runbook_url — fix: add runbook_url: the page a person follows to rotate this credential by hand",
                "velvet.yaml:7:28: credential DEMO_API_TOKEN: unknown auto_advance value \"deploy\" — fix: use one of: verify, mint, revoke",
                "velvet.yaml:11:24: credential OTHER_TOKEN: schedule every \"monthly\" is not a period — fix: write a whole number followed by d, h or m, e.g. 30d, 12h or 90m",
                "velvet.yaml:16:19: consumer app: capabilities must include update — fix: add update to capabilities: every consumer receives the new value",
                "velvet.yaml:17:22: consumer app: update_endpoint \"http://partner.example.com/creds\" uses plain http to partner.example.com — fix: use https:// (plain http is accepted only for localhost, 127.0.0.0/8 and ::1)",
                "velvet.yaml:18:33: consumer app: healthcheck_success_status must be an HTTP status from 100 to 599, not \"700\" — fix: use the status a healthy consumer answers with, e.g. 200 or 204",
                "velvet.yaml:19:5: consumer app: unknown key \"activ\" — fix: did you mean active?",
                "velvet.yaml:20:18: consumer app: duplicate consumer_id for DEMO_API_TOKEN in env demo, first defined at line 13 — fix: give each consumer of a credential in one env its own consumer_id",
            ],
            result.Errors.Select(e => e.ToString()));
    }
}
