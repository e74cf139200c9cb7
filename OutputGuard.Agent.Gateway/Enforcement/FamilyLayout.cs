using System.Net.Sockets;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>The sets and the header offsets of one address family in <see cref="TableLayout"/>.</summary>
public sealed class FamilyLayout
{
    private readonly byte _nfproto;
    private readonly uint _sourceOffset;
    private readonly uint _destinationOffset;

    private FamilyLayout(AddressFamily family, string suffix, byte nfproto, uint sourceOffset, uint length)
    {
        Family = family;
        _nfproto = nfproto;
        _sourceOffset = sourceOffset;
        _destinationOffset = sourceOffset + length;
        AddressLength = (int)length;
        var addr = length == 4 ? NftKeyType.Ipv4Addr : NftKeyType.Ipv6Addr;
        var service = NftKeyType.Concat(addr, NftKeyType.InetProto, NftKeyType.InetService);
        Hosts = Set("hosts" + suffix, addr, NftSetFlags.None, counters: true);
        HostsIn = Hosts with { Name = Hosts.Name + "_in" };
        Nets = Set("nets" + suffix, addr, NftSetFlags.Interval, counters: true);
        NetsIn = Nets with { Name = Nets.Name + "_in" };
        Ports = Set("ports" + suffix, service, NftSetFlags.Interval, counters: true);
        PortsIn = Ports with { Name = Ports.Name + "_in" };
        Clients = Set("clients" + suffix, addr, NftSetFlags.Interval, counters: false);
        Internal = Set("internal" + suffix, addr, NftSetFlags.Interval, counters: false);
        Denied = Set("denied" + suffix, addr, NftSetFlags.Dynamic | NftSetFlags.Timeout, counters: true) with
        {
            Timeout = TableLayout.DeniedTimeout,
            Size = 65536,
        };
    }

    /// <summary>IPv4.</summary>
    public static FamilyLayout V4 { get; } = new(AddressFamily.InterNetwork, "4", 2, 12, 4);

    /// <summary>IPv6.</summary>
    public static FamilyLayout V6 { get; } = new(AddressFamily.InterNetworkV6, "6", 10, 8, 16);

    /// <summary>The address family.</summary>
    public AddressFamily Family { get; }

    /// <summary>4 or 16.</summary>
    public int AddressLength { get; }

    /// <summary>Allowed single addresses, all ports (client → destination).</summary>
    public NftSet Hosts { get; }

    /// <summary>The reply-direction twin of <see cref="Hosts"/>.</summary>
    public NftSet HostsIn { get; }

    /// <summary>Allowed CIDRs, all ports, merged (client → destination).</summary>
    public NftSet Nets { get; }

    /// <summary>The reply-direction twin of <see cref="Nets"/>.</summary>
    public NftSet NetsIn { get; }

    /// <summary>Port-restricted destinations: <c>addr . l4proto . port</c> ranges.</summary>
    public NftSet Ports { get; }

    /// <summary>The reply-direction twin of <see cref="Ports"/>.</summary>
    public NftSet PortsIn { get; }

    /// <summary>The client source ranges.</summary>
    public NftSet Clients { get; }

    /// <summary>The internal ranges (left alone).</summary>
    public NftSet Internal { get; }

    /// <summary>Denied destinations (dynamic, with timeout and counters).</summary>
    public NftSet Denied { get; }

    /// <summary>The allow-sets with counters, as (outbound, reply) pairs.</summary>
    public IEnumerable<(NftSet Out, NftSet In)> AllowPairs => [(Hosts, HostsIn), (Nets, NetsIn), (Ports, PortsIn)];

    /// <summary>Every set of this family.</summary>
    public IEnumerable<NftSet> AllSets => [Hosts, HostsIn, Nets, NetsIn, Ports, PortsIn, Clients, Internal, Denied];

    /// <summary><c>meta nfproto ipv4|ipv6</c>.</summary>
    internal NftExpression[] Match() => [new NftMeta(NftMetaKey.NfProto), new NftCmp(NftCmpOp.Eq, [_nfproto])];

    /// <summary>Loads the destination address into Reg1.</summary>
    internal NftPayload Destination() => new(NftPayloadBase.Network, _destinationOffset, (uint)AddressLength);

    /// <summary><c>ip saddr @set</c> (or daddr when <paramref name="dest"/>).</summary>
    internal NftExpression[] SourceIn(string set, bool dest) => AddressIn(set, dest);

    /// <summary><c>ip daddr @set</c> (or saddr).</summary>
    internal NftExpression[] AddressIn(string set, bool dest) =>
        [new NftPayload(NftPayloadBase.Network, dest ? _destinationOffset : _sourceOffset, (uint)AddressLength), new NftLookup(set)];

    /// <summary><c>ip daddr . meta l4proto . th dport @set</c> (or saddr . sport for replies).</summary>
    internal NftExpression[] ServiceIn(string set, bool dest)
    {
        var words = AddressLength / 4;
        return
        [
            new NftPayload(NftPayloadBase.Network, dest ? _destinationOffset : _sourceOffset, (uint)AddressLength),
            // The kernel reports a 32-bit register that starts a 16-byte one by the 16-byte name (reg 12 is reg 2).
            new NftMeta(NftMetaKey.L4Proto, words == 4 ? NftRegisters.Reg2 : NftRegisters.Reg32(words)),
            new NftPayload(NftPayloadBase.Transport, dest ? 2u : 0u, 2, NftRegisters.Reg32(words + 1)),
            new NftLookup(set),
        ];
    }

    private static NftSet Set(string name, NftKeyType key, NftSetFlags flags, bool counters) => new()
    {
        Family = NftFamily.Inet,
        Table = TableLayout.TableName,
        Name = name,
        KeyType = key,
        Flags = flags,
        Counters = counters,
    };
}
