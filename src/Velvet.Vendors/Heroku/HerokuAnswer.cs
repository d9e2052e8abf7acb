using Velvet.Core.Ports;

namespace Velvet.Vendors.Heroku;

/// <summary>
/// One Heroku call's result: the classified outcome, what the reader picked out of a successful body, and for
/// refusals the status and Heroku's error id (<c>forbidden</c>, <c>suspended</c>, <c>not_found</c>…), never the message.
/// </summary>
public sealed record HerokuAnswer<T>(Outcome Outcome, T? Value = null, int? Status = null, string? ErrorId = null) where T : class
{
    public bool IsSuccess => Outcome.IsSuccess;

    /// <summary>Heroku's <c>Next-Range</c> of a partial list (206): ask again with it for the next page.</summary>
    public string? NextRange { get; init; }
}
