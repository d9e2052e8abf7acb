using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Infisical.InfisicalTestBed;

namespace Velvet.Vendors.Tests.Infisical;

public sealed class InfisicalSecretConsumerTests(FakeInfisical infisical) : IClassFixture<FakeInfisical>
{
    private string Url(string path) => $"{infisical.BaseAddress}{path}";

    [Fact]
    public async Task First_write_to_a_missing_path_creates_each_folder_from_the_root_then_the_secret()
    {
        var bed = new InfisicalTestBed(infisical);

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal($"POST {Url("api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL")}: 200 created after created folder(s) /MooseQuest, /MooseQuest/raxx, /MooseQuest/raxx/prod; " +
            $"prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL set to {Value.Fingerprint}", outcome.Message);
        var calls = bed.ProjectRequests.Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.Equal(
        [
            "PATCH /api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL",
            "POST /api/v1/folders", "POST /api/v1/folders", "POST /api/v1/folders",
            "POST /api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL",
        ], calls);
        var folders = bed.ProjectRequests.Where(r => r.Path == "/api/v1/folders").Select(r => (r.Json.GetProperty("name").GetString(), r.Json.GetProperty("path").GetString())).ToList();
        Assert.Equal([("MooseQuest", "/"), ("raxx", "/MooseQuest"), ("prod", "/MooseQuest/raxx")], folders);
        var body = bed.ProjectRequests.Last().Json;
        Assert.Equal((bed.Project, "prod", "/MooseQuest/raxx/prod", "shared"),
            (body.GetProperty("workspaceId").GetString(), body.GetProperty("environment").GetString(), body.GetProperty("secretPath").GetString(), body.GetProperty("type").GetString()));
        Assert.Equal(new FakeInfisical.Secret(NewValue, 1), infisical.Get(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL"));
        AssertClean(outcome);
    }

    [Fact]
    public async Task Only_the_missing_folders_are_created_when_part_of_the_path_exists()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.AddFolder(bed.Project, "prod", "/Raxx");

        var outcome = await bed.Consumer(bed.Spec(path: "/Raxx/Console/Billing", name: "HEROKU_BILLING_API_KEY")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.Contains("after created folder(s) /Raxx/Console, /Raxx/Console/Billing;", outcome.Message, StringComparison.Ordinal);
        Assert.True(infisical.HasFolder(bed.Project, "prod", "/Raxx/Console/Billing"));
    }

    [Fact]
    public async Task Versions_that_answer_a_missing_folder_with_500_are_handled_the_same_way()
    {
        await using var fake = new FakeInfisical { FolderMissingStatus = 500 };
        await fake.InitializeAsync();
        var bed = new InfisicalTestBed(fake);

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.Equal(3, bed.ProjectRequests.Count(r => r.Path == "/api/v1/folders"));
        Assert.Equal(NewValue, fake.Get(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL")!.Value);
    }

    [Fact]
    public async Task A_missing_secret_in_an_existing_folder_is_created_without_touching_folders()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.AddFolder(bed.Project, "prod", "/app");

        var outcome = await bed.Consumer(bed.Spec(path: "/app")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal($"POST {Url("api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL")}: 200 created; prod:/app/RAPTOR_APP_DATABASE_URL set to {Value.Fingerprint}", outcome.Message);
        Assert.Equal(["PATCH", "POST"], bed.ProjectRequests.Select(r => r.Method));
    }

    [Fact]
    public async Task An_existing_secret_is_updated_with_one_patch_and_its_version_moves()
    {
        var bed = new InfisicalTestBed(infisical);
        const string old = "canary-INF-OLD-value-1c2d";
        infisical.Put(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL", old);

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal($"PATCH {Url("api/v3/secrets/raw/RAPTOR_APP_DATABASE_URL")}: 200 updated; prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL set to {Value.Fingerprint}", outcome.Message);
        Assert.Equal(new FakeInfisical.Secret(NewValue, 2), infisical.Get(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL"));
        Assert.Single(bed.ProjectRequests);
        AssertClean(outcome, old);
    }

    [Fact]
    public async Task A_secret_created_by_someone_else_between_patch_and_post_is_then_updated()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.AddFolder(bed.Project, "prod", "/app");
        infisical.Force("/api/v3/secrets/raw/RACE", new ForcedAnswer(404, Body: "{\"statusCode\":404,\"message\":\"Secret not found\"}"));
        infisical.Put(bed.Project, "prod", "/app", "RACE", "canary-other-writer");

        var outcome = await bed.Consumer(bed.Spec(path: "/app", name: "RACE")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.StartsWith($"PATCH {Url("api/v3/secrets/raw/RACE")}: 200 updated", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["PATCH", "POST", "PATCH"], infisical.Received.Where(r => r.Path == "/api/v3/secrets/raw/RACE").Select(r => r.Method));
        Assert.Equal(NewValue, infisical.Get(bed.Project, "prod", "/app", "RACE")!.Value);
    }

    [Fact]
    public async Task Folder_not_found_after_creating_the_folders_points_at_the_environment_slug()
    {
        var bed = new InfisicalTestBed(infisical);
        var folderMissing = new ForcedAnswer(400, Body: "{\"statusCode\":400,\"message\":\"Folder not found\",\"error\":\"BadRequest\"}");
        infisical.Force("/api/v3/secrets/raw/SLUG_CHECK", folderMissing, folderMissing);

        var outcome = await bed.Consumer(bed.Spec(path: "/app", name: "SLUG_CHECK")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 400), (outcome.Kind, outcome.HttpStatus));
        Assert.Equal("infisical-raptor-prod: Infisical still answers \"Folder not found\" for /app after creating it: the environment slug 'prod' is probably wrong " +
            "(Infisical reports a wrong slug the same way); use the slug (e.g. prod), not the display name", outcome.Message);
    }

    [Fact]
    public async Task An_unknown_environment_slug_fails_at_the_folder_with_a_permanent_404()
    {
        var bed = new InfisicalTestBed(infisical, environment: "production");

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 404), (outcome.Kind, outcome.HttpStatus));
        Assert.Contains($"404 not found: project {bed.Project}, environment production or path /MooseQuest/raxx/prod does not exist; check project_id, environment (the slug) and secret_path", outcome.Message, StringComparison.Ordinal);
        AssertClean(outcome);
    }

    [Fact]
    public async Task An_identity_without_a_project_role_is_a_permanent_403_fix_the_policy()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.AddIdentity(bed.ClientId, ClientSecret /* no projects */);

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 403), (outcome.Kind, outcome.HttpStatus));
        Assert.EndsWith($"403 forbidden: the machine identity (INFISICAL_CLIENT_ID) has no role in project {bed.Project} that may read and write secrets at prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL; " +
            "give it a project role (or a privilege) for that environment and path. Fix the policy, do not rotate", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_transient_with_retry_after_and_the_echoed_body_is_never_shown()
    {
        var bed = new InfisicalTestBed(infisical);
        infisical.Force("/api/v3/secrets/raw/LIMITED",
            new ForcedAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "12" }, $"{{\"message\":\"rate limited\",\"details\":{{\"secretValue\":\"{NewValue}\"}}}}"));

        var outcome = await bed.Consumer(bed.Spec(name: "LIMITED")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, 429, TimeSpan.FromSeconds(12)), (outcome.Kind, outcome.HttpStatus, outcome.RetryAfter));
        Assert.StartsWith($"PATCH {Url("api/v3/secrets/raw/LIMITED")}: 429 rate limited; retry after 12 s", outcome.Message, StringComparison.Ordinal);
        AssertClean(outcome);
    }

