namespace OutputGuard.Netlink.Nftables;

/// <summary>Table families (NFPROTO_* of &lt;linux/netfilter.h&gt;).</summary>
public enum NftFamily : byte
{
    /// <summary>NFPROTO_UNSPEC: every family (dumps only).</summary>
    Unspec = 0,

    /// <summary>NFPROTO_INET: IPv4 and IPv6.</summary>
    Inet = 1,

    /// <summary>NFPROTO_IPV4 ("ip").</summary>
    Ip = 2,

    /// <summary>NFPROTO_ARP.</summary>
    Arp = 3,

    /// <summary>NFPROTO_NETDEV.</summary>
    Netdev = 5,

    /// <summary>NFPROTO_BRIDGE.</summary>
    Bridge = 7,

    /// <summary>NFPROTO_IPV6 ("ip6").</summary>
    Ip6 = 10,
}
