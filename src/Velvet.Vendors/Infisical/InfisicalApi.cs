namespace Velvet.Vendors.Infisical;

/// <summary>
/// The two generations of Infisical's secrets API. v3 "raw" (deprecated, what the team's SOPs and older
/// self-hosted installs use) names the project <c>workspaceId</c> and pairs with the v1 folders route; v4 names it
/// <c>projectId</c>, pairs with v2 folders and only returns a value when asked (<c>viewSecretValue=true</c>).
/// </summary>
public sealed record InfisicalApi(string Name, string SecretsPath, string FoldersPath, string ProjectField, bool AsksForValue)
{
    public const string LoginPath = "api/v1/auth/universal-auth/login";

    public static readonly InfisicalApi V3 = new("v3", "api/v3/secrets/raw/", "api/v1/folders", "workspaceId", AsksForValue: false);
    public static readonly InfisicalApi V4 = new("v4", "api/v4/secrets/", "api/v2/folders", "projectId", AsksForValue: true);

    public static InfisicalApi? Find(string name) => name switch
    {
        "v3" => V3,
        "v4" => V4,
        _ => null,
    };
}
