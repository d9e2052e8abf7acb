using Npgsql;
using NpgsqlTypes;
using Velvet.Core.Jobs;
using Velvet.Store.Common;

namespace Velvet.Store.Postgres;

/// <summary>Positional parameters (batches need them) and readers for the column lists of <see cref="Sql"/>.</summary>
internal static class PgValues
{
    public static NpgsqlParameter P(object? value) => new() { Value = value ?? DBNull.Value };

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    // Npgsql writes timestamptz only from UTC values; normalise whatever offset the caller used.
    public static NpgsqlParameter Time(DateTimeOffset value) => new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter Time(DateTimeOffset? value) =>
        value is { } v ? Time(v) : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter Json(JobDetails details) => new() { Value = DetailsJson.Serialize(details), NpgsqlDbType = NpgsqlDbType.Jsonb };

    /// <summary>$1..$19 in <see cref="Sql.JobColumns"/> order.</summary>
    public static NpgsqlParameter[] JobParameters(RotationJob j) =>
    [
        P(j.JobId), Text(j.CredentialName), Text(j.Env), Text(j.Flow.Name()), Text(j.Status.Name()), P(j.Version),
        Text(j.IdempotencyKey), P(j.ForceRevoke), Text(j.CreatedBy), Time(j.CreatedAt), Time(j.UpdatedAt),
        Time(j.StatusChangedAt), Text(j.OldCredentialId), Text(j.NewCredentialId), Text(j.NewValueFingerprint),
        Text(j.LastError), Json(j.Details), Text(j.LeaseOwner), Time(j.LeaseUntil),
    ];

    public static RotationJob Job(NpgsqlDataReader r) => new()
    {
        JobId = r.GetGuid(0),
        CredentialName = r.GetString(1),
        Env = r.GetString(2),
        Flow = FlowTypeNames.TryParse(r.GetString(3), out var flow) ? flow : throw new FormatException($"unknown flow '{r.GetString(3)}'"),
        Status = JobStatusNames.Parse(r.GetString(4)),
        Version = r.GetInt64(5),
        IdempotencyKey = Str(r, 6),
        ForceRevoke = r.GetBoolean(7),
        CreatedBy = r.GetString(8),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(9),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(10),
        StatusChangedAt = r.GetFieldValue<DateTimeOffset>(11),
        OldCredentialId = Str(r, 12),
        NewCredentialId = Str(r, 13),
        NewValueFingerprint = Str(r, 14),
        LastError = Str(r, 15),
        Details = DetailsJson.Deserialize(r.GetString(16)),
        LeaseOwner = Str(r, 17),
        LeaseUntil = r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
    };

    public static ConsumerRow Row(NpgsqlDataReader r) => new()
    {
        JobId = r.GetGuid(0),
        ConsumerId = r.GetString(1),
        Kind = r.GetString(2),
        IsCanonical = r.GetBoolean(3),
        Ordinal = r.GetInt32(4),
        DistributeStatus = RowStatusNames.Parse(r.GetString(5)),
        ValidateStatus = RowStatusNames.Parse(r.GetString(6)),
        Attempts = r.GetInt32(7),
        LastError = Str(r, 8),
        WrittenFingerprint = Str(r, 9),
        ConfirmedBy = Str(r, 10),
        ConfirmReason = Str(r, 11),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(12),
        WrittenAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
    };

    public static JobEvent Event(NpgsqlDataReader r) => new()
    {
        Seq = r.GetInt64(0),
        JobId = r.GetGuid(1),
        At = r.GetFieldValue<DateTimeOffset>(2),
        Actor = r.GetString(3),
        Kind = r.GetString(4),
        FromStatus = Str(r, 5),
        ToStatus = Str(r, 6),
        ConsumerId = Str(r, 7),
        Detail = Str(r, 8),
    };

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
