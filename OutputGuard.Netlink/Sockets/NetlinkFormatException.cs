namespace OutputGuard.Netlink.Sockets;

/// <summary>A netlink message was truncated or malformed; nothing was read out of range.</summary>
public sealed class NetlinkFormatException : Exception
{
    /// <summary>Creates an exception.</summary>
    public NetlinkFormatException()
        : base("Malformed netlink message.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public NetlinkFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public NetlinkFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
