namespace Velvet.Database.Grants;

/// <summary>The drift between a policy and a database, in a stable order, with notes about the roles.</summary>
public sealed record GrantsPlan(GrantsPolicy Policy, CatalogSnapshot Snapshot, IReadOnlyList<Drift> Drift, IReadOnlyList<string> Notes)
{
    /// <summary>True when the database matches the policy.</summary>
    public bool IsClean => Drift.Count == 0;

    /// <summary>Drift lines with aligned columns: object, privilege, now -> wanted.</summary>
    public IReadOnlyList<string> Lines()
    {
        var objectWidth = Drift.Count == 0 ? 0 : Drift.Max(d => d.ObjectText.Length);
        var privilegeWidth = Drift.Count == 0 ? 0 : Drift.Max(d => d.PrivilegeText(Policy.AppRole).Length);
        return Drift.Select(d => $"{d.ObjectText.PadRight(objectWidth)}  {d.PrivilegeText(Policy.AppRole).PadRight(privilegeWidth)}  {d.Change}").ToList();
    }

    /// <summary>One line describing what was compared (counts by class), for the plan header.</summary>
    public string Summary()
    {
        var tables = Snapshot.RelationGroups.Where(g => g.Kind != RelationKind.Sequence)
            .SelectMany(g => g.Names.Select(n => Policy.Classify(g.Schema, n))).ToList();
        var sequences = Snapshot.RelationGroups.Where(g => g.Kind == RelationKind.Sequence).Sum(g => g.Names.Count);
        int Count(TableClass c) => tables.Count(t => t == c);
        return $"{tables.Count} table(s): {Count(TableClass.Dml)} DML, {Count(TableClass.AppendOnly)} append-only, " +
            $"{Count(TableClass.Migration)} migration, {Count(TableClass.Unmanaged)} unmanaged; " +
            $"{sequences} sequence(s); {Snapshot.Schemas.Count} schema(s)";
    }
}
