namespace Velvet.Dsn;

/// <summary>A DSN that could not be parsed. The message says what is wrong and never contains the DSN itself.</summary>
public sealed class DsnFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DsnFormatException()
    {
    }

    /// <summary>Creates the exception with a message that must not contain the DSN.</summary>
    /// <param name="message">What is wrong.</param>
    public DsnFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DsnFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
