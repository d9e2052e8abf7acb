namespace Velvet.Core.Tests.Manifest;

/// <summary>Files checked in next to the code (docs/, examples/), found from the test binary's folder.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Velvet.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Velvet.slnx not found above {AppContext.BaseDirectory}");
    }
}
