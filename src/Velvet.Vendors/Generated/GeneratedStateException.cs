namespace Velvet.Vendors.Generated;

/// <summary>The state file exists but cannot be used (unreadable or not this format). Retrying will not help.</summary>
public sealed class GeneratedStateException(string message, Exception? inner = null) : Exception(message, inner);
