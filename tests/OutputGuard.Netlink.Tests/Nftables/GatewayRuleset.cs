using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>The gateway's kind of ruleset, built with the library: allow-sets with counters, forward chain, masquerade.</summary>
public static class GatewayRuleset
{
    public const string Table = "og";

    public static NftSet Allow4 { get; } = new()
    {
        Family = NftFamily.Inet,
        Table = Table,
        Name = "allow4",
        KeyType = NftKeyType.Ipv4Addr,
        Counters = true,
    };

    public static NftSet AllowNets { get; } = new()
    {
        Family = NftFamily.Inet,
        Table = Table,
        Name = "allownets",
        KeyType = NftKeyType.Ipv4Addr,
        Flags = NftSetFlags.Interval,
        Counters = true,
    };

    public static NftSet Services { get; } = new()
    {
        Family = NftFamily.Inet,
        Table = Table,
        Name = "services",
        KeyType = NftKeyType.Concat(NftKeyType.Ipv4Addr, NftKeyType.InetProto, NftKeyType.InetService),
        Counters = true,
    };

    public static NftSet Denied { get; } = new()
    {
        Family = NftFamily.Inet,
        Table = Table,
        Name = "denied",
        KeyType = NftKeyType.Ipv4Addr,
        Flags = NftSetFlags.Dynamic | NftSetFlags.Timeout,
        Size = 65536,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static NftChain Forward { get; } = NftChain.Base(NftFamily.Inet, Table, "forward", NftHook.Forward, 0, "filter", NftVerdictCode.Drop);

    public static NftChain Allowed { get; } = NftChain.Regular(NftFamily.Inet, Table, "allowed");

    public static NftChain Postrouting { get; } = NftChain.Base(NftFamily.Inet, Table, "postrouting", NftHook.Postrouting, 100, "nat");

    /// <summary><c>meta nfproto ipv4 ip daddr @allow4 counter jump allowed</c>.</summary>
    public static NftRule AllowByDestination { get; } = Rule(Forward,
        new NftMeta(NftMetaKey.NfProto),
        new NftCmp(NftCmpOp.Eq, [2]),
        NftPayload.Ipv4Destination(),
        new NftLookup("allow4"),
        new NftCounter(),
        NftImmediate.Jump("allowed"));

    /// <summary><c>ct state established,related accept</c>.</summary>
    public static NftRule Established { get; } = Rule(Forward,
        new NftCt(NftCtKey.State),
        new NftBitwise([6, 0, 0, 0], [0, 0, 0, 0]), // ct state is a host-order (little-endian) bitmask
        new NftCmp(NftCmpOp.Neq, [0, 0, 0, 0]),
        NftImmediate.Accept);

    /// <summary><c>meta nfproto ipv4 update @denied { ip daddr } log group 7 drop</c>.</summary>
    public static NftRule DenyAndLog { get; } = Rule(Forward,
        new NftMeta(NftMetaKey.NfProto),
        new NftCmp(NftCmpOp.Eq, [2]),
        NftPayload.Ipv4Destination(),
        new NftDynset("denied", NftDynsetOp.Update, Timeout: TimeSpan.FromSeconds(30)),
        new NftLog { Group = 7, Prefix = "og-deny " },
        NftImmediate.Drop);

    /// <summary><c>accept</c> in the regular chain.</summary>
    public static NftRule AcceptAllowed { get; } = Rule(Allowed, new NftCounter(), NftImmediate.Accept);

    /// <summary><c>masquerade</c>.</summary>
    public static NftRule Masquerade { get; } = Rule(Postrouting, new NftMasq());

    public static NftRule Rule(NftChain chain, params NftExpression[] expressions) =>
        new() { Family = chain.Family, Table = chain.Table, Chain = chain.Name, Expressions = expressions };

    public static void Apply(NftConnection nft, params IPAddress[] allowed)
    {
        using var batch = nft.BeginBatch();
        batch.AddTable(new NftTable(NftFamily.Inet, Table));
        batch.AddChain(Forward);
        batch.AddChain(Allowed);
        batch.AddChain(Postrouting);
        batch.AddSet(Allow4);
        batch.AddSet(AllowNets);
        batch.AddSet(Services);
        batch.AddSet(Denied);
        batch.AddElements(Allow4, allowed.Select(a => NftSetElement.Address(a)));
        batch.AddRule(Established);
        batch.AddRule(AllowByDestination);
        batch.AddRule(DenyAndLog);
        batch.AddRule(AcceptAllowed);
        batch.AddRule(Masquerade);
        batch.Commit();
    }
}
