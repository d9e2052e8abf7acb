using System.Diagnostics.CodeAnalysis;

namespace Velvet.Core.Results;

/// <summary>An expected failure, as a value. Mapped to problem+json / exit codes only at the edges.</summary>
public abstract record Error(string Message)
{
    /// <summary>A stable machine-readable code.</summary>
    public abstract string Code { get; }
}

/// <summary>The thing asked for does not exist.</summary>
public sealed record NotFound(string Message) : Error(Message)
{
    /// <inheritdoc/>
    public override string Code => "not_found";
}

/// <summary>Bad input from a person or caller.</summary>
public sealed record Invalid(string Message, string? Field = null) : Error(Message)
{
    /// <inheritdoc/>
    public override string Code => "invalid";
}

/// <summary>The action is not allowed in the job's current status.</summary>
public sealed record InvalidTransition(string Status, string Action, IReadOnlyList<string> AllowedActions, string Message) : Error(Message)
{
    /// <inheritdoc/>
    public override string Code => "invalid_transition";
}

/// <summary>Another non-terminal job already exists for the credential.</summary>
public sealed record ActiveJobExists(Guid ExistingJobId, string ExistingStatus)
    : Error($"active rotation already in progress: job {ExistingJobId} is {ExistingStatus}; finish or abort it first")
{
    /// <inheritdoc/>
    public override string Code => "active_rotation_in_progress";
}

/// <summary>Someone else changed the job first (optimistic concurrency). Re-read and try again.</summary>
public sealed record ConcurrencyConflict(Guid JobId)
    : Error($"job {JobId} was changed by someone else at the same time; re-read it and try again")
{
    /// <inheritdoc/>
    public override string Code => "concurrency_conflict";
}

/// <summary>A policy refuses the request (e.g. manual_only credential, inactive credential).</summary>
public sealed record Refused(string Message) : Error(Message)
{
    /// <inheritdoc/>
    public override string Code => "refused";
}

/// <summary>Value-or-error. Bugs and infrastructure faults stay exceptions.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error) { Value = value; Error = error; }

    /// <summary>The value when successful.</summary>
    public T? Value { get; }

    /// <summary>The error when failed.</summary>
    public Error? Error { get; }

    /// <summary>True when there is a value.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    /// <summary>Success.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>Failure.</summary>
    public static Result<T> Fail(Error error) => new(default, error);

    /// <summary>Implicit success.</summary>
    public static implicit operator Result<T>(T value) => Ok(value);

    /// <summary>Implicit failure.</summary>
    public static implicit operator Result<T>(Error error) => Fail(error);

    /// <summary>The value, or throws with the error's message (tests and demos).</summary>
    public T Unwrap() => IsOk ? Value : throw new InvalidOperationException(Error.Message);
}
