using System.CommandLine;

namespace Velvet.Cli;

/// <summary>Options every command accepts; each falls back to an environment variable.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Manifest = new("--manifest", "-m")
    { Description = "Subscription manifest (default: $VELVET_MANIFEST or ./velvet.yaml)", Recursive = true };

    public static readonly Option<string?> Store = new("--store")
    { Description = "Job store: sqlite:PATH or postgres://user@host/db (default: $VELVET_STORE or sqlite:./velvet.db)", Recursive = true };

    public static readonly Option<string?> Env = new("--env")
    { Description = "Environment this Velvet acts for (default: $APP_ENV); only its consumers are touched", Recursive = true };

    public static readonly Option<string?> StateDir = new("--state-dir")
    { Description = "Folder for local vendor state (default: $VELVET_STATE_DIR or ./.velvet-state)", Recursive = true };

    public static readonly Option<string?> Actor = new("--as")
    { Description = "Who is acting, recorded in the audit trail (default: $VELVET_ACTOR or $USER)", Recursive = true };

    public static readonly Option<bool> JsonOutput = new("--json")
    { Description = "Print JSON instead of tables", Recursive = true };

    public static void AddTo(Command root)
    {
        root.Options.Add(Manifest);
        root.Options.Add(Store);
        root.Options.Add(Env);
        root.Options.Add(StateDir);
        root.Options.Add(Actor);
        root.Options.Add(JsonOutput);
    }
}
