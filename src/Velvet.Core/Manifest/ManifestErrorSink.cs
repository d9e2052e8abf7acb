using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>Collects every problem of one load so a person fixes the manifest in one pass, not one error per run.</summary>
internal sealed class ManifestErrorSink(string file)
{
    private readonly List<ManifestError> errors = [];

    public string File { get; } = file;

    public int Count => errors.Count;

    public void At(Mark mark, string message, string fix) =>
        errors.Add(new ManifestError(File, (int)mark.Line, (int)mark.Column, message, fix));

    public void At(YamlNode node, string message, string fix) => At(node.Start, message, fix);

    public void AtStart(string message, string fix) => errors.Add(new ManifestError(File, 1, 1, message, fix));

    /// <summary>Errors in file order, whatever order the checks ran in.</summary>
    public IReadOnlyList<ManifestError> Sorted() =>
        errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
}
