using Velvet.Core.Ports;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>
/// Reads and validates a subscription manifest (SPEC §1). Every problem is reported at once with file, line,
/// column and a fix, because a manifest that fails to load blocks startup and a person should fix it in one pass.
/// </summary>
public static partial class ManifestLoader
{
    public static ManifestLoadResult Load(string path, IReadOnlyList<AdapterKind> kinds)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(path, "cannot read the manifest: the file does not exist", "check the path, or create the file from examples/velvet.example.yaml");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, $"cannot read the manifest: {ex.Message}", "check that the file is readable by this user");
        }
        return LoadFromText(text, path, kinds);
    }

    /// <param name="fileName">Shown in every error as given, so messages match what the person typed.</param>
    public static ManifestLoadResult LoadFromText(string text, string fileName, IReadOnlyList<AdapterKind> kinds)
    {
        var errors = new ManifestErrorSink(fileName);
        if (ReadRoot(text, errors) is not { } rootNode)
        {
            return new ManifestLoadResult(null, errors.Sorted());
        }
        var root = YamlMap.Open(rootNode, "manifest", ManifestKeys.Root, errors);
        var version = root.Int("version", v => v == ManifestKeys.SupportedVersion, $"must be {ManifestKeys.SupportedVersion}",
            $"set version: {ManifestKeys.SupportedVersion} (the only manifest version this Velvet reads)");
        var credentials = ReadCredentials(root, kinds, errors);
        var consumers = ReadConsumers(root, kinds, errors);
        var resolved = CheckReferences(credentials, consumers, errors);
        CheckFallbacks(credentials, resolved, errors);
        var notifications = ReadNotifications(root, errors);
        if (errors.Count > 0)
        {
            return new ManifestLoadResult(null, errors.Sorted());
        }
        var manifest = new VelvetManifest
        {
            Version = version ?? ManifestKeys.SupportedVersion,
            SourcePath = fileName,
            Credentials = credentials.Select(c => c.Spec).ToList(),
            Consumers = resolved,
            Notifications = notifications,
        };
        return new ManifestLoadResult(manifest, []);
    }

    private static ManifestLoadResult Failed(string file, string message, string fix) =>
        new(null, [new ManifestError(file, 1, 1, message, fix)]);

    private static readonly YamlRootText RootText = new("manifest",
        "add version: 1 and a credentials: list (see docs/manifest.md)",
        "the manifest must be a mapping with version, credentials and consumers",
        "start the file with version: 1 followed by credentials:");

    private static YamlMappingNode? ReadRoot(string text, ManifestErrorSink errors) => YamlRoot.Read(text, errors, RootText);

    /// <summary>The entries of a top-level list; reports a list that is not one, or entries that are not mappings.</summary>
    private static IEnumerable<(YamlMappingNode Node, int Number)> Entries(YamlMap root, string key, string entryExample, ManifestErrorSink errors)
    {
        var node = root.Raw(key);
        if (node is null || node is YamlScalarNode scalar && YamlMap.IsNull(scalar))
        {
            yield break;
        }
        if (node is not YamlSequenceNode sequence)
        {
            errors.At(node, $"manifest: {key} must be a list", $"write each entry as a list item: - {entryExample}");
            yield break;
        }
        var number = 0;
        foreach (var item in sequence.Children)
        {
            number++;
            if (item is YamlMappingNode mapping)
            {
                yield return (mapping, number);
            }
            else
            {
                errors.At(item, $"manifest: {key} entry #{number} must be a mapping", $"write it as - {entryExample}");
            }
        }
    }

    /// <summary>The list of known kinds of one role, for messages.</summary>
    private static string KindList(IReadOnlyList<AdapterKind> kinds, AdapterRole role)
    {
        var names = kinds.Where(k => k.Role == role).Select(k => k.Name).ToList();
        return names.Count == 0 ? "(none registered)" : string.Join(", ", names);
    }
}
