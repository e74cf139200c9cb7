namespace OutputGuard.Addressing;

/// <summary>The protocol of a port rule; values are IANA protocol numbers.</summary>
public enum L4Protocol
{
    /// <summary>Every port of every protocol.</summary>
    Any = 0,

    /// <summary>TCP.</summary>
    Tcp = 6,

    /// <summary>UDP.</summary>
    Udp = 17,
}
