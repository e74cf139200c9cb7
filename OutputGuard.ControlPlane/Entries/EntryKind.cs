namespace OutputGuard.ControlPlane.Entries;

/// <summary>What an entry's value is; decided by validation, never by the caller.</summary>
public enum EntryKind
{
    /// <summary>A fully qualified domain name or a wildcard <c>*.example.com</c>.</summary>
    Domain = 1,

    /// <summary>One IPv4 or IPv6 address (stored as a host prefix).</summary>
    Ip = 2,

    /// <summary>An IPv4 or IPv6 network.</summary>
    Cidr = 3,
}
