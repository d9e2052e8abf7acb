using DbUp.Engine;

namespace Velvet.Store.Common;

/// <summary>Names shared by both backends.</summary>
internal static class StoreNames
{
    /// <summary>DbUp's journal of applied migration scripts.</summary>
    public const string JournalTable = "velvet_schema_migrations";

    /// <summary>Applied scripts by file name (<c>0002_service_tokens.sql</c>), not the embedded resource name.</summary>
    public static IReadOnlyList<string> ScriptNames(IEnumerable<SqlScript> scripts) =>
        scripts.Select(s => s.Name.Split(".Migrations.", 2) is [_, var file] ? file : s.Name).ToArray();
}
