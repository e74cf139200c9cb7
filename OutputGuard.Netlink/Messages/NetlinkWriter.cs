using System.Buffers.Binary;
using System.Text;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// Builds netlink messages and attributes into one growable buffer. Every value is written with an
/// explicit byte order: host order (little-endian here) for rtnetlink and netlink headers, network
/// order (Be*) for nf_tables data. Nested attributes and messages are length-patched when they end.
/// </summary>
internal sealed class NetlinkWriter
{
    private byte[] _buffer;
    private int _length;

    internal NetlinkWriter(int capacity = 4096) => _buffer = new byte[capacity];

    /// <summary>The bytes written so far.</summary>
    internal ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>The number of bytes written so far.</summary>
    internal int Length => _length;

    internal void Reset() => _length = 0;

    /// <summary>Starts a message; returns its start offset for <see cref="EndMessage"/>.</summary>
    internal int BeginMessage(ushort type, ushort flags, uint seq)
    {
        var start = _length;
        var h = Reserve(Nlmsg.HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], seq);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        return start;
    }

    internal void EndMessage(int start)
    {
        Pad();
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)(_length - start));
    }

    /// <summary>Writes struct nfgenmsg: family, version 0, resource id in network order.</summary>
    internal void NfGenMsg(byte family, ushort resourceId = 0)
    {
        var s = Reserve(4);
        s[0] = family;
        s[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], resourceId);
    }

    /// <summary>Reserves room for a fixed header (ifinfomsg, rtmsg…), zeroed, aligned to 4.</summary>
    internal Span<byte> Struct(int size)
    {
        var s = Reserve(Nlmsg.Align(size));
        s.Clear();
        return s[..size];
    }

    internal void Bytes(ushort type, ReadOnlySpan<byte> value)
    {
        var s = Reserve(Nlmsg.Align(4 + value.Length));
        var len = 4 + value.Length;
        if (len > ushort.MaxValue)
        {
            throw new ArgumentException("A netlink attribute holds at most 65,531 bytes.", nameof(value));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)len);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        value.CopyTo(s[4..]);
        s[len..].Clear();
    }

    internal void U8(ushort type, byte value) => Bytes(type, [value]);

    internal void U16(ushort type, ushort value)
    {
        Span<byte> v = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(v, value);
        Bytes(type, v);
    }

    internal void U32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        Bytes(type, v);
    }

    internal void Be16(ushort type, ushort value)
    {
        Span<byte> v = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(v, value);
        Bytes(type, v);
    }

    internal void Be32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        Bytes(type, v);
    }

    internal void Be64(ushort type, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        Bytes(type, v);
    }

    /// <summary>A NUL-terminated string attribute.</summary>
    internal void String(ushort type, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Span<byte> v = count < 256 ? stackalloc byte[count + 1] : new byte[count + 1];
        Encoding.UTF8.GetBytes(value, v);
        v[count] = 0;
        Bytes(type, v);
    }

    /// <summary>Starts a nested attribute (NLA_F_NESTED set); returns its offset for <see cref="EndNested"/>.</summary>
    internal int BeginNested(ushort type, bool nestedFlag = true)
    {
        var start = _length;
        var s = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)(nestedFlag ? type | Nlmsg.NLA_F_NESTED : type));
        return start;
    }

    internal void EndNested(int start)
    {
        var len = _length - start;
        if (len > ushort.MaxValue)
        {
            throw new NetlinkFormatException($"A nested attribute of {len} bytes exceeds the 65,535-byte limit.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)len);
    }

    /// <summary>Overwrites the sequence number of the message starting at <paramref name="messageStart"/>.</summary>
    internal void PatchSeq(int messageStart, uint seq) =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(messageStart + 8), seq);

    /// <summary>Overwrites a 16-bit host-order value (a struct length field).</summary>
    internal void PatchU16(int offset, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(offset), value);

    /// <summary>Bytes written since <paramref name="start"/>.</summary>
    internal int SizeSince(int start) => _length - start;

    /// <summary>Cuts the buffer back to an earlier length (to undo a partly written attribute).</summary>
    internal void Truncate(int length) => _length = length;

    private void Pad()
    {
        var aligned = Nlmsg.Align(_length);
        if (aligned != _length)
        {
            Reserve(aligned - _length).Clear();
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
