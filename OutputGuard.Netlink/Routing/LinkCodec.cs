using System.Net;
using System.Net.Sockets;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Routing.RtnlConstants;

namespace OutputGuard.Netlink.Routing;

/// <summary>Parses RTM_NEWLINK and RTM_NEWADDR payloads, bounds-checked.</summary>
internal static class LinkCodec
{
    internal static Link ParseLink(ReadOnlySpan<byte> payload)
    {
        var h = Wire.Header<IfInfoMsg>(payload, out var attributes);
        string name = string.Empty;
        string? kind = null;
        uint mtu = 0;
        byte[] hw = [];
        int parent = 0, master = 0;
        byte oper = 0;
        var attrs = new AttributeReader(attributes);
        while (attrs.Next(out var type, out var value))
        {
            switch (type)
            {
                case IFLA_IFNAME: name = Wire.String(value); break;
                case IFLA_MTU: mtu = Wire.U32(value); break;
                case IFLA_ADDRESS: hw = value.ToArray(); break;
                case IFLA_LINK: parent = Wire.I32(value); break;
                case IFLA_MASTER: master = Wire.I32(value); break;
                case IFLA_OPERSTATE: oper = Wire.U8(value); break;
                case IFLA_LINKINFO:
                    var info = new AttributeReader(value);
                    while (info.Next(out var t, out var v))
                    {
                        if (t == IFLA_INFO_KIND)
                        {
                            kind = Wire.String(v);
                        }
                    }

                    break;
                default: break;
            }
        }

        return new Link(h.Index, name, h.Flags, mtu, hw, kind, parent, master, oper);
    }

    internal static bool TryParseAddress(ReadOnlySpan<byte> payload, out InterfaceAddress address)
    {
        address = null!;
        var h = Wire.Header<IfAddrMsg>(payload, out var attributes);
        var family = RouteCodec.FamilyOf(h.Family);
        if (family == AddressFamily.Unknown)
        {
            return false;
        }

        IPAddress? local = null, peer = null;
        var attrs = new AttributeReader(attributes);
        while (attrs.Next(out var type, out var value))
        {
            if (type == IFA_LOCAL)
            {
                local = RouteCodec.Address(family, value);
            }
            else if (type == IFA_ADDRESS)
            {
                peer = RouteCodec.Address(family, value);
            }
        }

        var a = local ?? peer;
        if (a is null || h.PrefixLength > (family == AddressFamily.InterNetwork ? 32 : 128))
        {
            throw new NetlinkFormatException("An address message without an address or with a bad prefix length.");
        }

        address = new InterfaceAddress((int)h.Index, a, h.PrefixLength, h.Scope);
        return true;
    }
}
