namespace Velvet.Store.Common;

/// <summary>Names shared by both backends.</summary>
internal static class StoreNames
{
    /// <summary>DbUp's journal of applied migration scripts.</summary>
    public const string JournalTable = "velvet_schema_migrations";
}
