using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// struct nfgenmsg of &lt;linux/netfilter/nfnetlink.h&gt;: the 4 bytes after the netlink header of every nfnetlink
/// message (nf_tables, nfnetlink_log). Its resource id is the one field in network byte order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NfGenMsg
{
    /// <summary>NFNETLINK_V0.</summary>
    internal const byte NFNETLINK_V0 = 0;

    /// <summary>nfgen_family: the NFPROTO_* family.</summary>
    internal byte Family;

    /// <summary>version: NFNETLINK_V0.</summary>
    internal byte Version;

    private ushort _resourceIdBigEndian;

    /// <summary>A header for <paramref name="family"/> and <paramref name="resourceId"/>, version NFNETLINK_V0.</summary>
    internal NfGenMsg(byte family, ushort resourceId = 0)
    {
        Family = family;
        Version = NFNETLINK_V0;
        ResourceId = resourceId;
    }

    /// <summary>res_id (the subsystem of a batch message, the group of an nfnetlink_log message), sent as __be16.</summary>
    internal ushort ResourceId
    {
        readonly get => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(_resourceIdBigEndian) : _resourceIdBigEndian;
        set => _resourceIdBigEndian = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
    }
}
