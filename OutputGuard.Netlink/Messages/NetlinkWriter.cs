using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// Builds netlink messages and attributes into one growable buffer. Every value is written with an
/// explicit byte order: host order (U*, and the typed headers <see cref="NlMsgHdr"/>, <see cref="NlAttr"/>,
/// <c>RtMsg</c> …) where the kernel reads host order, network order (Be*) for nf_tables attributes. Nested
/// attributes and messages are length-patched when they end.
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
        Header(new NlMsgHdr { Type = type, Flags = flags, Seq = seq });
        return start;
    }

    internal void EndMessage(int start)
    {
        Pad();
        At<NlMsgHdr>(start).Length = (uint)(_length - start);
    }

    /// <summary>Writes a fixed header (struct nfgenmsg, ifinfomsg, rtmsg …) as the kernel lays it out, padded to 4.</summary>
    internal void Header<T>(in T header)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var s = Reserve(Nlmsg.Align(size));
        s.Clear();
        MemoryMarshal.Write(s, in header);
    }

    /// <summary>
    /// The header of type <typeparamref name="T"/> written at <paramref name="offset"/>, to patch in place (a
    /// message's sequence number or flags, a next hop's length). Use it at once: the buffer may move when it grows.
    /// </summary>
    internal ref T At<T>(int offset)
        where T : unmanaged =>
        ref MemoryMarshal.AsRef<T>(_buffer.AsSpan(offset, Unsafe.SizeOf<T>()));

    internal void Bytes(ushort type, ReadOnlySpan<byte> value)
    {
        var len = 4 + value.Length;
        if (len > ushort.MaxValue)
        {
            throw new ArgumentException("A netlink attribute holds at most 65,531 bytes.", nameof(value));
        }

        var s = Reserve(Nlmsg.Align(len));
        MemoryMarshal.Write(s, new NlAttr { Length = (ushort)len, Type = type });
        value.CopyTo(s[4..]);
        s[len..].Clear();
    }

    internal void U8(ushort type, byte value) => Bytes(type, [value]);

    /// <summary>A 16-bit attribute in host byte order.</summary>
    internal void U16(ushort type, ushort value) => Host(type, value);

    /// <summary>A 32-bit attribute in host byte order.</summary>
    internal void U32(ushort type, uint value) => Host(type, value);

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
        Header(new NlAttr { Type = nestedFlag ? (ushort)(type | Nlmsg.NLA_F_NESTED) : type });
        return start;
    }

    internal void EndNested(int start)
    {
        var len = _length - start;
        if (len > ushort.MaxValue)
        {
            throw new NetlinkFormatException($"A nested attribute of {len} bytes exceeds the 65,535-byte limit.");
        }

        At<NlAttr>(start).Length = (ushort)len;
    }

    /// <summary>Bytes written since <paramref name="start"/>.</summary>
    internal int SizeSince(int start) => _length - start;

    private void Host<T>(ushort type, T value)
        where T : unmanaged
    {
        Span<byte> v = stackalloc byte[Unsafe.SizeOf<T>()];
        MemoryMarshal.Write(v, in value);
        Bytes(type, v);
    }

    private void Pad()
    {
        var aligned = Nlmsg.Align(_length);
        if (aligned != _length)
        {
            Reserve(aligned - _length).Clear();
        }
    }

    /// <summary>Makes room for <paramref name="count"/> more bytes at once (a batch of known size grows once, not by doubling).</summary>
    internal void EnsureCapacity(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, _length + count);
        }
    }

    /// <summary>Appends <paramref name="count"/> bytes for the caller to fill (use the span at once: the buffer may move).</summary>
    internal Span<byte> Reserve(int count)
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
