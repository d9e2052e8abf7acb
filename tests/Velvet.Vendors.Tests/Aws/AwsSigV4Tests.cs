using System.Text;
using Velvet.Vendors.Aws;

namespace Velvet.Vendors.Tests.Aws;

/// <summary>The signer against AWS's published Signature Version 4 test suite (same key, date, region and service as the suite).</summary>
public sealed class AwsSigV4Tests
{
    private static readonly AwsKeys Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static string Authorization(HttpMethod method, string url, string body = "", string? contentType = null)
    {
        using var request = new HttpRequestMessage(method, url);
        var bytes = Encoding.UTF8.GetBytes(body);
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        AwsSigV4.Sign(request, bytes, Suite, "us-east-1", "service", SuiteTime);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        return request.Headers.GetValues("Authorization").Single();
    }

    [Fact]
    public void Get_vanilla_matches_the_published_authorization()
    {
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Authorization(HttpMethod.Get, "https://example.amazonaws.com/"));
    }

    [Fact]
    public void Get_vanilla_query_order_key_case_sorts_the_query()
    {
        Assert.EndsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            Authorization(HttpMethod.Get, "https://example.amazonaws.com/?Param2=value2&Param1=value1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Post_x_www_form_urlencoded_signs_the_content_type_and_the_body()
    {
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            Authorization(HttpMethod.Post, "https://example.amazonaws.com/", "Param1=value1", "application/x-www-form-urlencoded"));
    }

    [Fact]
    public void A_session_token_is_sent_and_signed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        AwsSigV4.Sign(request, [], Suite with { SessionToken = "session-token-canary" }, "us-east-1", "service", SuiteTime);
        Assert.Equal("session-token-canary", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }
}
