using Microsoft.AspNetCore.Http;
using Velvet.Server.Http;

namespace Velvet.Server.WebConsole;

/// <summary>Problem answers written from middleware and auth events (the API's problem+json shape).</summary>
internal static class ConsoleProblems
{
    public static Task WriteAsync(HttpContext http, int status, string code, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        Problems.Problem(status, code, title, detail, extensions).ExecuteAsync(http);
}
