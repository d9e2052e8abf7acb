using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Velvet.Vendors.Aws;
using Velvet.Vendors.Tests.Support;

namespace Velvet.Vendors.Tests.Aws;

/// <summary>
/// IAM's access-key calls and STS GetCallerIdentity as vendor-apis.md §5 describes them, on a <see cref="FakeVendorServer"/>:
/// Query protocol (POST form Action=…&amp;Version=…), every request's SigV4 Authorization recomputed with the caller's
/// secret (unknown or inactive key: 403 InvalidClientTokenId; wrong signature or scope: 403 SignatureDoesNotMatch),
/// XML answers and ErrorResponse errors, 2 keys per user (409 LimitExceeded), NoSuchEntity, AccessDenied for identities
/// without the IAM permissions, and STS not yet accepting a fresh key for <see cref="StsLag"/> calls (eventual consistency).
/// </summary>
public sealed class FakeIam : IAsyncDisposable
{
    public const string Account = "123456789012";
    private const string IamNs = "https://iam.amazonaws.com/doc/2010-05-08/";

    public sealed class Key
    {
        public required string UserName { get; init; }
        public required string AccessKeyId { get; init; }
        public required string Secret { get; init; }
        public string Status { get; set; } = "Active";
        public DateTimeOffset Created { get; init; }
        public int StsRefusalsLeft;
    }

    private readonly ConcurrentDictionary<string, bool> _users = new(StringComparer.Ordinal); // user → may manage access keys
    private readonly ConcurrentDictionary<string, Key> _keys = new(StringComparer.Ordinal);

    private FakeIam(FakeVendorServer server)
    {
        Server = server;
        server.Guard = Authenticate;
        server.Map("POST", "/", Handle);
    }

    public FakeVendorServer Server { get; }
    /// <summary>The clock of CreateDate.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    public string BaseUrl => Server.BaseAddress.ToString();
    /// <summary>STS refuses a key created by CreateAccessKey this many times before accepting it.</summary>
    public int StsLag { get; set; }
    /// <summary>IAM actions answered AccessDenied whoever asks (a policy that lacks them).</summary>
    public ConcurrentDictionary<string, bool> DeniedActions { get; } = new(StringComparer.Ordinal);
    /// <summary>Runs at the start of CreateAccessKey (another writer racing Velvet).</summary>
    public Action? BeforeCreate { get; set; }
    /// <summary>The actions called, with the access key that signed each (for "operated by whom" assertions).</summary>
    public ConcurrentQueue<(string Action, string SignedBy)> Calls { get; } = new();

    public static async Task<FakeIam> StartAsync() => new(await FakeVendorServer.StartAsync());

    public static FakeResponse Throttled() => Error(400, "Throttling", "Rate exceeded");

    public void AddUser(string name, bool manageKeys = false) => _users[name] = manageKeys;

    /// <summary>A key made outside Velvet; returns it as a signing pair.</summary>
    public AwsKeys AddKey(string user, string? secretPrefix = null)
    {
        var key = NewKey(user, secretPrefix);
        _keys[key.AccessKeyId] = key;
        return new AwsKeys(key.AccessKeyId, key.Secret);
    }

    public IReadOnlyList<Key> KeysOf(string user) => [.. _keys.Values.Where(k => k.UserName == user).OrderBy(k => k.Created)];

    public Key? Find(string accessKeyId) => _keys.TryGetValue(accessKeyId, out var k) ? k : null;

    public static string Arn(string user) => $"arn:aws:iam::{Account}:user/{user}";

