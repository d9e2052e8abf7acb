using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Database.Roles;

namespace Velvet.Vendors.Postgres;

/// <summary>
/// Wraps every consumer of a <c>postgres-role</c> credential so the database itself answers the checks: validation
/// logs in with the URL the consumer holds (when it can be read back), and the revocation probe logs in with the
/// revoked URL and counts a refused login (28P01 invalid_password, 28000 invalid_authorization_specification) as the
/// consumer being refused, the database's 401; a login that still works is a leak.
/// </summary>
public sealed class PostgresLoginConsumer(IConsumerAdapter inner) : IConsumerAdapter
{
    public IConsumerAdapter Inner => inner;

    public string Kind => inner.Kind;

    public Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct) => inner.PushAsync(ctx, value, ct);

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        var checkedCopy = await inner.ValidateAsync(ctx, ct).ConfigureAwait(false);
        if (!checkedCopy.IsSuccess || inner is not IHeldValueReader reader) return checkedCopy;
        var held = reader.ReadHeld();
        if (held.Value is null) return held.Problem!;
        if (!TryParse(held.Value, out var url, out var bad)) return Outcome.Permanent($"{ctx.ConsumerId} holds a value that {bad}");
        var login = await PgLogin.TryAsync(url, ct).ConfigureAwait(false);
        return login.Outcome switch
        {
            LoginOutcome.Ok => Outcome.Ok($"{checkedCopy.Message}; the URL it holds logs in as {login.CurrentUser}"),
            LoginOutcome.Unreachable => Outcome.Transient($"{ctx.ConsumerId}: login with the URL it holds ({url.Masked}) got no answer: {login.Message}"),
            _ => Outcome.Permanent($"{ctx.ConsumerId} holds the new URL ({url.Masked}) but the database refuses it: {login.Message}"),
        };
    }

    public async Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct)
    {
        // The consumer's own copy when it can be read; else the revoked value Velvet was given for this credential.
        var held = inner is IHeldValueReader reader ? reader.ReadHeld() : null;
        var value = held?.Value ?? ctx.Secrets.Get(ctx.CredentialName);
        if (value is null)
            return held?.Problem ?? await inner.ProbeRejectedAsync(ctx, ct).ConfigureAwait(false);
        var source = held?.Value is not null ? "the URL it holds" : "the revoked URL";
        if (!TryParse(value, out var url, out var bad)) return Outcome.Permanent($"{ctx.ConsumerId}: {source} {bad}");
        var login = await PgLogin.TryAsync(url, ct).ConfigureAwait(false);
        return login.Outcome switch
        {
            LoginOutcome.Refused => Outcome.Ok($"refused: login with {source} ({url.Masked}) fails with {login.Message} (the database's 401)"),
            LoginOutcome.Ok => Outcome.Leak($"still accepted: {source} ({url.Masked}) logs in as {login.CurrentUser}"),
            LoginOutcome.Unreachable => Outcome.Transient($"{ctx.ConsumerId}: login with {source} ({url.Masked}) got no answer: {login.Message}"),
            _ => Outcome.Permanent($"{ctx.ConsumerId}: login with {source} ({url.Masked}) neither refused nor accepted: {login.Message}"),
        };
    }

    private static bool TryParse(SecretValue value, out Dsn.Dsn url, out string? problem)
    {
        url = null!;
        problem = null;
        if (!Dsn.Dsn.TryParse(value.Reveal(), out var parsed, out var error) || parsed!.Kind != Dsn.DsnKind.Postgres)
        {
            problem = $"is not a PostgreSQL URL ({error ?? "SQLite"})";
            return false;
        }
        url = parsed;
        return true;
    }
}
