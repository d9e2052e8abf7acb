using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary><c>check:</c> (command checks) and <c>fallback:</c> (canonical-store standby): docs/lifecycle.md.</summary>
public static partial class ManifestLoader
{
    private const string CheckExample = "{ argv: [scripts/smoke.sh, --env, staging], timeout: 30s, value_env: NEW_TOKEN }";

    private static CommandCheckSpec? ReadCheck(YamlMap owner, ManifestErrorSink errors)
    {
        if (owner.Map("check", $"{owner.Where} check", ManifestKeys.Check, CheckExample) is not { } check)
        {
            return null;
        }
        var argv = check.List("argv", "program, arg1, arg2");
        if (argv is null)
        {
            errors.At(check.Node, $"{owner.Where}: check needs argv", $"write check: {CheckExample} (a list: the program, then each argument; no shell)");
        }
        else if (argv.Count == 0 || argv[0].Value.Trim().Length == 0)
        {
            errors.At(check.KeyStart("argv"), $"{owner.Where}: check argv is empty", "name the program first, e.g. argv: [scripts/ci/run_smoke.sh, --env=staging]");
        }
        var timeout = CommandCheckSpec.DefaultTimeout;
        if (check.Text("timeout") is { } t)
        {
            if (ParseTimeout(t.Value) is { } parsed)
            {
                timeout = parsed;
            }
            else
            {
                errors.At(t.Start, $"{owner.Where}: check timeout \"{t.Value}\" is not a duration up to {CommandCheckSpec.MaxTimeoutMinutes}m",
                    "write a whole number followed by s, m or h, e.g. 30s, 5m (at most 60m)");
            }
        }
        var valueEnv = check.Text("value_env");
        if (valueEnv is { } name && !EnvName().IsMatch(name.Value))
        {
            errors.At(name.Start, $"{owner.Where}: check value_env \"{name.Value}\" is not an environment variable name", "use letters, digits and _, not starting with a digit, e.g. NEW_TOKEN");
        }
        else if (valueEnv is { } reserved && reserved.Value.StartsWith("VELVET_", StringComparison.Ordinal))
        {
            errors.At(reserved.Start, $"{owner.Where}: check value_env \"{reserved.Value}\" uses the VELVET_ prefix Velvet keeps for itself", "pick another name, e.g. NEW_TOKEN");
        }
        var stdin = check.Bool("value_stdin") ?? false;
        if (stdin && valueEnv is not null)
        {
            errors.At(check.KeyStart("value_stdin"), $"{owner.Where}: check has both value_env and value_stdin", "pass the new value one way: keep value_env or value_stdin, not both");
        }
        return new CommandCheckSpec
        {
            Argv = argv?.Select(a => a.Value).ToList() ?? [],
            Timeout = timeout,
            ValueEnv = valueEnv?.Value,
            ValueStdin = stdin,
            Line = (int)check.Node.Start.Line,
        };
    }

    private static TimeSpan? ParseTimeout(string text)
    {
        var m = Duration().Match(text);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }
        var span = m.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromHours(n),
        };
        return span <= TimeSpan.FromMinutes(CommandCheckSpec.MaxTimeoutMinutes) ? span : null;
    }

    private static FallbackSpec? ReadFallback(YamlMap consumer, ManifestErrorSink errors)
    {
        if (consumer.Map("fallback", $"{consumer.Where} fallback", ManifestKeys.Fallback, "{ consumer: ssm-standby, on: [transient, access_denied] }") is not { } fallback)
        {
            return null;
        }
        var target = fallback.RequiredText("consumer", "add consumer: ID, the consumer_id of the standby store (e.g. an aws-ssm-parameter consumer)");
        var on = fallback.Has("on") ? Choices(fallback, "on", FallbackSpec.Triggers, "transient, access_denied", errors) : [.. FallbackSpec.Triggers];
        if (fallback.Raw("on") is YamlSequenceNode { Children.Count: 0 })
        {
            errors.At(fallback.KeyStart("on"), $"{consumer.Where}: fallback on is empty", "list the failures that may fall back: on: [transient, access_denied]");
        }
        return new FallbackSpec { ConsumerId = target?.Value ?? "", On = on, Line = (int)fallback.Node.Start.Line, Column = (int)fallback.Node.Start.Column };
    }

    /// <summary>A fallback belongs on the canonical store and names another consumer of the same credential and env.</summary>
    private static void CheckFallbacks(List<CredentialDraft> credentials, List<ConsumerSpec> consumers, ManifestErrorSink errors)
    {
        foreach (var c in consumers.Where(c => c.Fallback is not null))
        {
            var where = $"consumer {c.ConsumerId}";
            var line = new YamlDotNet.Core.Mark(0, c.Fallback!.Line, c.Fallback.Column);
            var owner = credentials.FirstOrDefault(d => d.Spec.TokenName == c.TokenName)?.Spec;
            if (owner is null)
            {
                continue;
            }
            if (owner.CanonicalConsumer != c.ConsumerId)
            {
                errors.At(line, $"{where}: fallback is only for the canonical store, and {c.TokenName}'s canonical_consumer is {owner.CanonicalConsumer ?? "not set"}",
                    $"set canonical_consumer: {c.ConsumerId} on {c.TokenName}, or move fallback: to the canonical consumer");
            }
            var siblings = consumers.Where(s => s.TokenName == c.TokenName && s.Env == c.Env && s.ConsumerId != c.ConsumerId).Select(s => s.ConsumerId).ToList();
            if (c.Fallback.ConsumerId.Length > 0 && !siblings.Contains(c.Fallback.ConsumerId, StringComparer.Ordinal))
            {
                errors.At(line, $"{where}: fallback consumer {c.Fallback.ConsumerId} is not another consumer of {c.TokenName} in env {c.Env}",
                    Suggest.Fix(c.Fallback.ConsumerId, siblings, "add the standby store as a consumer of the same credential, then name its consumer_id here"));
            }
        }
    }

    [GeneratedRegex("^([1-9][0-9]{0,5})([smh])$")]
    private static partial Regex Duration();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
