using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The table <c>inet outputguard</c> as the gateway owns it: per family, allow-sets for hosts (hash, no counters),
/// CIDRs (interval) and port-restricted destinations (concatenated interval <c>addr . l4proto . port</c>), the
/// interval ones with a reply-direction twin so that both directions are counted, the hosts counted in dynamic
/// seen sets that the packet path fills (one per direction); the client and internal ranges; a dynamic set of
/// denied destinations; a forward chain with policy drop that looks the client ranges up once per packet and jumps to
/// a regular chain per family and direction holding the allow rules (<see cref="OutboundChain"/>,
/// <see cref="RepliesChain"/>), and a postrouting chain that masquerades.
/// </summary>
public sealed class TableLayout
{
    /// <summary>The table's name.</summary>
    public const string TableName = "outputguard";

    /// <summary>The forward chain.</summary>
    public const string ForwardChain = "forward";

    /// <summary>The postrouting NAT chain.</summary>
    public const string PostroutingChain = "postrouting";

    /// <summary>The prerouting NAT chain (the DNS redirect to the proxy).</summary>
    public const string PreroutingChain = "prerouting";

    /// <summary>The regular chain that holds the <see cref="TableMarker"/> (nothing jumps to it).</summary>
    public const string StateChain = "state";

    /// <summary>How long a denied destination stays in the denied set after its last packet.</summary>
    public static readonly TimeSpan DeniedTimeout = TimeSpan.FromHours(1);

    /// <summary>The table.</summary>
    public static NftTable Table { get; } = new(NftFamily.Inet, TableName);

    /// <summary>IPv4 and IPv6.</summary>
    public static IReadOnlyList<FamilyLayout> Families { get; } = [FamilyLayout.V4, FamilyLayout.V6];

    /// <summary>The forward base chain: filter, priority 0, policy drop.</summary>
    public static NftChain Forward { get; } =
        NftChain.Base(NftFamily.Inet, TableName, ForwardChain, NftHook.Forward, 0, "filter", NftVerdictCode.Drop);

    /// <summary>The postrouting base chain: nat, priority 100 (srcnat).</summary>
    public static NftChain Postrouting { get; } =
        NftChain.Base(NftFamily.Inet, TableName, PostroutingChain, NftHook.Postrouting, 100, "nat");

    /// <summary>The prerouting base chain: nat, priority -100 (dstnat).</summary>
    public static NftChain Prerouting { get; } =
        NftChain.Base(NftFamily.Inet, TableName, PreroutingChain, NftHook.Prerouting, -100, "nat");

    /// <summary>The chain of the <see cref="TableMarker"/>.</summary>
    public static NftChain State { get; } = NftChain.Regular(NftFamily.Inet, TableName, StateChain);

    /// <summary>
    /// The regular chain of a family's allow rules for clients' packets (<c>outbound4</c>, <c>outbound6</c>), reached by
    /// one jump after the source was found in the client ranges.
    /// </summary>
    public static string OutboundChain(FamilyLayout family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return "outbound" + Suffix(family);
    }

    /// <summary>
    /// The regular chain of a family's allow rules for replies toward clients (<c>replies4</c>, <c>replies6</c>),
    /// reached by one jump after the destination was found in the client ranges.
    /// </summary>
    public static string RepliesChain(FamilyLayout family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return "replies" + Suffix(family);
    }

    /// <summary>
    /// The table's chains: the base chains, the marker's, and each family's allow chains (regular chains, added before
    /// any rule that jumps to them).
    /// </summary>
    public static IReadOnlyList<NftChain> Chains { get; } =
    [
        Forward, Postrouting, Prerouting, State,
        .. Families.SelectMany(f => new[] { OutboundChain(f), RepliesChain(f) }).Select(name => NftChain.Regular(NftFamily.Inet, TableName, name)),
    ];

    /// <summary>The rule that carries <paramref name="marker"/>: <c>return comment "outputguard store … revision …"</c>.</summary>
    public static NftRule MarkerRule(TableMarker marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return Rule(StateChain, [NftImmediate.Return]) with { Comment = marker.Comment };
    }

    /// <summary>Every rule of the table in chain order: forward, the allow chains, postrouting, prerouting, the marker.</summary>
    public static IReadOnlyList<NftRule> AllRules(bool observe, TableMarker marker, IReadOnlyList<System.Net.IPEndPoint>? dnsRedirect = null) =>
        [.. ForwardRules(observe), .. AllowRules(), .. PostroutingRules(), .. DnsRedirect.Rules(dnsRedirect ?? []), MarkerRule(marker)];

