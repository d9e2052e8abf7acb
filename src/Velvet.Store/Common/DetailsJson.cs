using System.Text.Json;
using Velvet.Core.Jobs;

namespace Velvet.Store.Common;

/// <summary>How <see cref="JobDetails"/> is stored in <c>details_json</c>: snake_case, like every other wire name.</summary>
internal static class DetailsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    public static string Serialize(JobDetails details) => JsonSerializer.Serialize(details, Options);

    public static JobDetails Deserialize(string json) => JsonSerializer.Deserialize<JobDetails>(json, Options) ?? new JobDetails();
}
