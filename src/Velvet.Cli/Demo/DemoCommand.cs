using System.CommandLine;
using Spectre.Console;
using Velvet.Cli.Commands;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors;
using Velvet.Vendors.Generated;
using Velvet.Vendors.Local;

namespace Velvet.Cli.Demo;

/// <summary>
/// `velvet demo`: a real rotation on a fresh machine with no setup. SQLite store, generated credential,
/// dotenv files and two local HTTP apps; every gate is answered by the demo and shown.
/// </summary>
internal static class DemoCommand
{
    private const string Credential = "DEMO_API_TOKEN";

    public static Command Build(CliIO io)
    {
        var dir = new Option<string>("--dir") { Description = "Working folder (wiped and recreated)", DefaultValueFactory = _ => ".velvet-demo" };
        var cmd = new Command("demo", "Run one full rotation end to end on local vendors (SQLite, dotenv files, local HTTP apps)") { dir };
        cmd.SetAction(async (parse, ct) =>
        {
            try { return await RunAsync(io, parse, Path.GetFullPath(parse.GetValue(dir)!), ct).ConfigureAwait(false); }
            catch (CliException ex)
            {
                io.Error(SecretMasker.Shared, ex.Message);
                return ex.ExitCode;
            }
        });
        return cmd;
    }

