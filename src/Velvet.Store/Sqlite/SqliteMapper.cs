using Microsoft.Data.Sqlite;
using Velvet.Core.Jobs;
using Velvet.Core.Secrets;
using Velvet.Store.Common;
using static Velvet.Store.Sqlite.SqliteValues;

namespace Velvet.Store.Sqlite;

/// <summary>Reads rows selected with the column lists of <see cref="Sql"/>.</summary>
internal static class SqliteMapper
{
    public static RotationJob Job(SqliteDataReader r) => new()
    {
        JobId = Guid.Parse(r.GetString(0)),
        CredentialName = r.GetString(1),
        Env = r.GetString(2),
        Flow = FlowTypeNames.TryParse(r.GetString(3), out var flow) ? flow : throw new FormatException($"unknown flow '{r.GetString(3)}'"),
        Status = JobStatusNames.Parse(r.GetString(4)),
        Version = r.GetInt64(5),
        IdempotencyKey = Str(r, 6),
        ForceRevoke = r.GetInt64(7) != 0,
        CreatedBy = r.GetString(8),
        CreatedAt = ParseTime(r.GetString(9)),
        UpdatedAt = ParseTime(r.GetString(10)),
        StatusChangedAt = ParseTime(r.GetString(11)),
        OldCredentialId = Str(r, 12),
        NewCredentialId = Str(r, 13),
        NewValueFingerprint = Str(r, 14),
        LastError = Str(r, 15),
        Details = DetailsJson.Deserialize(r.GetString(16)),
        LeaseOwner = Str(r, 17),
        LeaseUntil = r.IsDBNull(18) ? null : ParseTime(r.GetString(18)),
    };

    public static ConsumerRow Row(SqliteDataReader r) => new()
    {
        JobId = Guid.Parse(r.GetString(0)),
        ConsumerId = r.GetString(1),
        Kind = r.GetString(2),
        IsCanonical = r.GetInt64(3) != 0,
        Ordinal = r.GetInt32(4),
        DistributeStatus = RowStatusNames.Parse(r.GetString(5)),
        ValidateStatus = RowStatusNames.Parse(r.GetString(6)),
        Attempts = r.GetInt32(7),
        LastError = Str(r, 8),
        WrittenFingerprint = Str(r, 9),
        ConfirmedBy = Str(r, 10),
        ConfirmReason = Str(r, 11),
        UpdatedAt = ParseTime(r.GetString(12)),
        WrittenAt = r.IsDBNull(13) ? null : ParseTime(r.GetString(13)),
    };

    public static JobEvent Event(SqliteDataReader r) => new()
    {
        Seq = r.GetInt64(0),
        JobId = Guid.Parse(r.GetString(1)),
        At = ParseTime(r.GetString(2)),
        Actor = r.GetString(3),
        Kind = r.GetString(4),
        FromStatus = Str(r, 5),
        ToStatus = Str(r, 6),
        ConsumerId = Str(r, 7),
        Detail = Str(r, 8),
    };

    public static SealedSecret Secret(SqliteDataReader r) =>
        new(r.GetString(0), (byte[])r.GetValue(1), (byte[])r.GetValue(2), (byte[])r.GetValue(3));

    /// <summary>Binds every job column as <c>$column</c>.</summary>
    public static void BindJob(SqliteCommand cmd, RotationJob j)
    {
        var p = cmd.Parameters;
        p.AddWithValue("$job_id", Id(j.JobId));
        p.AddWithValue("$credential_name", j.CredentialName);
        p.AddWithValue("$env", j.Env);
        p.AddWithValue("$flow", j.Flow.Name());
        p.AddWithValue("$status", j.Status.Name());
        p.AddWithValue("$version", j.Version);
        p.AddWithValue("$idempotency_key", OrNull(j.IdempotencyKey));
        p.AddWithValue("$force_revoke", j.ForceRevoke ? 1 : 0);
        p.AddWithValue("$created_by", j.CreatedBy);
        p.AddWithValue("$created_at", Time(j.CreatedAt));
        p.AddWithValue("$updated_at", Time(j.UpdatedAt));
        p.AddWithValue("$status_changed_at", Time(j.StatusChangedAt));
        p.AddWithValue("$old_credential_id", OrNull(j.OldCredentialId));
        p.AddWithValue("$new_credential_id", OrNull(j.NewCredentialId));
        p.AddWithValue("$new_value_fingerprint", OrNull(j.NewValueFingerprint));
        p.AddWithValue("$last_error", OrNull(j.LastError));
        p.AddWithValue("$details_json", DetailsJson.Serialize(j.Details));
        p.AddWithValue("$lease_owner", OrNull(j.LeaseOwner));
        p.AddWithValue("$lease_until", TimeOrNull(j.LeaseUntil));
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
