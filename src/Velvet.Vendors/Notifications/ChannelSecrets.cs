using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Notifications;

/// <summary>Reads a channel's <c>*_secret</c> setting through the secret source at send time (so a rotated webhook URL is picked up).</summary>
internal static class ChannelSecrets
{
    /// <summary>The value, or a permanent outcome that names the variable to set (never a value).</summary>
    public static (SecretValue? Value, Outcome? Missing) Get(ChannelSpec spec, string key, ISecretSource secrets)
    {
        var name = spec.Setting(key);
        if (name is null) return (null, null);
        return secrets.Get(name) is { } value
            ? (value, null)
            : (null, Outcome.Permanent($"channel {spec.Name}: secret {name} ({key}) is not set; set VELVET_SECRET_{Env(name)} (or the vault entry of that name)"));
    }

    private static string Env(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());
}
