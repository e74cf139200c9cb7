using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
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
        var hasGateway = route.Gateway is not null || route.NextHops.Any(n => n.Gateway is not null);
        w.Header(new RtMsg
        {
            Family = FamilyByte(route.Family),
            DstLen = (byte)route.Destination.Length,
            Table = route.Table < 256 ? (byte)route.Table : RT_TABLE_UNSPEC,
            Protocol = route.Protocol,
            Scope = delete ? RT_SCOPE_NOWHERE : route.Scope ?? (hasGateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK),
            Type = route.Type,
        });
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
                w.Header(new RtNextHop { Hops = (byte)(hop.Weight - 1), IfIndex = hop.LinkIndex });
                if (hop.Gateway is { } hgw)
                {
                    w.Bytes(RTA_GATEWAY, CheckFamily(hgw, route.Family));
                }

                w.At<RtNextHop>(start).Length = (ushort)w.SizeSince(start);
            }

            w.EndNested(mp);
        }
    }

    /// <summary>Parses an RTM_NEWROUTE/RTM_DELROUTE payload; false for families other than IPv4/IPv6.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> payload, out Route route)
    {
        route = null!;
        var h = Wire.Header<RtMsg>(payload, out var attributes);
        var family = FamilyOf(h.Family);
        if (family == AddressFamily.Unknown)
        {
            return false;
        }

        int dstLen = h.DstLen;
        if (dstLen > IpPrefix.MaxLengthOf(family))
        {
            throw new NetlinkFormatException($"A route prefix length of {dstLen} is too long.");
        }

        uint table = h.Table;
        IPAddress? dst = null, gateway = null, prefsrc = null;
        var oif = 0;
        uint? metric = null;
        var hops = new List<NextHop>();
        var attrs = new AttributeReader(attributes);
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
            Protocol = h.Protocol,
            Scope = h.Scope,
            Type = h.Type,
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

    /// <summary>The AddressFamily of an AF_* byte; Unknown for families other than IPv4 and IPv6.</summary>
    internal static AddressFamily FamilyOf(byte family) => family switch
    {
        AF_INET => AddressFamily.InterNetwork,
        AF_INET6 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unknown,
    };

    internal static byte FamilyByte(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentException($"{family} is not IPv4 or IPv6.", nameof(family)),
    };

    private static void ParseNextHops(AddressFamily family, ReadOnlySpan<byte> value, List<NextHop> hops)
    {
        var size = Unsafe.SizeOf<RtNextHop>();
        while (value.Length >= size)
        {
            var hop = Wire.Header<RtNextHop>(value, out _);
            int len = hop.Length;
            if (len < size || len > value.Length)
            {
                throw new NetlinkFormatException($"A next hop of {len} bytes does not fit {value.Length}.");
            }

            IPAddress? gateway = null;
            var attrs = new AttributeReader(value[size..len]);
            while (attrs.Next(out var type, out var a))
            {
                if (type == RTA_GATEWAY)
                {
                    gateway = Address(family, a);
                }
            }

            hops.Add(new NextHop(gateway, hop.IfIndex, hop.Hops + 1));
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
