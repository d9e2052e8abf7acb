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
            var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = ".velvet-state" });
            var result = ManifestLoader.Load(path, catalog.Kinds);
            // Settings a kind can only judge when it builds the adapter (e.g. an http consumer without update_endpoint).
            if (result.IsValid)
            {
                var bindings = new Velvet.Core.Engine.CredentialBindings(result.Manifest!, catalog);
                var problems = result.Manifest!.Credentials.Select(c => c.Env).Distinct().SelectMany(bindings.Check).ToList();
                if (problems.Count > 0)
                    result = result with { Manifest = null, Errors = problems };
            }
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
