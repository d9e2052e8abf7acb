using System.CommandLine;
using Velvet.Cli;
using Velvet.Cli.Commands;
using Velvet.Cli.Demo;

return await VelvetCli.RunAsync(args, new CliIO()).ConfigureAwait(false);

namespace Velvet.Cli
{
    /// <summary>The `velvet` command tree. Thin: parses, calls Core, prints.</summary>
    internal static class VelvetCli
    {
        public static RootCommand Build(CliIO io)
        {
            var root = new RootCommand("Velvet: rotate and revoke credentials across every place that holds a copy, with gates and an audit trail.");
            GlobalOptions.AddTo(root);
            root.Subcommands.Add(ManifestCommands.Build(io));
            root.Subcommands.Add(RotateCommand.Build(io));
            root.Subcommands.Add(ProvisionCommand.Build(io));
            root.Subcommands.Add(FollowupsCommands.Build(io));
            root.Subcommands.Add(PlansCommands.Build(io));
            root.Subcommands.Add(JobsCommands.Build(io));
            root.Subcommands.Add(StageCommand.Build(io));
            root.Subcommands.Add(StageCommand.BuildAbort(io));
            root.Subcommands.Add(ResumeCommand.Build(io));
            root.Subcommands.Add(ServeCommand.Build(io));
            root.Subcommands.Add(TokensCommands.Build(io));
            root.Subcommands.Add(ConsoleCommands.Build(io));
            root.Subcommands.Add(MigrateCommand.Build(io));
            root.Subcommands.Add(SubscribersCommands.Build(io));
            root.Subcommands.Add(GrantsCommands.Build(io));
            root.Subcommands.Add(MigrationsCommands.Build(io));
            root.Subcommands.Add(DbCommands.Build(io));
            root.Subcommands.Add(DemoCommand.Build(io));
            root.Subcommands.Add(DsnCommands.Build(io));
            root.Subcommands.Add(EnvCommands.Build(io));
            root.Subcommands.Add(NotificationsCommands.Build(io));
            root.Subcommands.Add(ScheduleCommands.Build(io));
            root.Subcommands.Add(InventoryCommand.Build(io));
            root.Subcommands.Add(HealthCommand.Build(io));
            root.Subcommands.Add(ReportCommand.Build(io));
            return root;
        }

        public static async Task<int> RunAsync(string[] args, CliIO io, CancellationToken ct = default)
        {
            var parse = Build(io).Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) io.Err.WriteLine("error: " + e.Message);
                io.Err.WriteLine("run `velvet --help` for usage");
                return ExitCodes.Usage;
            }
            try
            {
                return await parse.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Err }, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                io.Err.WriteLine("cancelled: unfinished jobs resume with `velvet resume`");
                return ExitCodes.Failure;
            }
        }
    }
}
