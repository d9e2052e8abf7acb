using Velvet.Core.Manifest;
using Velvet.Database.Roles;

namespace Velvet.Vendors.Postgres;

/// <summary>
/// Settings of a <c>postgres-role</c> credential: which roles (<c>mode</c>, <c>role</c>, <c>login_roles</c>), the admin
/// URL that changes them (<c>admin_url_env</c> or <c>admin_url_secret</c>, never the URL itself), where the app connects
/// (<c>url_template</c>: a URL without user or password) and the managed service it runs on (<c>provider</c>).
/// </summary>
public sealed record PostgresRoleOptions(RoleLayout Layout, string? AdminUrlEnv, string? AdminUrlSecret, Dsn.Dsn? UrlTemplate, ManagedProvider Provider)
{
    public const string DefaultAdminEnv = "DATABASE_ROOT_URL";

    public static readonly IReadOnlyList<string> Required = ["role"];
    public static readonly IReadOnlyList<string> Optional = ["mode", "login_roles", "admin_url_env", "admin_url_secret", "url_template", "provider"];

    /// <summary>Where the admin URL comes from, for messages.</summary>
    public string AdminSource => AdminUrlSecret is not null ? $"the current value of credential {AdminUrlSecret} (admin_url_secret)" : $"${AdminUrlEnv}";

    public static PostgresRoleOptions FromSpec(CredentialSpec credential)
    {
        var owner = $"credential {credential.TokenName} (vendor postgres-role)";
        var vendor = credential.Vendor;
        var mode = RoleLayout.ParseMode(vendor.Setting("mode"))
            ?? throw new AdapterSettingsException($"{owner}: setting mode must be in_place or alternating; got '{vendor.Setting("mode")}'");
        var role = vendor.Setting("role");
        if (string.IsNullOrWhiteSpace(role))
            throw new AdapterSettingsException($"{owner}: setting role is required: the login role (in_place) or the group role (alternating), e.g. role: app");
        var layout = BuildLayout(owner, mode, role, vendor.Setting("login_roles"));

        var env = vendor.Setting("admin_url_env");
        var secret = vendor.Setting("admin_url_secret");
        if (env is not null && secret is not null)
            throw new AdapterSettingsException($"{owner}: set admin_url_env or admin_url_secret, not both");
        if (env is not null && !IsVariableName(env))
            throw new AdapterSettingsException($"{owner}: setting admin_url_env must name an environment variable (letters, digits, '_'), not hold a URL; e.g. admin_url_env: {DefaultAdminEnv}");
        if (secret is not null && string.IsNullOrWhiteSpace(secret))
            throw new AdapterSettingsException($"{owner}: setting admin_url_secret is empty; name the credential whose value is the admin URL, or remove it");

        ManagedProvider provider;
        try { provider = ManagedServiceErrors.ParseProvider(vendor.Setting("provider")); }
        catch (ArgumentException ex) { throw new AdapterSettingsException($"{owner}: setting {ex.Message}"); }

        return new PostgresRoleOptions(layout, secret is null ? env ?? DefaultAdminEnv : null, secret, Template(owner, vendor.Setting("url_template")), provider);
    }

    private static RoleLayout BuildLayout(string owner, RoleMode mode, string role, string? logins)
    {
        try
        {
            if (mode == RoleMode.InPlace)
            {
                if (logins is not null) throw new AdapterSettingsException($"{owner}: setting login_roles applies to mode alternating only; remove it or set mode: alternating");
                return RoleLayout.InPlace(role);
            }
            if (logins is null) return RoleLayout.Alternating(role);
            var parts = logins.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new AdapterSettingsException($"{owner}: setting login_roles must name exactly two login roles separated by a comma, e.g. login_roles: \"{role}_a,{role}_b\"");
            return RoleLayout.Alternating(role, parts[0], parts[1]);
        }
        catch (ArgumentException ex) when (ex is not AdapterSettingsException)
        {
            throw new AdapterSettingsException($"{owner}: {ex.Message}");
        }
    }

    private static Dsn.Dsn? Template(string owner, string? text)
    {
        if (text is null) return null;
        if (!Dsn.Dsn.TryParse(text, out var dsn, out var error) || dsn!.Kind != Dsn.DsnKind.Postgres)
            throw new AdapterSettingsException($"{owner}: setting url_template must be a PostgreSQL URL such as postgres://db.example.com:5432/app?sslmode=require ({error ?? "not PostgreSQL"})");
        if (dsn.Password is not null)
            throw new AdapterSettingsException($"{owner}: setting url_template contains a password; remove it (the manifest is version-controlled, and Velvet fills in each login's own password)");
        if (dsn.User is not null)
            throw new AdapterSettingsException($"{owner}: setting url_template names user {dsn.User}; remove it: Velvet fills in the login it re-keys");
        return RoleTarget.TemplateFrom(dsn);
    }

    private static bool IsVariableName(string name) => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
