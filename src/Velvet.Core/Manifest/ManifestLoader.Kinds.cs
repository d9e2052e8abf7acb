using Velvet.Core.Ports;

namespace Velvet.Core.Manifest;

public static partial class ManifestLoader
{
    private static AdapterKind? ResolveKind(YamlMap at, Located kind, AdapterRole role, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors)
    {
        var roleName = RoleName(role);
        var known = KindList(kinds, role);
        var match = kinds.FirstOrDefault(k => string.Equals(k.Name, kind.Value, StringComparison.Ordinal));
        if (match is null)
        {
            var names = kinds.Where(k => k.Role == role).Select(k => k.Name);
            var closest = Suggest.Closest(kind.Value, names);
            errors.At(kind.Start, $"{at.Where}: unknown {roleName} kind \"{kind.Value}\"",
                closest is null ? $"use one of the known {roleName} kinds: {known}" : $"did you mean {closest}? Known {roleName} kinds: {known}");
            return null;
        }
        if (match.Role != role)
        {
            errors.At(kind.Start, $"{at.Where}: {kind.Value} is a {RoleName(match.Role)} kind, not a {roleName} kind",
                $"use one of the known {roleName} kinds: {known}");
            return null;
        }
        return match;
    }

    private static void CheckSettings(YamlMap at, AdapterKind kind, IReadOnlyDictionary<string, Located> settings, ManifestErrorSink errors)
    {
        var accepted = kind.RequiredSettings.Concat(kind.OptionalSettings).ToList();
        foreach (var (name, value) in settings)
        {
            if (accepted.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }
            var list = accepted.Count == 0 ? "no settings" : string.Join(", ", accepted);
            errors.At(value.Start, $"{at.Where}: setting {name} is not accepted by kind {kind.Name}",
                Suggest.Fix(name, accepted, $"remove it; {kind.Name} accepts {list}"));
        }
        foreach (var required in kind.RequiredSettings.Where(r => !settings.ContainsKey(r)))
        {
            errors.At(at.KeyStart("settings"), $"{at.Where}: kind {kind.Name} needs setting {required}", $"add {required}: VALUE under settings:");
        }
    }

    private static string RoleName(AdapterRole role) => role == AdapterRole.Vendor ? "vendor" : "consumer";
}
