namespace Velvet.Database.Grants;

/// <summary>Why a grants command stopped before doing its work.</summary>
public enum GrantsFailure
{
    /// <summary>The policy does not fit this database (role, schema or database missing or wrong).</summary>
    Config = 1,
    /// <summary>The connecting role may not change the grants it would have to change.</summary>
    Refused = 2,
    /// <summary>The database could not be reached or refused the login.</summary>
    Connect = 3,
}

/// <summary>An expected failure of a grants command, with a message that says what to do. Never contains a secret.</summary>
public sealed class GrantsException(GrantsFailure failure, string message) : Exception(message)
{
    /// <summary>The kind of failure (the CLI maps it to an exit code).</summary>
    public GrantsFailure Failure { get; } = failure;
}
