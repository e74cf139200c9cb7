namespace OutputGuard.Addressing;

/// <summary>
/// The IANA IPv4 and IPv6 Special-Purpose Address Registries (as of 2025-10) reduced to what
/// OutputGuard needs: which addresses are not globally reachable, and their names. Each list is
/// painted in order, so a later entry overrides an earlier one that covers it; a <c>null</c> name
/// marks a globally reachable block inside a broader non-reachable one.
/// </summary>
internal static class SpecialPurposeRegistry
{
    /// <summary>The IPv4 layers.</summary>
    public static readonly (string Cidr, string? Name)[] IPv4 =
    [
        ("0.0.0.0/8", "\"this network\" (RFC 791)"),
        ("10.0.0.0/8", "private-use (RFC 1918)"),
        ("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback (RFC 1122)"),
        ("169.254.0.0/16", "link-local (RFC 3927)"),
        ("172.16.0.0/12", "private-use (RFC 1918)"),
        ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
        ("192.0.0.9/32", null), // Port Control Protocol anycast (RFC 7723): globally reachable
        ("192.0.0.10/32", null), // TURN anycast (RFC 8155): globally reachable
        ("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"),
        ("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"),
        ("192.168.0.0/16", "private-use (RFC 1918)"),
        ("198.18.0.0/15", "benchmarking (RFC 2544)"),
        ("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"),
        ("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"),
        ("224.0.0.0/4", "multicast (RFC 5771)"),
        ("240.0.0.0/4", "reserved (RFC 1112), with limited broadcast 255.255.255.255 (RFC 919)"),
    ];

    /// <summary>
    /// The IPv6 layers. Everything outside 2000::/3 is internal except the NAT64 well-known prefix
    /// 64:ff9b::/96; the IPv4 addresses embedded in it and in 6to4 (2002::/16) are checked as IPv4,
    /// which <see cref="InternalRanges"/> adds as further layers.
    /// </summary>
    public static readonly (string Cidr, string? Name)[] IPv6 =
    [
        ("::/0", "reserved by IETF, outside 2000::/3 (RFC 4291)"),
        ("2000::/3", null), // global unicast
        ("::/96", "IPv4-compatible, deprecated (RFC 4291)"),
        ("::/128", "unspecified (RFC 4291)"),
        ("::1/128", "loopback (RFC 4291)"),
        ("::ffff:0:0/96", "IPv4-mapped (RFC 4291)"),
        ("64:ff9b::/96", null), // NAT64 well-known prefix (RFC 6052): as public as the IPv4 it embeds
        ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation (RFC 8215)"),
        ("100::/64", "discard-only (RFC 6666)"),
        ("100:0:0:1::/64", "dummy prefix (RFC 9780)"),
        ("2001::/23", "IETF protocol assignments (RFC 2928)"),
        ("2001::/32", "Teredo (RFC 4380)"),
        ("2001:1::1/128", null), // Port Control Protocol anycast (RFC 7723)
        ("2001:1::2/128", null), // TURN anycast (RFC 8155)
        ("2001:1::3/128", null), // DNS-SD service registration protocol anycast (RFC 9665)
        ("2001:2::/48", "benchmarking (RFC 5180)"),
        ("2001:3::/32", null), // AMT (RFC 7450)
        ("2001:4:112::/48", null), // AS112-v6 (RFC 7535)
        ("2001:10::/28", "deprecated ORCHID (RFC 4843)"),
        ("2001:20::/28", null), // ORCHIDv2 (RFC 7343)
        ("2001:30::/28", null), // Drone Remote ID entity tags (RFC 9374)
        ("2001:db8::/32", "documentation (RFC 3849)"),
        ("3fff::/20", "documentation (RFC 9637)"),
        ("5f00::/16", "segment routing SIDs (RFC 9602)"),
        ("fc00::/7", "unique local (RFC 4193)"),
        ("fe80::/10", "link-local unicast (RFC 4291)"),
        ("fec0::/10", "deprecated site-local (RFC 3879)"),
        ("ff00::/8", "multicast (RFC 4291)"),
    ];

    /// <summary>The NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the IPv4 address is the low 32 bits.</summary>
    public static readonly IpPrefix Nat64 = IpPrefix.Parse("64:ff9b::/96");

    /// <summary>6to4 2002::/16 (RFC 3056): the IPv4 address is the 32 bits after the first 16.</summary>
    public static readonly IpPrefix SixToFour = IpPrefix.Parse("2002::/16");

    /// <summary>IPv4-mapped ::ffff:0:0/96 (RFC 4291): the IPv4 address is the low 32 bits.</summary>
    public static readonly IpPrefix Mapped = IpPrefix.Parse("::ffff:0:0/96");

    /// <summary>IPv4-compatible ::/96 (RFC 4291, deprecated): the IPv4 address is the low 32 bits.</summary>
    public static readonly IpPrefix Compatible = IpPrefix.Parse("::/96");
}
