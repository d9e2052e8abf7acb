namespace Velvet.Database;

/// <summary>Marker for the database-lane assembly (grants, env contract, roles, doctor).</summary>
internal static class AssemblyMarker;
