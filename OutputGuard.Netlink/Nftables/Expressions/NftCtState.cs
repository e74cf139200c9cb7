namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>
/// The bits <c>ct state</c> (NFT_CT_STATE) loads: NF_CT_STATE_BIT(IP_CT_*) of
/// &lt;linux/netfilter/nf_conntrack_common.h&gt;, <c>1 &lt;&lt; (ctinfo % IP_CT_IS_REPLY + 1)</c>, so a reply and its
/// original direction share a bit. The kernel stores them in host byte order (<see cref="NftCt.StateBytes"/>).
/// </summary>
[Flags]
public enum NftCtState : uint
{
    /// <summary>No bit.</summary>
    None = 0,

    /// <summary>NF_CT_STATE_INVALID_BIT: a packet conntrack could not place.</summary>
    Invalid = 1 << 0,

    /// <summary>NF_CT_STATE_BIT(IP_CT_ESTABLISHED): part of an established connection, either direction.</summary>
    Established = 1 << 1,

    /// <summary>NF_CT_STATE_BIT(IP_CT_RELATED): related to an existing connection (an ICMP error), either direction.</summary>
    Related = 1 << 2,

    /// <summary>NF_CT_STATE_BIT(IP_CT_NEW): starts a new connection (original direction only).</summary>
    New = 1 << 3,

    /// <summary>NF_CT_STATE_UNTRACKED_BIT: a packet conntrack was told to ignore (<c>notrack</c>).</summary>
    Untracked = 1 << 6,
}
