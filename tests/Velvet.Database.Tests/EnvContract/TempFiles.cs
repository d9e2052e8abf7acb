namespace Velvet.Database.Tests.EnvContract;

/// <summary>A throwaway folder of fixture files, deleted on dispose.</summary>
public sealed class TempFiles : IDisposable
{
    public const string Canary = "CanarySecret-5e77a1";

    public string Dir { get; } = Directory.CreateTempSubdirectory("velvet-env-").FullName;

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    public string Path_(string relative) => Path.Combine(Dir, relative);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
