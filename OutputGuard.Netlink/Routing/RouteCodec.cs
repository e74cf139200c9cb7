using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Routing.RtnlConstants;

namespace OutputGuard.Netlink.Routing;

/// <summary>Encodes and parses RTM_*ROUTE messages (struct rtmsg + attributes), bounds-checked.</summary>
internal static class RouteCodec
{
    private const byte RT_SCOPE_NOWHERE = 255;
    private const byte RT_TABLE_UNSPEC = 0;

    internal static void Encode(NetlinkWriter w, Route route, bool delete)
    {
        var family = FamilyByte(route.Family);
        var h = w.Struct(RtMsgSize);
        h[0] = family;
        h[1] = (byte)route.Destination.Length;
        h[4] = route.Table < 256 ? (byte)route.Table : RT_TABLE_UNSPEC;
        h[5] = route.Protocol;
        var hasGateway = route.Gateway is not null || route.NextHops.Any(n => n.Gateway is not null);
        h[6] = delete ? RT_SCOPE_NOWHERE : route.Scope ?? (hasGateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
        h[7] = route.Type;
        w.U32(RTA_TABLE, route.Table);
        if (route.Destination.Length > 0)
        {
            w.Bytes(RTA_DST, route.Destination.Address.GetAddressBytes());
        }

        if (route.Gateway is { } gw)
        {
            w.Bytes(RTA_GATEWAY, CheckFamily(gw, route.Family));
        }

        if (route.LinkIndex != 0)
        {
            w.U32(RTA_OIF, (uint)route.LinkIndex);
        }

        if (route.Metric is { } metric)
        {
            w.U32(RTA_PRIORITY, metric);
        }

        if (route.PreferredSource is { } src)
        {
            w.Bytes(RTA_PREFSRC, CheckFamily(src, route.Family));
        }

        if (route.NextHops.Count > 0)
        {
            var mp = w.BeginNested(RTA_MULTIPATH, nestedFlag: false);
            foreach (var hop in route.NextHops)
            {
                if (hop.Weight is < 1 or > 256)
                {
                    throw new ArgumentException($"A next-hop weight must be 1 to 256, not {hop.Weight}.", nameof(route));
                }

                var start = w.Length;
                var rtnh = w.Struct(RtNextHopSize);
                rtnh[3] = (byte)(hop.Weight - 1);
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(rtnh[4..], hop.LinkIndex);
                if (hop.Gateway is { } hgw)
                {
                    w.Bytes(RTA_GATEWAY, CheckFamily(hgw, route.Family));
                }

                w.PatchU16(start, (ushort)w.SizeSince(start));
            }

            w.EndNested(mp);
        }
    }

    /// <summary>Parses an RTM_NEWROUTE/RTM_DELROUTE payload; false for families other than IPv4/IPv6.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> payload, out Route route)
    {
        route = null!;
        var h = Wire.Take(payload, RtMsgSize);
        var family = h[0] switch
        {
            AF_INET => AddressFamily.InterNetwork,
            AF_INET6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
        {
            return false;
        }

        int dstLen = h[1];
        if (dstLen > IpPrefix.MaxLengthOf(family))
        {
            throw new NetlinkFormatException($"A route prefix length of {dstLen} is too long.");
        }

        uint table = h[4];
        IPAddress? dst = null, gateway = null, prefsrc = null;
        var oif = 0;
        uint? metric = null;
        var hops = new List<NextHop>();
        var attrs = new AttributeReader(payload[Nlmsg.Align(RtMsgSize)..]);
        while (attrs.Next(out var type, out var value))
        {
            switch (type)
            {
                case RTA_DST: dst = Address(family, value); break;
                case RTA_GATEWAY: gateway = Address(family, value); break;
                case RTA_PREFSRC: prefsrc = Address(family, value); break;
                case RTA_OIF: oif = Wire.I32(value); break;
                case RTA_PRIORITY: metric = Wire.U32(value); break;
                case RTA_TABLE: table = Wire.U32(value); break;
                case RTA_MULTIPATH: ParseNextHops(family, value, hops); break;
                default: break;
            }
        }

        var zero = family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        route = new Route
        {
            Destination = IpPrefix.Create(dst ?? zero, dstLen),
            Gateway = gateway,
            LinkIndex = oif,
            Table = table,
            Protocol = h[5],
            Scope = h[6],
            Type = h[7],
            Metric = metric,
            PreferredSource = prefsrc,
            NextHops = hops,
        };
        return true;
    }

    internal static IPAddress Address(AddressFamily family, ReadOnlySpan<byte> value)
    {
        var size = family == AddressFamily.InterNetwork ? 4 : 16;
        return value.Length == size
            ? new IPAddress(value)
            : throw new NetlinkFormatException($"An address of {value.Length} bytes where {size} were expected.");
    }

    internal static byte FamilyByte(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentException($"{family} is not IPv4 or IPv6.", nameof(family)),
    };

    private static void ParseNextHops(AddressFamily family, ReadOnlySpan<byte> value, List<NextHop> hops)
    {
        while (value.Length >= RtNextHopSize)
        {
            int len = Wire.U16(value);
            if (len < RtNextHopSize || len > value.Length)
            {
                throw new NetlinkFormatException($"A next hop of {len} bytes does not fit {value.Length}.");
            }

            IPAddress? gateway = null;
            var attrs = new AttributeReader(value[RtNextHopSize..len]);
            while (attrs.Next(out var type, out var a))
            {
                if (type == RTA_GATEWAY)
                {
                    gateway = Address(family, a);
                }
            }

            hops.Add(new NextHop(gateway, Wire.I32(value[4..]), value[3] + 1));
            value = value[Math.Min(Nlmsg.Align(len), value.Length)..];
        }

        if (!value.IsEmpty)
        {
            throw new NetlinkFormatException($"{value.Length} stray bytes after the next hops.");
        }
    }

    private static byte[] CheckFamily(IPAddress address, AddressFamily family) =>
        address.AddressFamily == family
            ? address.GetAddressBytes()
            : throw new ArgumentException($"{address} is not in the route's family {family}.", nameof(address));
}
