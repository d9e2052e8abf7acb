namespace Velvet.Dsn;

/// <summary>
/// The database configuration is wrong (the seed's <c>ConfigurationError</c>): the message names the variables
/// involved and what to do, and never contains a password or a full DSN.
/// </summary>
public class DsnConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DsnConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message that names variables, never values.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public DsnConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public DsnConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
