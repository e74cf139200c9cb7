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
    private readonly NftKeyType _addressKey;
    private readonly NftKeyType _serviceKey;

    private FamilyLayout(AddressFamily family, string suffix, byte nfproto, uint sourceOffset, uint length)
    {
        Family = family;
        _nfproto = nfproto;
        _sourceOffset = sourceOffset;
        _destinationOffset = sourceOffset + length;
        AddressLength = (int)length;
        var addr = _addressKey = length == 4 ? NftKeyType.Ipv4Addr : NftKeyType.Ipv6Addr;
        var service = _serviceKey = NftKeyType.Concat(addr, NftKeyType.InetProto, NftKeyType.InetService);
        Hosts = Set("hosts" + suffix, addr, NftSetFlags.None, counters: false);
        Seen = Set("seen" + suffix, addr, NftSetFlags.Dynamic, counters: true) with { Size = SeenSize };
        SeenIn = Seen with { Name = Seen.Name + "_in" };
        Nets = Set("nets" + suffix, addr, NftSetFlags.Interval, counters: true);
        NetsIn = Nets with { Name = Nets.Name + "_in" };
        Ports = Set("ports" + suffix, service, NftSetFlags.Interval, counters: true);
        PortsIn = Ports with { Name = Ports.Name + "_in" };
        Clients = Set("clients" + suffix, addr, NftSetFlags.Interval, counters: false);
        Internal = Set("internal" + suffix, addr, NftSetFlags.Interval, counters: false);
        Denied = Set("denied" + suffix, service, NftSetFlags.Dynamic | NftSetFlags.Timeout, counters: true) with
        {
            Timeout = TableLayout.DeniedTimeout,
            Size = 65536,
        };
        Inbound = Denied with { Name = "inbound" + suffix };
        Learned = Set("learned" + suffix, addr, NftSetFlags.Timeout, counters: true) with { Size = LearnedSize };
        LearnedPorts = Set("learnedports" + suffix, service, NftSetFlags.Timeout, counters: true) with { Size = LearnedSize };
        LearnedRanges = Set("learnedranges" + suffix, service, NftSetFlags.Interval | NftSetFlags.Timeout, counters: true) with { Size = LearnedSize };
        LearnedIn = Learned with { Name = Learned.Name + "_in" };
        LearnedPortsIn = LearnedPorts with { Name = LearnedPorts.Name + "_in" };
        LearnedRangesIn = LearnedRanges with { Name = LearnedRanges.Name + "_in" };
    }

    /// <summary>The most elements a learned set holds.</summary>
    public const uint LearnedSize = 1 << 20;

    /// <summary>
    /// The most elements a seen set holds: as many hosts as a gateway applies at most
    /// (<see cref="EnforcerSettings.HostsMaximum"/>), so that the hosts set never outnumbers it (a dynamic set's size
    /// only bounds it; the kernel allocates as elements come). Past it, an allowed host's traffic still passes, uncounted.
    /// </summary>
    public const uint SeenSize = 1 << 24;

    /// <summary>IPv4.</summary>
    public static FamilyLayout V4 { get; } = new(AddressFamily.InterNetwork, "4", 2, 12, 4);

    /// <summary>IPv6.</summary>
    public static FamilyLayout V6 { get; } = new(AddressFamily.InterNetworkV6, "6", 10, 8, 16);

    /// <summary>The address family.</summary>
    public AddressFamily Family { get; }

    /// <summary>4 or 16.</summary>
    public int AddressLength { get; }

    /// <summary>
    /// Allowed single addresses, all ports, both directions: a hash set without counters, the bulk of a large
    /// allow-list (a counter per element is most of the kernel's cost of loading a million; see <see cref="Seen"/>).
    /// The enforcer gives it its size (<see cref="HostsCapacity"/>); this shape has none.
    /// </summary>
    public NftSet Hosts { get; }

    /// <summary>
    /// The hosts that carried traffic from clients, each with its counter: the packet path adds an allowed host on
    /// its first packet (<c>update @seen4 { ip daddr }</c>) and counts every packet after. The enforcer deletes a host
    /// from it when the host leaves <see cref="Hosts"/>, so it only ever holds allowed hosts; its contents are the
    /// kernel's, not compared with what was applied.
    /// </summary>
    public NftSet Seen { get; }

    /// <summary>The reply-direction twin of <see cref="Seen"/>: hosts whose replies reached clients.</summary>
    public NftSet SeenIn { get; }

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

    /// <summary>Denied destinations, <c>daddr . l4proto . dport</c> (dynamic, with timeout and counters).</summary>
    public NftSet Denied { get; }

    /// <summary>
    /// Connections initiated from outside toward a client, <c>saddr . l4proto . dport</c> (the initiator, the
    /// protocol and the client's port it tried; dynamic, with timeout and counters).
    /// </summary>
    public NftSet Inbound { get; }

    /// <summary>
    /// Addresses the DNS proxy learned for domain entries without port rules, each with its own timeout (TTL + grace);
    /// the reply direction looks them up in <see cref="LearnedIn"/>, so that each direction is counted on its own.
    /// </summary>
    public NftSet Learned { get; }

    /// <summary>The reply-direction twin of <see cref="Learned"/> (same elements and timeouts).</summary>
    public NftSet LearnedIn { get; }

    /// <summary>The reply-direction twin of <see cref="LearnedPorts"/>.</summary>
    public NftSet LearnedPortsIn { get; }

    /// <summary>Learned addresses of port-restricted domain entries: <c>addr . l4proto . port</c>, each with its timeout.</summary>
    public NftSet LearnedPorts { get; }

    /// <summary>
    /// Learned addresses of domain entries whose port rules span more than 1,024 ports: <c>addr . l4proto . port</c>
    /// ranges of aligned 256-port blocks (equal or disjoint, so elements of two entries never overlap), each with its
    /// timeout; the rule's ports outside whole blocks are single elements of <see cref="LearnedPorts"/>.
    /// </summary>
    public NftSet LearnedRanges { get; }

    /// <summary>The reply-direction twin of <see cref="LearnedRanges"/>.</summary>
    public NftSet LearnedRangesIn { get; }

    /// <summary>
    /// The allow-sets that hold exactly what the enforcer applied (hosts, CIDRs and ports, with the reply twins of the
    /// interval sets): the ones compared with its mirror and repaired.
    /// </summary>
    public IEnumerable<NftSet> AppliedSets => [Hosts, Nets, NetsIn, Ports, PortsIn];

    /// <summary>The outbound allow-sets: what one destination of the allow-list is counted in as one element.</summary>
    public bool IsOutboundAllowSet(NftSet set) => set == Hosts || set == Nets || set == Ports;

    /// <summary>
    /// The sets of published destinations' counters, as (outbound, reply) pairs: the seen sets for the hosts, the
    /// interval allow-sets for CIDRs and ports.
    /// </summary>
    public IEnumerable<(NftSet Out, NftSet In)> CountedPairs => [(Seen, SeenIn), (Nets, NetsIn), (Ports, PortsIn)];

    /// <summary>Every set of this family.</summary>
    public IEnumerable<NftSet> AllSets => [Hosts, Seen, SeenIn, Nets, NetsIn, Ports, PortsIn, Clients, Internal, Denied, Inbound, Learned, LearnedPorts, LearnedRanges, LearnedIn, LearnedPortsIn, LearnedRangesIn];

    /// <summary><c>meta nfproto ipv4|ipv6</c>.</summary>
    internal NftExpression[] Match() => [new NftMeta(NftMetaKey.NfProto), new NftCmp(NftCmpOp.Eq, [_nfproto])];

    /// <summary>
    /// The layout of the family whose addresses <paramref name="set"/> holds, read from the set's key type
    /// (<c>ipv4_addr</c>, <c>ipv6_addr</c>, or either concatenated with <c>inet_proto . inet_service</c>).
    /// </summary>
    public static FamilyLayout Of(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return TableLayout.Families.FirstOrDefault(f => set.KeyType.Equals(f._addressKey) || set.KeyType.Equals(f._serviceKey))
            ?? throw new ArgumentException($"set {set.Name} is keyed by no IPv4 or IPv6 address", nameof(set));
    }

    /// <summary>Loads the destination address into Reg1.</summary>
    internal NftPayload DestinationAddress() => new(NftPayloadBase.Network, _destinationOffset, (uint)AddressLength);

    /// <summary><c>ip saddr @set</c>: the packet's source address is in <paramref name="set"/>.</summary>
    internal NftExpression[] SourceIn(string set) => AddressIn(set, _sourceOffset);

    /// <summary><c>ip daddr @set</c>: the packet's destination address is in <paramref name="set"/>.</summary>
    internal NftExpression[] DestinationIn(string set) => AddressIn(set, _destinationOffset);

    /// <summary><c>ip daddr . meta l4proto . th dport @set</c>: where the packet goes, with protocol and port.</summary>
    internal NftExpression[] DestinationServiceIn(string set) => ServiceIn(set, dest: true);

    /// <summary><c>ip saddr . meta l4proto . th sport @set</c>: where a reply comes from, with protocol and port.</summary>
    internal NftExpression[] SourceServiceIn(string set) => ServiceIn(set, dest: false);

    private NftExpression[] AddressIn(string set, uint offset) =>
        [new NftPayload(NftPayloadBase.Network, offset, (uint)AddressLength), new NftLookup(set)];

    private NftExpression[] ServiceIn(string set, bool dest)
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

    /// <summary>
    /// <c>ct original ip daddr @set</c>: the original destination of the packet's connection (for replies and
    /// related packets, whoever sent them).
    /// </summary>
    internal NftExpression[] OriginalDestinationIn(string set) =>
        [OriginalDestination(NftRegisters.Reg1), new NftLookup(set)];

    /// <summary><c>ct original ip daddr . ct original protocol . ct original proto-dst @set</c>.</summary>
    internal NftExpression[] OriginalServiceIn(string set)
    {
        var words = AddressLength / 4;
        return
        [
            OriginalDestination(NftRegisters.Reg1),
            new NftCt(NftCtKey.Protocol, words == 4 ? NftRegisters.Reg2 : NftRegisters.Reg32(words)),
            new NftCt(NftCtKey.ProtoDst, NftRegisters.Reg32(words + 1), NftCt.Original),
            new NftLookup(set),
        ];
    }

    /// <summary>
    /// Loads <c>daddr . l4proto . dport</c> (or <c>saddr . l4proto . dport</c> when <paramref name="source"/>) into
    /// the registers of a concatenated key; <paramref name="withPort"/> false loads port 0 (protocols without ports).
    /// </summary>
    internal NftExpression[] RecordKey(bool source, bool withPort)
    {
        var words = AddressLength / 4;
        var protoRegister = words == 4 ? NftRegisters.Reg2 : NftRegisters.Reg32(words);
        return
        [
            new NftPayload(NftPayloadBase.Network, source ? _sourceOffset : _destinationOffset, (uint)AddressLength),
            new NftMeta(NftMetaKey.L4Proto, protoRegister),
            withPort
                ? new NftPayload(NftPayloadBase.Transport, 2, 2, NftRegisters.Reg32(words + 1))
                : NftImmediate.Load(NftRegisters.Reg32(words + 1), [0, 0, 0, 0]),
        ];
    }

    private NftCt OriginalDestination(int register) =>
        new(AddressLength == 4 ? NftCtKey.DstIp : NftCtKey.DstIp6, register, NftCt.Original);

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
