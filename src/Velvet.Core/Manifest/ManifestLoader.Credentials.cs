using Velvet.Core.Ports;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>A parsed credential plus the positions that cross-entry checks report against.</summary>
internal sealed record CredentialDraft(CredentialSpec Spec, string Where, Located? TokenName, Located? CanonicalConsumer, IReadOnlyList<Located> RelatedTo);

public static partial class ManifestLoader
{
    private static List<CredentialDraft> ReadCredentials(YamlMap root, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors)
    {
        var drafts = Entries(root, "credentials", "token_name: NAME", errors)
            .Select(e => ReadCredential(e.Node, e.Number, kinds, errors))
            .ToList();
        var node = root.Raw("credentials");
        if (node is null or YamlSequenceNode { Children.Count: 0 } || node is YamlScalarNode scalar && YamlMap.IsNull(scalar))
        {
            errors.At(root.KeyStart("credentials"), "manifest: no credentials", "add a credentials: list with at least one entry (token_name, vendor, env)");
        }
        return drafts;
    }

    private static CredentialDraft ReadCredential(YamlMappingNode node, int number, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors)
    {
        var where = YamlMap.Peek(node, "token_name") is { } name ? $"credential {name}" : $"credential #{number}";
        var map = YamlMap.Open(node, where, ManifestKeys.Credential, errors);
        var tokenName = map.RequiredText("token_name", "add token_name: NAME, the credential's name (e.g. DEMO_API_TOKEN)");
        var vendor = ReadVendor(map, kinds, errors);
        var mode = ReadMode(map, errors);
        var env = map.RequiredText("env", "add env: NAME, the environment the credential belongs to (e.g. prod or staging)");
        var runbook = map.Text("runbook_url");
        if (mode == RotationMode.ManualOnly && runbook is null)
        {
            errors.At(map.KeyStart("mode"), $"{where}: mode manual_only needs a runbook_url",
                "add runbook_url: the page a person follows to rotate this credential by hand");
        }
        var canonical = map.Text("canonical_consumer");
        var related = map.List("related_to", "OTHER_TOKEN") ?? [];
        var spec = new CredentialSpec
        {
            TokenName = tokenName?.Value ?? "",
            Description = map.Text("description")?.Value,
            Vendor = vendor,
            Mode = mode,
            Env = env?.Value ?? "",
            Active = map.Bool("active") ?? true,
            CanonicalConsumer = canonical?.Value,
            Schedule = ReadSchedule(map, errors),
            AutoAdvance = Choices(map, "auto_advance", ManifestKeys.AutoAdvance, "verify, mint", errors),
            RunbookUrl = runbook?.Value,
            RelatedTo = related.Select(r => r.Value).ToList(),
            Check = ReadCheck(map, errors),
            Line = (int)node.Start.Line,
        };
        return new CredentialDraft(spec, where, tokenName, canonical, related);
    }

    private static AdapterSpec ReadVendor(YamlMap credential, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors)
    {
        var known = KindList(kinds, AdapterRole.Vendor);
        if (!credential.Has("vendor"))
        {
            errors.At(credential.Node, $"{credential.Where}: missing required key vendor", $"add vendor: {{ kind: KIND }} with one of: {known}");
        }
        var vendor = credential.Map("vendor", $"{credential.Where} vendor", ManifestKeys.Vendor, "{ kind: KIND, settings: { … } }");
        if (vendor is null)
        {
            return new AdapterSpec { Kind = "" };
        }
        var kind = vendor.RequiredText("kind", $"add kind: with one of: {known}");
        var settings = vendor.Settings() ?? [];
        if (kind is { } k && ResolveKind(vendor, k, AdapterRole.Vendor, kinds, errors) is { } adapterKind)
        {
            CheckSettings(vendor, adapterKind, settings, errors);
        }
        return new AdapterSpec { Kind = kind?.Value ?? "", Settings = settings.ToDictionary(s => s.Key, s => s.Value.Value) };
    }

    private static RotationMode ReadMode(YamlMap credential, ManifestErrorSink errors)
    {
        if (credential.Text("mode") is not { } mode)
        {
            return RotationMode.Automatic;
        }
        if (!ManifestKeys.Modes.Contains(mode.Value, StringComparer.Ordinal))
        {
            errors.At(mode.Start, $"{credential.Where}: unknown mode \"{mode.Value}\"", Suggest.OneOf(mode.Value, ManifestKeys.Modes));
        }
        return ManifestKeys.ToMode(mode.Value);
    }

    private static ScheduleSpec? ReadSchedule(YamlMap credential, ManifestErrorSink errors)
    {
        var where = credential.Where;
        if (credential.Map("schedule", $"{where} schedule", ManifestKeys.Schedule, "{ every: 30d }") is not { } schedule)
        {
            return null;
        }
        var cron = schedule.Text("cron");
        var every = schedule.Text("every");
        if (cron is not null && every is not null)
        {
            errors.At(schedule.Node, $"{where}: schedule has both cron and every", "keep only one of them");
        }
        else if (cron is null && every is null)
        {
            errors.At(schedule.Node, $"{where}: schedule needs cron or every", "write schedule: { cron: \"0 3 1 * *\" } or schedule: { every: 30d }");
        }
        if (every is { } e && !Schedules.Cadence.TryParsePeriod(e.Value, out _))
        {
            errors.At(e.Start, $"{where}: schedule every \"{e.Value}\" is not a period", "write a whole number followed by d, h or m, e.g. 30d, 12h or 90m");
        }
        if (cron is { } c && c.Value.Split(' ', '\t').Count(f => f.Length > 0) is var fields && fields != 5)
        {
            errors.At(c.Start, $"{where}: schedule cron \"{c.Value}\" has {fields} fields, not 5",
                "write minute hour day-of-month month day-of-week (UTC), e.g. \"0 3 1 * *\"");
        }
        else if (cron is { } bad && !Schedules.Cadence.TryParseCron(bad.Value, out _, out var why))
        {
            errors.At(bad.Start, $"{where}: schedule cron \"{bad.Value}\" is not a valid cron expression ({why})",
                "write minute hour day-of-month month day-of-week (UTC) with values in range, e.g. \"0 3 1 * *\" (03:00 on the 1st)");
        }
        return new ScheduleSpec { Cron = cron?.Value, Every = every?.Value };
    }

    /// <summary>A list whose values come from a fixed set; unknown values are reported and dropped.</summary>
    private static List<string> Choices(YamlMap map, string key, IReadOnlyList<string> allowed, string example, ManifestErrorSink errors)
    {
        var chosen = new List<string>();
        foreach (var item in map.List(key, example) ?? [])
        {
            if (allowed.Contains(item.Value, StringComparer.Ordinal))
            {
                chosen.Add(item.Value);
            }
            else
            {
                errors.At(item.Start, $"{map.Where}: unknown {key} value \"{item.Value}\"", Suggest.OneOf(item.Value, allowed));
            }
        }
        return chosen;
    }
}