    private static async Task<int> RunAsync(CliIO io, ParseResult parse, string root, CancellationToken ct)
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        foreach (var sub in new[] { "vault", "apps/web", "apps/worker" }) Directory.CreateDirectory(Path.Combine(root, sub));
        var masker = SecretMasker.Shared;
        var console = io.Console(masker);
        var keyFile = Path.Combine(root, "master.key");
        SecretBox.CreateKeyFile(keyFile);
        var stateDir = Path.Combine(root, "vendor-state");
        var deployToken = new SecretValue(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        masker.Register(deployToken);
        var authority = new GeneratedCredentialAuthority(stateDir);

        await using var apps = await DemoConsumerServer.StartAsync(deployToken.Reveal(), v => authority.IsAccepted(Credential, v), ct).ConfigureAwait(false);
        var manifestPath = Path.Combine(root, "velvet.yaml");
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Examples", "demo.yaml"), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(manifestPath, template.Replace("__DIR__", root, StringComparison.Ordinal).Replace("__URL__", apps.BaseUrl, StringComparison.Ordinal), ct).ConfigureAwait(false);

        string? Env(string name) => name switch
        {
            "VELVET_MASTER_KEY" => null,
            "VELVET_MASTER_KEY_FILE" => keyFile,
            "APP_ENV" => "demo",
            "VELVET_STORE" => "sqlite:" + Path.Combine(root, "velvet.db"),
            "VELVET_MANIFEST" => manifestPath,
            "VELVET_STATE_DIR" => stateDir,
            _ => io.Environment(name),
        };
        var secrets = new DictionarySecretSource(masker);
        secrets.Set("DEMO_DEPLOY_TOKEN", deployToken);
        await using var rt = await VelvetRuntime.OpenAsync(parse, ct, secrets, Env).ConfigureAwait(false);

        console.Write(new Rule("[bold]Velvet demo[/]").LeftJustified());
        console.MarkupLine($"folder      {Markup.Escape(root)}");
        console.MarkupLine($"store       SQLite {Markup.Escape(Path.Combine(root, "velvet.db"))}");
        console.MarkupLine($"manifest    {Markup.Escape(manifestPath)}");
        console.MarkupLine($"local apps  {Markup.Escape(apps.BaseUrl)} (billing-api, search-api)");
        var oldValue = await SeedAsync(rt, secrets, apps, stateDir, ct).ConfigureAwait(false);
        console.MarkupLine($"seeded      {Credential} {oldValue.Fingerprint} into 5 consumers (the credential in use before rotating)");

        var started = await rt.Service.StartAsync(new StartRequest { CredentialName = Credential, Actor = "demo", IdempotencyKey = Guid.NewGuid().ToString() }, ct).ConfigureAwait(false);
        var jobId = started.Unwrap().Job.JobId;
        console.MarkupLine($"job         {jobId}");

        var gates = new[]
        {
            ("Stage 1 — verify the current credential", new ActionRequest { Action = JobAction.Verify, Actor = "demo" }),
            ("Stage 2 — mint and distribute (canonical store first)", new ActionRequest { Action = JobAction.ProceedMint, Actor = "demo" }),
            ("Stage 3 — revoke the old credential (the demo answers the gate: name typed back + ticket id)", new ActionRequest
            {
                Action = JobAction.ProceedRevoke, Actor = "demo", ConfirmCredentialName = Credential,
                TicketId = $"ROT-{TimeProvider.System.GetUtcNow().Year}-DEMO-{Credential}",
            }),
        };
        var exit = ExitCodes.Ok;
        foreach (var (title, action) in gates)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
            var seq = await Watch.LastSeqAsync(rt, jobId, ct).ConfigureAwait(false);
            var applied = await rt.Service.ApplyAsync(jobId, action, ct).ConfigureAwait(false);
            if (!applied.IsOk) return CommandRunner.Fail(io, masker, applied.Error, json: false);
            exit = await Watch.RunAsync(rt, console, jobId, seq, ct).ConfigureAwait(false);
            if (exit != ExitCodes.Ok) return exit;
        }
        return await ReportAsync(io, rt, console, jobId, oldValue, authority, ct).ConfigureAwait(false);
    }

    /// <summary>Puts a first credential in place, as if it had been rotated by hand long ago.</summary>
    private static async Task<SecretValue> SeedAsync(VelvetRuntime rt, ISecretSource secrets, DemoConsumerServer apps, string stateDir, CancellationToken ct)
    {
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = stateDir, Masker = rt.Masker });
        var credential = rt.Manifest.FindCredential(Credential)!;
        var vendor = catalog.CreateVendor(credential);
        var value = vendor.GenerateValue();
        rt.Masker.Register(value);
        var ctx = new VendorContext { JobId = Guid.Empty, CredentialName = Credential, Env = "demo", IdempotencyTag = "demo-seed", Secrets = secrets };
        var minted = await vendor.MintAsync(ctx, value, ct).ConfigureAwait(false);
        if (!minted.Outcome.IsSuccess) throw new CliException(ExitCodes.Failure, "demo seed failed: " + minted.Outcome.Message);
        foreach (var consumer in rt.Manifest.ConsumersOf(Credential, "demo"))
        {
            if (consumer.Kind == "http") { apps.Seed(consumer.ConsumerId, value.Reveal()); continue; }
            var adapter = catalog.CreateConsumer(credential, consumer);
            var c = new ConsumerContext { JobId = Guid.Empty, CredentialName = Credential, ConsumerId = consumer.ConsumerId, Env = "demo", Secrets = secrets };
            var pushed = await adapter.PushAsync(c, value, ct).ConfigureAwait(false);
            if (!pushed.IsSuccess) throw new CliException(ExitCodes.Failure, $"demo seed of {consumer.ConsumerId} failed: {pushed.Message}");
        }
        return value;
    }

    private static async Task<int> ReportAsync(CliIO io, VelvetRuntime rt, IAnsiConsole console, Guid jobId, SecretValue oldValue, GeneratedCredentialAuthority authority, CancellationToken ct)
    {
        var job = (await rt.Store.GetJobAsync(jobId, ct).ConfigureAwait(false))!;
        var rows = await rt.Store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        console.Write(new Rule("[bold]Where the new value went[/] (the value itself is never printed)").LeftJustified());
        var t = new Table().Border(TableBorder.Rounded);
        t.AddColumns("consumer_id", "kind", "location", "distribute", "validate");
        foreach (var row in rows.OrderBy(r => r.Ordinal))
        {
            var spec = rt.Manifest.Consumers.First(c => c.ConsumerId == row.ConsumerId);
            var where = spec.Kind == "dotenv-file" ? $"{spec.Setting("path")} ({spec.Setting("key")})" : spec.UpdateEndpoint ?? "";
            t.AddRow(new Text(row.ConsumerId + (row.IsCanonical ? " (canonical)" : "")), new Text(row.Kind), new Text(where),
                new Markup($"[green]{row.DistributeStatus.Name()}[/]"), new Markup($"[green]{row.ValidateStatus.Name()}[/]"));
        }
        console.Write(t);
        var secretGone = await rt.Store.GetSecretAsync(jobId, ct).ConfigureAwait(false) is null;
        console.MarkupLine($"new credential  {Markup.Escape(job.NewCredentialId ?? "")} {Markup.Escape(job.NewValueFingerprint ?? "")}");
        console.MarkupLine($"old credential  {Markup.Escape(job.OldCredentialId ?? "")} revoked: {(job.Details.OldRevoked ? "yes" : "no")}; still accepted by the vendor: {(authority.IsAccepted(Credential, oldValue.Reveal()) ? "[red]YES[/]" : "no")}");
        console.MarkupLine($"value in Velvet's store after done: {(secretGone ? "erased" : "[red]STILL PRESENT[/]")}");
        console.MarkupLine($"status          [bold green]{job.Status.Name()}[/]");
        var root = Path.GetDirectoryName(rt.Manifest.SourcePath)!;
        // Plain write: a command to copy must not be wrapped.
        io.Out.WriteLine(rt.Masker.Scrub("audit trail     " +
            $"VELVET_MASTER_KEY_FILE={Path.Combine(root, "master.key")} dotnet run --project src/Velvet.Cli -- jobs show {jobId} --events " +
            $"--manifest {rt.Manifest.SourcePath} --store sqlite:{Path.Combine(root, "velvet.db")} --state-dir {Path.Combine(root, "vendor-state")}"));
        return job.Status == JobStatus.Done && secretGone ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
