using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Velvet.Cli.Output;
using Velvet.Core.Engine;
using Velvet.Core.Ports;
using Velvet.Server.Http;
using Velvet.Store;

namespace Velvet.Cli.Commands;

/// <summary>`velvet plans list|show|start|tick` and `velvet rotate CRED --plan staging,prod --soak 30m` (docs/lifecycle.md).</summary>
internal static class PlansCommands
{
    public static PlanService Service(VelvetRuntime rt) =>
        new(JobStoreFactory.Plans(rt.Store), rt.Service, rt.Runner.Secrets, rt.Masker, TimeProvider.System);

    /// <summary>The rotate command's --plan path: creates the plan and its first stage's job.</summary>
    public static async Task<int> CreateAsync(CliIO io, VelvetRuntime rt, IAnsiConsole console, string credential, string plan, string? soakText, bool json, CancellationToken ct)
    {
        if (!TryParseDuration(soakText ?? "30m", out var soak))
        {
            io.Error(rt.Masker, $"--soak '{soakText}' is not a duration: write a whole number followed by s, m, h or d, e.g. 30m");
            return ExitCodes.Usage;
        }
        var envs = plan.Split(',', StringSplitOptions.TrimEntries);
        var created = await Service(rt).CreateAsync(credential, envs, soak, rt.Actor, ct).ConfigureAwait(false);
        if (!created.IsOk) return CommandRunner.Fail(io, rt.Masker, created.Error, json);
        var p = created.Value;
        if (json) io.Out.WriteLine(Json.Serialize(LifecycleViews.Plan(p)));
        else
        {
            console.MarkupLine($"plan [bold]{p.PlanId}[/]: {Markup.Escape(string.Join(" → ", p.Stages.Select(s => s.Env)))}, soak {soak.TotalMinutes:0} min after each stage");
            console.MarkupLine($"started job [bold]{p.Stages[0].JobId}[/] for {Markup.Escape(credential)} in {Markup.Escape(p.Stages[0].Env)}; next: velvet stage {p.Stages[0].JobId} verify");
        }
        return ExitCodes.Ok;
    }

    public static bool TryParseDuration(string text, out TimeSpan span)
    {
        span = default;
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        span = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return span > TimeSpan.Zero;
    }

    public static Command Build(CliIO io)
    {
        var list = new Command("list", "List rotation plans, newest first");
        list.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var found = await JobStoreFactory.Plans(rt.Store).ListPlansAsync(activeOnly: false, ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.JsonOutput)) { io.Out.WriteLine(Json.Serialize(found.Select(LifecycleViews.Plan))); return ExitCodes.Ok; }
            var t = new Table().Border(TableBorder.Rounded).Title("Rotation plans");
            t.AddColumns("plan", "credential", "stages", "status", "soak until", "why blocked");
            foreach (var p in found)
                t.AddRow(p.PlanId.ToString(), Markup.Escape(p.CredentialName), Markup.Escape(Stages(p)), Markup.Escape(p.Status),
                    p.SoakUntil is { } u ? $"{u:yyyy-MM-dd HH:mm}Z" : "", Markup.Escape(p.BlockedReason ?? ""));
            console.Write(t);
            return ExitCodes.Ok;
        }));

        var planArg = new Argument<string>("plan") { Description = "Plan id (velvet plans list)" };
        var show = new Command("show", "Show one plan: its stages, their jobs, the soak and why it is blocked") { planArg };
        show.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (!Guid.TryParse(parse.GetValue(planArg), out var id)) { io.Error(rt.Masker, "not a plan id; list them with: velvet plans list"); return ExitCodes.Usage; }
            var p = await JobStoreFactory.Plans(rt.Store).GetPlanAsync(id, ct).ConfigureAwait(false);
            if (p is null) { io.Error(rt.Masker, $"plan {id} does not exist"); return ExitCodes.NotFound; }
            if (parse.GetValue(GlobalOptions.JsonOutput)) { io.Out.WriteLine(Json.Serialize(LifecycleViews.Plan(p))); return ExitCodes.Ok; }
            console.MarkupLine($"plan [bold]{p.PlanId}[/] {Markup.Escape(p.CredentialName)}: [bold]{Markup.Escape(p.Status)}[/], soak {p.Soak.TotalMinutes:0} min");
            foreach (var s in p.Stages) console.MarkupLine($"  {Markup.Escape(s.Env),-12} {Markup.Escape(s.Status),-8} {s.JobId}");
            if (p.SoakUntil is { } until) console.MarkupLine($"  soak {p.SoakStartedAt:HH:mm}Z → {until:HH:mm}Z, {p.ChecksPassed} healthcheck round(s) green");
            if (p.BlockedReason is { } why) console.MarkupLine($"  [red]blocked[/]: {Markup.Escape(rt.Masker.Scrub(why))}");
            return ExitCodes.Ok;
        }));

        var startArg = new Argument<string>("plan") { Description = "Plan id" };
        var start = new Command("start", "Start the next stage's job: only once the previous stage is done and soaked green, on that env's instance") { startArg };
        start.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            if (!Guid.TryParse(parse.GetValue(startArg), out var id)) { io.Error(rt.Masker, "not a plan id; list them with: velvet plans list"); return ExitCodes.Usage; }
            var started = await Service(rt).StartNextAsync(id, rt.Actor, ct).ConfigureAwait(false);
            if (!started.IsOk) return CommandRunner.Fail(io, rt.Masker, started.Error, parse.GetValue(GlobalOptions.JsonOutput));
            console.MarkupLine($"started job [bold]{started.Value.JobId}[/] ({Markup.Escape(started.Value.Env)}); next: velvet stage {started.Value.JobId} verify");
            return ExitCodes.Ok;
        }));

        var tick = new Command("tick", "Advance every plan once (what the server's worker does every minute): notice finished stages, run soak healthchecks");
        tick.SetAction((parse, ct) => CommandRunner.RunAsync(io, parse, ct, async (rt, console) =>
        {
            var changed = await Service(rt).TickAsync(ct).ConfigureAwait(false);
            console.MarkupLine($"{changed} plan(s) changed");
            return ExitCodes.Ok;
        }));
        return new Command("plans", "Staged rotations across envs (staging → soak → prod)") { list, show, start, tick };
    }

    private static string Stages(RotationPlan p) => string.Join(" → ", p.Stages.Select(s => $"{s.Env}:{s.Status}"));
}
