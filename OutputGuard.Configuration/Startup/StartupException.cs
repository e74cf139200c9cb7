namespace OutputGuard.Configuration.Startup;

/// <summary>
/// A start that cannot go on for a reason outside the configuration's text (a store that does not answer, a port in
/// use, a missing namespace): exit 1 with one line naming the key and the cause, e.g.
/// <c>db_server 127.0.0.1:3307: connection refused</c>.
/// </summary>
public sealed class StartupException : Exception
{
    /// <summary>Creates the failure: <paramref name="subject"/> names the key (and its value), <paramref name="cause"/> what happened and the fix.</summary>
    public StartupException(string subject, string cause)
        : base($"{subject}: {cause}")
    {
    }

    /// <summary>Creates the failure with its cause.</summary>
    public StartupException(string subject, string cause, Exception innerException)
        : base($"{subject}: {cause}", innerException)
    {
    }

    /// <summary>Creates the failure.</summary>
    public StartupException()
    {
    }

    /// <summary>Creates the failure.</summary>
    public StartupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the failure.</summary>
    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