    /// <summary>Every set of the table.</summary>
    public static IEnumerable<NftSet> AllSets => Families.SelectMany(f => f.AllSets);

    /// <summary>
    /// The rules of the forward chain, in order; <paramref name="observe"/> records denied traffic without dropping it.
    /// There is no blanket <c>ct state established accept</c>: every packet of a connection, either direction, passes
    /// only while its destination is in an allow-set, so a destination that leaves the allow-list stops at once,
    /// established connections included. New connections pass only from the client ranges.
    /// </summary>
    /// <remarks>
    /// The client ranges are looked up once per packet: a clients' packet jumps to its family's
    /// <see cref="OutboundChain"/>, a reply toward a client to its <see cref="RepliesChain"/> (<see cref="AllowRules"/>),
    /// whose rules accept what is allowed; what none of them accepts comes back to the next rule here, as if the allow
    /// rules stood in this chain.
    /// </remarks>
    public static IReadOnlyList<NftRule> ForwardRules(bool observe)
    {
        var rules = new List<NftRule>();
        foreach (var f in Families)
        {
            // Replies of client connections (the allow rules count every packet and accept). An allowed host's reply
            // that its seen set could not count (the set is full, or the kernel made no element) comes back from the
            // allow chain and passes here, uncounted, so that counting never decides what passes.
            NftExpression[] replyToClient = [.. Reply, .. f.Match(), .. f.DestinationIn(f.Clients.Name)];
            rules.Add(Rule(ForwardChain, [.. replyToClient, NftImmediate.Jump(RepliesChain(f))]));
            rules.Add(Uncounted(f, [.. replyToClient, .. f.SourceIn(f.Hosts.Name), new NftCounter(), NftImmediate.Accept], "INPUT"));

            // Clients to allowed destinations, and the uncounted fallback of the hosts likewise.
            NftExpression[] fromClient = [.. f.Match(), .. f.SourceIn(f.Clients.Name)];
            rules.Add(Rule(ForwardChain, [.. fromClient, NftImmediate.Jump(OutboundChain(f))]));
            rules.Add(Uncounted(f, [.. fromClient, .. f.DestinationIn(f.Hosts.Name), new NftCounter(), NftImmediate.Accept], "OUTPUT"));
        }

        NftExpression[] reply = Reply;
        var related = NftCt.StateIsAnyOf(NftCtState.Related);
        foreach (var f in Families)
        {
            // ICMP errors and other related packets toward clients (path MTU discovery): only for connections whose
            // original destination is still allowed.
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalDestinationIn(f.Hosts.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalDestinationIn(f.NetsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalServiceIn(f.PortsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalDestinationIn(f.LearnedIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalServiceIn(f.LearnedPortsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. related, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.OriginalServiceIn(f.LearnedRangesIn.Name), NftImmediate.Accept]));

            // Internal destinations are left alone: clients may reach them, and their replies come back.
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name), .. f.DestinationIn(f.Internal.Name), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. reply, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.SourceIn(f.Internal.Name), NftImmediate.Accept]));

