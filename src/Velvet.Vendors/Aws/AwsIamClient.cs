using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Aws;

/// <summary>One access key of a user as ListAccessKeys shows it (no secret: AWS shows that only at creation).</summary>
public sealed record AwsAccessKeyInfo(string AccessKeyId, string Status, DateTimeOffset? CreateDate)
{
    public bool IsActive => Status == "Active";

    public override string ToString() =>
        $"{AccessKeyId} ({Status}{(CreateDate is { } d ? ", created " + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")})";
}

/// <summary>
/// The four IAM access-key calls through the Query API (POST form Action=…&amp;Version=2010-05-08, XML answers,
/// ErrorResponse on failure), signed with <see cref="AwsSigV4"/> for service iam. AWSSDK.IdentityManagement is not
/// available to the build, and four form posts do not need it. Only CreateAccessKey's answer carries a secret: it is
/// registered with the masker before it leaves this class and never quoted.
/// </summary>
/// <summary>An IAM answer: the outcome, the value read on success, and AWS's error code on failure (LimitExceeded, NoSuchEntity…).</summary>
public sealed record IamAnswer<T>(Outcome Outcome, T? Value, string? ErrorCode = null);

public sealed class AwsIamClient(AwsIamAccessKeyOptions options, HttpCaller http, SecretMasker masker)
{
    private const string Version = "2010-05-08";

    public Task<IamAnswer<IReadOnlyList<AwsAccessKeyInfo>>> ListAsync(AwsKeys signer, CancellationToken ct) =>
        CallAsync("ListAccessKeys", signer, [], doc => (IReadOnlyList<AwsAccessKeyInfo>)[.. doc.Descendants().Where(e => e.Name.LocalName == "member").Select(Info)], ct);

    /// <summary>The new key: its id and the secret half (registered with the masker).</summary>
    public Task<IamAnswer<AwsAccessKeyValue>> CreateAsync(AwsKeys signer, CancellationToken ct) =>
        CallAsync("CreateAccessKey", signer, [], doc =>
        {
            var key = doc.Descendants().First(e => e.Name.LocalName == "AccessKey");
            var secret = new SecretValue(Child(key, "SecretAccessKey") ?? throw new FormatException("CreateAccessKey answered without SecretAccessKey"));
            masker.Register(secret);
            return new AwsAccessKeyValue(Child(key, "AccessKeyId") ?? throw new FormatException("CreateAccessKey answered without AccessKeyId"), secret);
        }, ct);

    public Task<IamAnswer<bool>> DeactivateAsync(AwsKeys signer, string accessKeyId, CancellationToken ct) =>
        CallAsync("UpdateAccessKey", signer, [("AccessKeyId", accessKeyId), ("Status", "Inactive")], _ => true, ct);

    public Task<IamAnswer<bool>> DeleteAsync(AwsKeys signer, string accessKeyId, CancellationToken ct) =>
        CallAsync("DeleteAccessKey", signer, [("AccessKeyId", accessKeyId)], _ => true, ct);

    private async Task<IamAnswer<T>> CallAsync<T>(string action, AwsKeys signer, (string Name, string Value)[] parameters,
        Func<XDocument, T> read, CancellationToken ct)
    {
        var call = $"IAM {action} {options.UserName}";
        var form = string.Join('&', new[] { ("Action", action), ("Version", Version), ("UserName", options.UserName) }.Concat(parameters)
            .Select(p => $"{AwsSigV4.Encode(p.Item1)}={AwsSigV4.Encode(p.Item2)}"));
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.IamEndpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        AwsSigV4.Sign(request, body, signer, options.Aws.Region, "iam", http.Time.GetUtcNow());
        T? value = default;
        string? code = null;
        var outcome = await http.SendAsync(request, call, async (response, token) =>
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                var doc = await ReadXmlAsync(response, token).ConfigureAwait(false);
                try { value = doc is null ? default : read(doc); }
                catch (Exception e) when (e is FormatException or InvalidOperationException) { doc = null; }
                return doc is null ? Outcome.Permanent($"{call}: {status} but the answer is not IAM's XML; is iam_endpoint_url an IAM endpoint?", status) : Outcome.Ok($"{call}: {status}");
            }
            if (status == 429) return HttpOutcomes.Transient(response, call, http.Time);
            var error = await ReadXmlAsync(response, token).ConfigureAwait(false);
            code = error?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            var message = error?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? HttpOutcomes.Reason(status);
            return AwsErrors.Classify(code, message, status, call, () => Denied(call, action));
        }, ct).ConfigureAwait(false);
        return new IamAnswer<T>(outcome, outcome.IsSuccess ? value : default, outcome.IsSuccess ? null : code);
    }

    private string Denied(string call, string action) =>
        $"{call}: AWS denied iam:{action} on arn:aws:iam::*:user/{options.UserName} to the identity Velvet operates with; " +
        "give it the policy in docs/vendors/aws.md (iam:ListAccessKeys, CreateAccessKey, UpdateAccessKey, DeleteAccessKey on this user); fix the policy, don't rotate";

    private static async Task<XDocument?> ReadXmlAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Length == 0 ? null : XDocument.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static AwsAccessKeyInfo Info(XElement member) => new(
        Child(member, "AccessKeyId") ?? "",
        Child(member, "Status") ?? "",
        DateTimeOffset.TryParse(Child(member, "CreateDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null);

    private static string? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name)?.Value;
}
