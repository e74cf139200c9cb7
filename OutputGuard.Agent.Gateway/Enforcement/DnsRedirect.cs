using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The prerouting rules that send the clients' DNS (UDP and TCP port 53) to public resolvers to the gateway's own
/// DNS proxy: <c>ip saddr @clients4 ip daddr != @internal4 meta l4proto udp th dport 53 dnat ip to PROXY:PORT</c>,
/// one pair per family that has a proxy address. DNS to internal resolvers is left alone.
/// </summary>
public static class DnsRedirect
{
    /// <summary>NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED: the kernel sets both when the registers are given, and dumps them.</summary>
    private const uint MapAddressAndPort = 0x1 | 0x2;

    private static readonly byte[] Protocols = [6, 17];

    /// <summary>The rules for <paramref name="targets"/> (at most one per family is used: the first).</summary>
    public static IReadOnlyList<NftRule> Rules(IReadOnlyList<IPEndPoint> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var rules = new List<NftRule>();
        foreach (var f in TableLayout.Families)
        {
            var target = targets.FirstOrDefault(t => t.AddressFamily == f.Family);
            if (target is null)
            {
                continue;
            }

            var port = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)target.Port);
            foreach (var protocol in Protocols)
            {
                rules.Add(TableLayout.Rule(TableLayout.PreroutingChain,
                [
                    .. f.Match(),
                    .. f.SourceIn(f.Clients.Name),
                    f.DestinationAddress(),
                    new NftLookup(f.Internal.Name, NftRegisters.Reg1, Invert: true),
                    new NftMeta(NftMetaKey.L4Proto),
                    new NftCmp(NftCmpOp.Eq, [protocol]),
                    new NftPayload(NftPayloadBase.Transport, 2, 2),
                    new NftCmp(NftCmpOp.Eq, [0, 53]),
                    NftImmediate.Load(NftRegisters.Reg1, target.Address.GetAddressBytes()),
                    NftImmediate.Load(NftRegisters.Reg2, port),
                    new NftNat(NftNatType.Dnat, f.Family == AddressFamily.InterNetwork ? (byte)2 : (byte)10, NftRegisters.Reg1, NftRegisters.Reg2, MapAddressAndPort),
                ]));
            }
        }

        return rules;
    }
}
