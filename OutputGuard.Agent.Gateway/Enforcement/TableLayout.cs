using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The table <c>inet outputguard</c> as the gateway owns it: per family, allow-sets for hosts (hash), CIDRs
/// (interval) and port-restricted destinations (concatenated interval <c>addr . l4proto . port</c>), each with a
/// reply-direction twin so that both directions are counted; the client and internal ranges; a dynamic set of
/// denied destinations; a forward chain with policy drop and a postrouting chain that masquerades.
/// </summary>
public sealed class TableLayout
{
    /// <summary>The table's name.</summary>
    public const string TableName = "outputguard";

    /// <summary>The forward chain.</summary>
    public const string ForwardChain = "forward";

    /// <summary>The postrouting NAT chain.</summary>
    public const string PostroutingChain = "postrouting";

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

    /// <summary>Every set of the table.</summary>
    public static IEnumerable<NftSet> AllSets => Families.SelectMany(f => f.AllSets);

    /// <summary>The rules of the forward chain, in order; <paramref name="observe"/> records denied traffic without dropping it.</summary>
    public static IReadOnlyList<NftRule> ForwardRules(bool observe)
    {
        var rules = new List<NftRule>();
        foreach (var f in Families)
        {
            // Replies from allowed destinations to clients: count every packet (no verdict; conntrack accepts below).
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: true), .. f.AddressIn(f.HostsIn.Name, dest: false)]));
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: true), .. f.AddressIn(f.NetsIn.Name, dest: false)]));
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: true), .. f.ServiceIn(f.PortsIn.Name, dest: false)]));

            // Clients to allowed destinations: count and accept.
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: false), .. f.AddressIn(f.Hosts.Name, dest: true), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: false), .. f.AddressIn(f.Nets.Name, dest: true), NftImmediate.Accept]));
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: false), .. f.ServiceIn(f.Ports.Name, dest: true), NftImmediate.Accept]));
        }

        // ct state established,related accept
        rules.Add(Rule(ForwardChain,
        [
            new NftCt(NftCtKey.State),
            new NftBitwise([6, 0, 0, 0], [0, 0, 0, 0]),
            new NftCmp(NftCmpOp.Neq, [0, 0, 0, 0]),
            NftImmediate.Accept,
        ]));

        foreach (var f in Families)
        {
            // Internal destinations are left alone.
            rules.Add(Rule(ForwardChain, [.. f.Match(), .. f.AddressIn(f.Internal.Name, dest: true), NftImmediate.Accept]));

            // Clients to any other (public) destination: record it, then drop (or, observing, let it pass).
            NftExpression[] record =
            [
                .. f.Match(),
                .. f.SourceIn(f.Clients.Name, dest: false),
                f.Destination(),
                new NftDynset(f.Denied.Name, NftDynsetOp.Update, NftRegisters.Reg1, DeniedTimeout),
            ];
            rules.Add(Rule(ForwardChain, [.. record, observe ? NftImmediate.Accept : NftImmediate.Drop]));
        }

        return rules;
    }

    /// <summary>The rules of the postrouting chain: clients' traffic to public destinations is masqueraded.</summary>
    public static IReadOnlyList<NftRule> PostroutingRules() =>
        [.. Families.Select(f => Rule(PostroutingChain,
            [.. f.Match(), .. f.SourceIn(f.Clients.Name, dest: false), f.Destination(), new NftLookup(f.Internal.Name, NftRegisters.Reg1, Invert: true), new NftMasq()]))];

    private static NftRule Rule(string chain, IReadOnlyList<NftExpression> expressions) =>
        new() { Family = NftFamily.Inet, Table = TableName, Chain = chain, Expressions = expressions };
}
