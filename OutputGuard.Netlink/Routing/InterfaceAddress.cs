using System.Net;

namespace OutputGuard.Netlink.Routing;

/// <summary>An address on an interface: "10.0.0.1/24 on link 3".</summary>
/// <param name="LinkIndex">The interface index.</param>
/// <param name="Address">The local address (IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL).</param>
/// <param name="PrefixLength">ifa_prefixlen.</param>
/// <param name="Scope">ifa_scope (0 global, 253 link, 254 host).</param>
public sealed record InterfaceAddress(int LinkIndex, IPAddress Address, int PrefixLength, byte Scope = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Address}/{PrefixLength} dev #{LinkIndex}");
}
