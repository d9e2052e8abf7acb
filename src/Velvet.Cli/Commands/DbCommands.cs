using System.CommandLine;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet db …`: the database credential lane. `provision` creates an app role (in place or alternating logins)
/// through an admin URL read from the environment; `doctor` diagnoses the two-URL runbook's incident scenarios.
/// </summary>
internal static class DbCommands
{
    public static Command Build(CliIO io) => new("db", "Database credentials: provision the app role, diagnose the two-URL setup")
    {
        DbProvisionCommand.Build(io),
        DbDoctorCommand.Build(io),
    };
}
