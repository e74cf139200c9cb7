namespace OutputGuard.Netlink.Nftables;

/// <summary>Netfilter hooks (NF_INET_* of &lt;linux/netfilter.h&gt;).</summary>
public enum NftHook : uint
{
    /// <summary>NF_INET_PRE_ROUTING.</summary>
    Prerouting = 0,

    /// <summary>NF_INET_LOCAL_IN.</summary>
    Input = 1,

    /// <summary>NF_INET_FORWARD.</summary>
    Forward = 2,

    /// <summary>NF_INET_LOCAL_OUT.</summary>
    Output = 3,

    /// <summary>NF_INET_POST_ROUTING.</summary>
    Postrouting = 4,
}
