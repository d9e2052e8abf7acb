using System.Collections.Concurrent;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Aws;

/// <summary>
/// SSM Parameter Store as the SDK sees it (vendor-apis §5): AWS JSON 1.1 on <c>POST /</c> with
/// <c>X-Amz-Target: AmazonSSM.&lt;Op&gt;</c>, SigV4 Authorization naming a known access key id (else 400
/// UnrecognizedClientException), errors as 400 <c>{"__type", "message"}</c>. Built on <see cref="FakeVendorServer"/>.
/// </summary>
public sealed class FakeSsm : IAsyncLifetime
{
    public const string AccessKeyId = "AKIDVELVETTEST0001";
    public const string Account = "123456789012";
    private const string JsonType = "application/x-amz-json-1.1";

    public sealed record Parameter(string Value, long Version, string Type, string? KeyId);

    private readonly ConcurrentDictionary<string, Parameter> _parameters = new(StringComparer.Ordinal);

    public FakeVendorServer Server { get; private set; } = null!;
    public Uri BaseAddress => Server.BaseAddress;
    /// <summary>Operations (PutParameter, GetParameter) answered with AccessDeniedException.</summary>
    public ConcurrentDictionary<string, bool> Denied { get; } = new(StringComparer.Ordinal);

    public Parameter? Get(string name) => _parameters.TryGetValue(name, out var p) ? p : null;

    public void Set(string name, string value) => _parameters[name] = new Parameter(value, (Get(name)?.Version ?? 0) + 1, "SecureString", null);

    /// <summary>The next call of <paramref name="op"/> gets a 400 with this <c>__type</c>, or a bare status when <paramref name="status"/> ≥ 500.</summary>
    public void Fail(string type, string message, int status = 400) =>
        Server.Inject("POST", "/", Error(type, message, status));

    public static FakeResponse Error(string type, string message, int status = 400) =>
        new(status, new Dictionary<string, string> { ["__type"] = type, ["message"] = message }, new Dictionary<string, string> { ["Content-Type"] = JsonType });

    public async ValueTask InitializeAsync()
    {
        Server = await FakeVendorServer.StartAsync();
        Server.Guard = r =>
        {
            var auth = r.Headers.Authorization.ToString();
            if (!auth.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) || !auth.Contains($"Credential={AccessKeyId}/", StringComparison.Ordinal))
                return Error("UnrecognizedClientException", "The security token included in the request is invalid.");
            return r.Headers.ContentType.ToString().StartsWith(JsonType, StringComparison.Ordinal) ? null : Error("SerializationException", "wrong content type");
        };
        Server.Map("POST", "/", Handle);
    }

    private FakeResponse Handle(FakeRequest r)
    {
        var op = r.Headers["X-Amz-Target"].ToString().Replace("AmazonSSM.", "", StringComparison.Ordinal);
        var name = r.Json.GetProperty("Name").GetString()!;
        if (Denied.ContainsKey(op))
            return Error("AccessDeniedException", $"User: arn:aws:iam::{Account}:user/velvet is not authorized to perform: ssm:{op} on resource: arn:aws:ssm:eu-west-1:{Account}:parameter{name} because no identity-based policy allows the ssm:{op} action");
        switch (op)
        {
            case "PutParameter":
            {
                var json = r.Json;
                var existing = Get(name);
                if (existing is not null && !(json.TryGetProperty("Overwrite", out var o) && o.GetBoolean()))
                    return Error("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
                var keyId = json.TryGetProperty("KeyId", out var k) ? k.GetString() : null;
                var p = new Parameter(json.GetProperty("Value").GetString()!, (existing?.Version ?? 0) + 1, json.GetProperty("Type").GetString()!, keyId);
                _parameters[name] = p;
                return Ok(new Dictionary<string, object> { ["Version"] = p.Version, ["Tier"] = "Standard" });
            }
            case "GetParameter":
            {
                if (Get(name) is not { } p) return Error("ParameterNotFound", "");
                var decrypt = r.Json.TryGetProperty("WithDecryption", out var d) && d.GetBoolean();
                return Ok(new Dictionary<string, object>
                {
                    ["Parameter"] = new Dictionary<string, object>
                    {
                        ["Name"] = name, ["Type"] = p.Type, ["Value"] = decrypt ? p.Value : "AQICAHencrypted", ["Version"] = p.Version,
                        ["ARN"] = $"arn:aws:ssm:eu-west-1:{Account}:parameter{name}", ["DataType"] = "text",
                    },
                });
            }
            default:
                return Error("InvalidAction", $"unknown operation {op}");
        }
    }

    private static FakeResponse Ok(object body) => new(200, body, new Dictionary<string, string> { ["Content-Type"] = JsonType });

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}
