namespace Velvet.Vendors.Generated;

/// <summary>
/// Answers "would the vendor accept this value now?" from the generated vendor's state, so a local service
/// (the demo's HTTP consumer) can refuse revoked values the way a real vendor would.
/// </summary>
public sealed class GeneratedCredentialAuthority
{
    private readonly GeneratedStateStore _store;

    /// <param name="stateDirectory">The generated vendor's <c>state_dir</c> for the credential.</param>
    public GeneratedCredentialAuthority(string stateDirectory) => _store = new GeneratedStateStore(stateDirectory);

    /// <summary>True when the value's fingerprint matches an id of the credential that is not revoked.</summary>
    public bool IsAccepted(string credentialName, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialName);
        return !string.IsNullOrEmpty(value) && _store.IsAccepted(credentialName, value);
    }
}