    [Fact]
    public async Task Validate_reads_back_and_compares_fingerprints_without_ever_showing_the_value()
    {
        var bed = new InfisicalTestBed(infisical);
        var consumer = bed.Consumer();
        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        var match = await consumer.ValidateAsync(bed.Ctx(Value.Fingerprint), TestContext.Current.CancellationToken);
        const string other = "canary-INF-someone-else-wrote-77f0";
        infisical.Put(bed.Project, "prod", "/MooseQuest/raxx/prod", "RAPTOR_APP_DATABASE_URL", other);
        var mismatch = await consumer.ValidateAsync(bed.Ctx(Value.Fingerprint), TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Succeeded, match.Kind);
        Assert.Equal($"prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL holds {Value.Fingerprint}", match.Message);
        Assert.Equal(OutcomeKind.Permanent, mismatch.Kind);
        Assert.StartsWith($"prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL holds a different value (fingerprint {Fingerprints.Sha256(other)}, expected {Value.Fingerprint})", mismatch.Message, StringComparison.Ordinal);
        AssertClean(match);
        AssertClean(mismatch, other);
        // What was read is a credential: the masker knows it, so anything printed later is scrubbed.
        Assert.DoesNotContain(other, bed.Masker.Scrub($"oops {other}"), StringComparison.Ordinal);
        var read = bed.ProjectRequests.Last(r => r.Method == "GET");
        Assert.Contains("workspaceId=" + bed.Project, read.Query, StringComparison.Ordinal);
        Assert.Contains("secretPath=%2FMooseQuest%2Fraxx%2Fprod", read.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_of_a_missing_secret_says_push_again_and_without_an_expected_fingerprint_asks_a_person()
    {
        var bed = new InfisicalTestBed(infisical);

        var missing = await bed.Consumer().ValidateAsync(bed.Ctx(Value.Fingerprint), TestContext.Current.CancellationToken);
        var unknown = await bed.Consumer().ValidateAsync(bed.Ctx(), TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, "prod:/MooseQuest/raxx/prod/RAPTOR_APP_DATABASE_URL has no value in Infisical; push again with retry_failed"), (missing.Kind, missing.Message));
        Assert.Equal(OutcomeKind.NeedsConfirm, unknown.Kind);
    }

    [Fact]
    public async Task The_v4_api_uses_project_id_v2_folders_and_asks_for_the_value()
    {
        var bed = new InfisicalTestBed(infisical);
        var consumer = bed.Consumer(bed.Spec(path: "/app/api", apiVersion: "v4"));

        var push = await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);
        var validate = await consumer.ValidateAsync(bed.Ctx(Value.Fingerprint), TestContext.Current.CancellationToken);

        Assert.True(push.IsSuccess, push.Message);
        Assert.True(validate.IsSuccess, validate.Message);
        Assert.Equal(
        [
            "PATCH /api/v4/secrets/RAPTOR_APP_DATABASE_URL", "POST /api/v2/folders", "POST /api/v2/folders",
            "POST /api/v4/secrets/RAPTOR_APP_DATABASE_URL", "GET /api/v4/secrets/RAPTOR_APP_DATABASE_URL",
        ], bed.ProjectRequests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal(bed.Project, bed.ProjectRequests[1].Json.GetProperty("projectId").GetString());
        Assert.Contains("viewSecretValue=true", bed.ProjectRequests[^1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_revocation_probe_needs_a_person()
    {
        var bed = new InfisicalTestBed(infisical);
        var outcome = await bed.Consumer().ProbeRejectedAsync(bed.Ctx(), TestContext.Current.CancellationToken);
        Assert.Equal(OutcomeKind.NeedsConfirm, outcome.Kind);
    }
}
