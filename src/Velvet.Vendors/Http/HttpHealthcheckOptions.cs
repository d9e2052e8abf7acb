using Velvet.Core.Manifest;

namespace Velvet.Vendors.Http;

/// <summary>A consumer's healthcheck: GET healthcheck_endpoint, healthy when it answers healthcheck_success_status.</summary>
public sealed record HttpHealthcheckOptions(string ConsumerId, Uri Endpoint, int SuccessStatus)
{
    public const int DefaultSuccessStatus = 200;

    /// <summary>Null when the consumer has no healthcheck_endpoint.</summary>
    public static HttpHealthcheckOptions? FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line})";
        var endpoint = HttpConsumerOptions.ParseEndpoint(owner, "healthcheck_endpoint", consumer.HealthcheckEndpoint);
        if (endpoint is null) return null;
        var status = consumer.HealthcheckSuccessStatus ?? DefaultSuccessStatus;
        if (status is < 100 or > 599)
            throw new AdapterSettingsException($"{owner}: healthcheck_success_status must be an HTTP status (100-599); got {status}");
        return new HttpHealthcheckOptions(consumer.ConsumerId, endpoint, status);
    }
}
