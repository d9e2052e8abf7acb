using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Manifest;
using Velvet.Core.Secrets;
using Velvet.Vendors;

namespace Velvet.Cli.Commands;

internal static class ManifestCommands
{
    public static Command Build(CliIO io)
    {
        var file = new Argument<string>("file") { Description = "Manifest to check" };
        var check = new Command("check", "Validate a manifest: every error at once, with file:line:column and the fix") { file };
        check.SetAction((parse, _) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                io.Error(SecretMasker.Shared, $"manifest '{path}' not found");
                return Task.FromResult(ExitCodes.Usage);
            }
            var kinds = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = ".velvet-state" }).Kinds;
            var result = ManifestLoader.Load(path, kinds);
            if (parse.GetValue(GlobalOptions.JsonOutput))
            {
                io.Out.WriteLine(Json.Serialize(new
                {
                    file = path,
                    valid = result.IsValid,
                    credentials = result.Manifest?.Credentials.Count ?? 0,
                    consumers = result.Manifest?.Consumers.Count ?? 0,
                    errors = result.Errors,
                }));
            }
            else if (result.IsValid)
            {
                io.Out.WriteLine($"{path}: ok — {result.Manifest!.Credentials.Count} credential(s), {result.Manifest.Consumers.Count} consumer(s)");
            }
            else
            {
                foreach (var e in result.Errors) io.Err.WriteLine(e.ToString());
                io.Err.WriteLine($"{path}: {result.Errors.Count} error(s)");
            }
            return Task.FromResult(result.IsValid ? ExitCodes.Ok : ExitCodes.CheckFailed);
        });
        return new Command("manifest", "Subscription manifest tools") { check };
    }
}
