namespace Velvet.Server.WebConsole;

/// <summary>URLs of the console's pages (one place, so pages link to each other consistently).</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = Root + "/sign-in";
    public const string SignOut = Root + "/sign-out";
    public const string StepUp = Root + "/step-up";
    public const string Credentials = Root + "/credentials";
    public const string Stuck = Root + "/stuck";
    public const string Assets = Root + "/assets";
    public const string Inventory = Root + "/inventory";
    public const string Plans = Root + "/plans";

    public static string Credential(string name) => $"{Credentials}/{Uri.EscapeDataString(name)}";

    public static string Plan(Guid planId) => $"{Plans}/{planId}";

    public static string Job(string name, Guid jobId) => $"{Root}/jobs/{Uri.EscapeDataString(name)}/{jobId}";
}
