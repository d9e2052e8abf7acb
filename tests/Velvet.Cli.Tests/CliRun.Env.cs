namespace Velvet.Cli.Tests;

public sealed partial class CliRun
{
    /// <summary>A runner over a manifest with a SQLite store, state dir and master key in <paramref name="dir"/> (env test, actor alice).</summary>
    public static CliRun ForManifest(string dir, string manifest)
    {
        var run = new CliRun { Dir = dir };
        run.Env["VELVET_MASTER_KEY"] = Convert.ToBase64String(new byte[32]);
        run.Env["VELVET_MANIFEST"] = manifest;
        run.Env["VELVET_STORE"] = "sqlite:" + Path.Combine(dir, "velvet.db");
        run.Env["VELVET_STATE_DIR"] = Path.Combine(dir, "state");
        run.Env["APP_ENV"] = "test";
        run.Env["VELVET_ACTOR"] = "alice";
        return run;
    }
}
