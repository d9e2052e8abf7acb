using System.Xml.Linq;

namespace Velvet.Dsn.Tests;

/// <summary>Apps embed Velvet.Dsn: it must stay dependency-free.</summary>
public sealed class ProjectShapeTests
{
    [Fact]
    public void Velvet_Dsn_has_no_package_or_project_references()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Velvet.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var csproj = XDocument.Load(Path.Combine(dir.FullName, "src", "Velvet.Dsn", "Velvet.Dsn.csproj"));
        Assert.DoesNotContain(csproj.Descendants(), e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "FrameworkReference");
        Assert.Equal("Microsoft.NET.Sdk", csproj.Root!.Attribute("Sdk")?.Value);
    }
}