            // Clients to any other (public) destination: record daddr . l4proto . dport, then drop (observing: accept).
            var verdict = observe ? NftImmediate.Accept : NftImmediate.Drop;
            var denied = new NftDynset(f.Denied.Name, NftDynsetOp.Update, NftRegisters.Reg1, DeniedTimeout);
            foreach (var proto in PortProtocols)
            {
                rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name), .. L4Proto(proto), .. f.RecordKey(source: false, withPort: true), denied, verdict]));
            }

            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name), .. f.RecordKey(source: false, withPort: false), denied, verdict]));
            if (observe)
            {
                // Observing lets the replies of what it let pass come back (enforcing, only allowed destinations' do).
                rules.Add(Rule(ForwardChain, [.. reply, .. f.Match(), .. f.DestinationIn(f.Clients.Name), NftImmediate.Accept]));
            }

            // A new connection toward a client from anywhere else (the internet, an allowed destination): record the
            // initiator . l4proto . the client's port, then drop (observing: accept).
            var fresh = NftCt.StateIsAnyOf(NftCtState.New);
            var inbound = new NftDynset(f.Inbound.Name, NftDynsetOp.Update, NftRegisters.Reg1, DeniedTimeout);
            foreach (var proto in PortProtocols)
            {
                rules.Add(Rule(ForwardChain, [.. fresh, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. L4Proto(proto), .. f.RecordKey(source: true, withPort: true), inbound, verdict]));
            }

            rules.Add(Rule(ForwardChain, [.. fresh, .. f.Match(), .. f.DestinationIn(f.Clients.Name), .. f.RecordKey(source: true, withPort: false), inbound, verdict]));
        }

        return rules;
    }

    /// <summary>
    /// The rules of each family's allow chains, which the forward chain jumps to once the client ranges matched: per
    /// direction, the hosts (counted in the seen set on every packet), the CIDRs, the port-restricted destinations and
    /// the addresses the DNS proxy learned, each rule accepting; a packet none of them accepts returns to the forward
    /// chain (the uncounted fallback, the related, internal and denied rules).
    /// </summary>
    public static IReadOnlyList<NftRule> AllowRules()
    {
        var rules = new List<NftRule>();
        foreach (var f in Families)
        {
            // Clients to allowed destinations: count and accept.
            var outbound = OutboundChain(f);
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationIn(f.Hosts.Name), Count(f.Seen), NftImmediate.Accept]));
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationIn(f.Nets.Name), NftImmediate.Accept]));
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationServiceIn(f.Ports.Name), NftImmediate.Accept]));

            // Clients to addresses the DNS proxy learned (each element expires on its own).
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationIn(f.Learned.Name), NftImmediate.Accept]));
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationServiceIn(f.LearnedPorts.Name), NftImmediate.Accept]));
            rules.Add(Rule(outbound, [.. f.Match(), .. f.DestinationServiceIn(f.LearnedRanges.Name), NftImmediate.Accept]));

            // Replies of client connections from allowed destinations: count every packet and accept.
            var replies = RepliesChain(f);
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceIn(f.Hosts.Name), Count(f.SeenIn), NftImmediate.Accept]));
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceIn(f.NetsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceServiceIn(f.PortsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceIn(f.LearnedIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceServiceIn(f.LearnedPortsIn.Name), NftImmediate.Accept]));
            rules.Add(Rule(replies, [.. f.Match(), .. f.SourceServiceIn(f.LearnedRangesIn.Name), NftImmediate.Accept]));
        }

        return rules;
    }

    /// <summary>The rules of the postrouting chain: clients' traffic to public destinations is masqueraded.</summary>
    public static IReadOnlyList<NftRule> PostroutingRules() =>
        [.. Families.Select(f => Rule(PostroutingChain,
            [.. f.Match(), .. f.SourceIn(f.Clients.Name), f.DestinationAddress(), new NftLookup(f.Internal.Name, NftRegisters.Reg1, Invert: true), new NftMasq()]))];

    /// <summary><c>ct direction reply</c>.</summary>
    private static NftExpression[] Reply => [new NftCt(NftCtKey.Direction), new NftCmp(NftCmpOp.Eq, [NftCt.Reply])];

    private static string Suffix(FamilyLayout family) => family.AddressLength == 4 ? "4" : "6";

    /// <summary>The protocols whose denied packets are recorded with their destination port.</summary>
    private static readonly byte[] PortProtocols = [6, 17];

    /// <summary>
    /// The comment of the rule that accepts an allowed host's packets its seen set could not count (the kernel made no
    /// element: its per-CPU atomic memory pool ran dry, or the set is full), counting them in the rule's own counter.
    /// </summary>
    public static string UncountedComment(FamilyLayout family, string type)
    {
        ArgumentNullException.ThrowIfNull(family);
        return $"outputguard uncounted {family.Hosts.Name} {type}";
    }

    private static NftRule Uncounted(FamilyLayout f, NftExpression[] expressions, string type) =>
        Rule(ForwardChain, expressions) with { Comment = UncountedComment(f, type) };

    /// <summary><c>update @seen { reg1 }</c>: adds the address in Reg1 to a seen set, or counts the packet in its element.</summary>
    private static NftDynset Count(NftSet seen) => new(seen.Name, NftDynsetOp.Update, NftRegisters.Reg1);

    private static NftExpression[] L4Proto(byte protocol) => [new NftMeta(NftMetaKey.L4Proto), new NftCmp(NftCmpOp.Eq, [protocol])];

    internal static NftRule Rule(string chain, IReadOnlyList<NftExpression> expressions) =>
        new() { Family = NftFamily.Inet, Table = TableName, Chain = chain, Expressions = expressions };
}
