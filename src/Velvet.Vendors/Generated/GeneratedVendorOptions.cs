using Velvet.Core.Manifest;

namespace Velvet.Vendors.Generated;

/// <summary>Settings of a <c>generated</c> credential: password policy, where its state lives, and whether an empty state may verify.</summary>
public sealed record GeneratedVendorOptions(SecretPolicy Policy, string StateDirectory, bool Bootstrap)
{
    public static GeneratedVendorOptions FromSpec(CredentialSpec credential, string defaultStateDirectory)
    {
        var owner = $"credential {credential.TokenName} (vendor generated)";
        var vendor = credential.Vendor;
        var policy = SecretPolicy.FromSettings(owner, vendor.Setting);
        var dir = vendor.Setting("state_dir");
        if (dir is not null && string.IsNullOrWhiteSpace(dir))
            throw new AdapterSettingsException($"{owner}: setting state_dir is empty; name a directory or remove the setting to use the default");
        var bootstrap = vendor.Setting("bootstrap") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new AdapterSettingsException($"{owner}: setting bootstrap must be \"true\" or \"false\"; got '{other}'"),
        };
        return new GeneratedVendorOptions(policy, dir ?? defaultStateDirectory, bootstrap);
    }
}
