using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// Bounds-checked reads of headers and attribute payloads with an explicit byte order: host order (U*, I32) for
/// netlink and rtnetlink values and for the few nf_tables values the kernel keeps in host order, network order
/// (Be*) for nf_tables attributes.
/// </summary>
internal static class Wire
{
    internal static byte U8(ReadOnlySpan<byte> s) => s.Length >= 1 ? s[0] : throw Short(1, s);

    internal static ushort U16(ReadOnlySpan<byte> s) => Host<ushort>(s);

    internal static uint U32(ReadOnlySpan<byte> s) => Host<uint>(s);

    internal static int I32(ReadOnlySpan<byte> s) => Host<int>(s);

    internal static ushort Be16(ReadOnlySpan<byte> s) =>
        s.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(s) : throw Short(2, s);

    internal static uint Be32(ReadOnlySpan<byte> s) =>
        s.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(s) : throw Short(4, s);

    internal static ulong Be64(ReadOnlySpan<byte> s) =>
        s.Length >= 8 ? BinaryPrimitives.ReadUInt64BigEndian(s) : throw Short(8, s);

    /// <summary>
    /// A fixed header (<see cref="NfGenMsg"/>, <c>IfInfoMsg</c>, <c>RtMsg</c> …) at the start of a payload, and the
    /// attributes after it (the header's size is a multiple of 4, so no padding lies between them).
    /// </summary>
    internal static T Header<T>(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> attributes)
        where T : unmanaged
    {
        var header = Host<T>(payload);
        attributes = payload[Unsafe.SizeOf<T>()..];
        return header;
    }

    /// <summary>A big-endian 64-bit count of milliseconds (nf_tables timeouts); values past TimeSpan's range are a format error.</summary>
    internal static TimeSpan Milliseconds(ReadOnlySpan<byte> s)
    {
        var ms = Be64(s);
        return ms <= (ulong)TimeSpan.MaxValue.TotalMilliseconds / 2
            ? TimeSpan.FromMilliseconds(ms)
            : throw new NetlinkFormatException($"A duration of {ms} ms is out of range.");
    }

    /// <summary>A string attribute: up to the first NUL, UTF-8.</summary>
    internal static string String(ReadOnlySpan<byte> s)
    {
        var nul = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? s[..nul] : s);
    }

    /// <summary>The first <paramref name="count"/> bytes, or a format error when fewer are present.</summary>
    internal static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> s, int count) =>
        s.Length >= count ? s[..count] : throw Short(count, s);

    /// <summary>A value or struct in host byte order, as the kernel lays it out in memory.</summary>
    private static T Host<T>(ReadOnlySpan<byte> s)
        where T : unmanaged =>
        MemoryMarshal.Read<T>(Take(s, Unsafe.SizeOf<T>()));

    private static NetlinkFormatException Short(int need, ReadOnlySpan<byte> s) =>
        new($"A value needs {need} bytes but the attribute holds {s.Length}.");
}
