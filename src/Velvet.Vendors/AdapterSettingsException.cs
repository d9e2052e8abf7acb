namespace Velvet.Vendors;

/// <summary>
/// A manifest entry whose settings cannot build an adapter. Thrown when the catalog creates the adapter,
/// so a bad manifest fails before any job starts. The message names the entry, the setting and the fix.
/// </summary>
public sealed class AdapterSettingsException(string message) : ArgumentException(message);