    private Key NewKey(string user, string? secretPrefix) => new()
    {
        UserName = user,
        AccessKeyId = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        Secret = (secretPrefix ?? "aws-secret-canary-") + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)),
        Created = Time.GetUtcNow(),
    };

    /// <summary>SigV4 as AWS checks it: the signature recomputed over the signed headers, the body hash and the scope.</summary>
    private FakeResponse? Authenticate(FakeRequest r)
    {
        var auth = r.Headers.Authorization.ToString();
        if (!auth.StartsWith(AwsSigV4.Algorithm + " ", StringComparison.Ordinal))
            return Error(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        var fields = auth[(AwsSigV4.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
            return Error(400, "IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature");
        var parts = credential.Split('/', 2);
        var amzDate = r.Headers["X-Amz-Date"].ToString();
        if (parts.Length != 2 || amzDate.Length < 8 || !parts[1].StartsWith(amzDate[..8], StringComparison.Ordinal))
            return Error(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid date matching X-Amz-Date");
        if (!_keys.TryGetValue(parts[0], out var key) || key.Status != "Active")
            return Error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
            return Error(403, "SignatureDoesNotMatch", "host and x-amz-date must be signed");
        var headers = names.Select(n => (n, n == "host" ? r.Headers.Host.ToString() : r.Headers[n].ToString()));
        var query = string.Join('&', r.Query.SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")));
        var expected = AwsSigV4.Signature(r.Method, r.Path, query, headers, AwsSigV4.PayloadHash(Encoding.UTF8.GetBytes(r.Body)), key.Secret, amzDate, parts[1]);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
        var action = HttpUtility.ParseQueryString(r.Body)["Action"] ?? "";
        var service = action == "GetCallerIdentity" ? "sts" : "iam";
        if (parts[1].Split('/')[2] != service)
            return Error(403, "SignatureDoesNotMatch", $"Credential should be scoped to correct service: '{service}'.");
        Calls.Enqueue((action, key.AccessKeyId));
        return null;
    }

    private FakeResponse Handle(FakeRequest r)
    {
        var form = HttpUtility.ParseQueryString(r.Body);
        var action = form["Action"] ?? "";
        var signer = _keys[r.Headers.Authorization.ToString().Split("Credential=")[1].Split('/')[0]];
        if (action == "GetCallerIdentity") return CallerIdentity(signer);
        if (form["Version"] != "2010-05-08") return Error(400, "InvalidAction", $"Could not find operation {action} for version {form["Version"]}");
        var user = form["UserName"] ?? signer.UserName;
        if (DeniedActions.ContainsKey(action) || !_users.GetValueOrDefault(signer.UserName))
            return Error(403, "AccessDenied", $"User: {Arn(signer.UserName)} is not authorized to perform: iam:{action} on resource: user {user} because no identity-based policy allows the iam:{action} action");
        if (!_users.ContainsKey(user)) return Error(404, "NoSuchEntity", $"The user with name {user} cannot be found.");
        return action switch
        {
            "ListAccessKeys" => Xml(action, $"<UserName>{user}</UserName><AccessKeyMetadata>{string.Concat(KeysOf(user).Select(Member))}</AccessKeyMetadata><IsTruncated>false</IsTruncated>"),
            "CreateAccessKey" => Create(user),
            "UpdateAccessKey" => WithKey(user, form["AccessKeyId"], k =>
            {
                k.Status = form["Status"] is "Active" or "Inactive" ? form["Status"]! : throw new InvalidOperationException("bad Status");
                return Xml(action, null);
            }),
            "DeleteAccessKey" => WithKey(user, form["AccessKeyId"], k =>
            {
                _keys.TryRemove(k.AccessKeyId, out _);
                return Xml(action, null);
            }),
            _ => Error(400, "InvalidAction", $"Could not find operation {action} for version 2010-05-08"),
        };
    }

    private FakeResponse Create(string user)
    {
        BeforeCreate?.Invoke();
        if (KeysOf(user).Count >= 2) return Error(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
        var key = NewKey(user, null);
        key.StsRefusalsLeft = StsLag;
        _keys[key.AccessKeyId] = key;
        return Xml("CreateAccessKey", $"<AccessKey><UserName>{user}</UserName><AccessKeyId>{key.AccessKeyId}</AccessKeyId><Status>Active</Status>" +
            $"<SecretAccessKey>{key.Secret}</SecretAccessKey><CreateDate>{Stamp(key.Created)}</CreateDate></AccessKey>");
    }

    private FakeResponse CallerIdentity(Key key)
    {
        if (Interlocked.Decrement(ref key.StsRefusalsLeft) >= 0)
            return Error(403, "InvalidClientTokenId", "The security token included in the request is invalid.", sts: true);
        return FakeResponse.Raw(200,
            $"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>{Arn(key.UserName)}</Arn>" +
            $"<UserId>AIDA{key.UserName.Length:D4}EXAMPLE</UserId><Account>{Account}</Account></GetCallerIdentityResult>" +
            $"<ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>", "text/xml");
    }

    private FakeResponse WithKey(string user, string? id, Func<Key, FakeResponse> then) =>
        id is not null && _keys.TryGetValue(id, out var k) && k.UserName == user ? then(k) : Error(404, "NoSuchEntity", $"The Access Key with id {id} cannot be found.");

    private static string Member(Key k) =>
        $"<member><UserName>{k.UserName}</UserName><AccessKeyId>{k.AccessKeyId}</AccessKeyId><Status>{k.Status}</Status><CreateDate>{Stamp(k.Created)}</CreateDate></member>";

    private static FakeResponse Xml(string action, string? result) => FakeResponse.Raw(200,
        $"<{action}Response xmlns=\"{IamNs}\">{(result is null ? "" : $"<{action}Result>{result}</{action}Result>")}" +
        $"<ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{action}Response>", "text/xml");

    public static FakeResponse Error(int status, string code, string message, bool sts = false) => FakeResponse.Raw(status,
        $"<ErrorResponse xmlns=\"{(sts ? "https://sts.amazonaws.com/doc/2011-06-15/" : IamNs)}\"><Error><Type>Sender</Type><Code>{code}</Code>" +
        $"<Message>{System.Security.SecurityElement.Escape(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>", "text/xml");

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
