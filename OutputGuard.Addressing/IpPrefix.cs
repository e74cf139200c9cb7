using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace OutputGuard.Addressing;

/// <summary>
/// An IPv4 or IPv6 network in CIDR form with its host bits cleared: <c>203.0.113.0/24</c>,
/// <c>2001:db8::/32</c>. A single address is a prefix of full length (/32 or /128).
/// The address is held as a 128-bit number (IPv4 in the low 32 bits) so that containment,
/// ordering and range arithmetic are integer operations.
/// </summary>
public readonly record struct IpPrefix : IComparable<IpPrefix>
{
    private readonly UInt128 _bits;

    private IpPrefix(AddressFamily family, UInt128 bits, int length)
    {
        Family = family;
        Length = length;
        _bits = bits & Mask(MaxLengthOf(family), length);
    }

    /// <summary>InterNetwork or InterNetworkV6.</summary>
    public AddressFamily Family { get; }

    /// <summary>The prefix length in bits.</summary>
    public int Length { get; }

    /// <summary>Whether this is IPv4.</summary>
    public bool IsIPv4 => Family == AddressFamily.InterNetwork;

    /// <summary>32 for IPv4, 128 for IPv6.</summary>
    public int MaxLength => MaxLengthOf(Family);

    /// <summary>Whether the prefix is one address (/32 or /128).</summary>
    public bool IsHost => Length == MaxLength;

    /// <summary>The first address as a number (IPv4 in the low 32 bits).</summary>
    public UInt128 First => _bits;

    /// <summary>The last address as a number.</summary>
    public UInt128 Last => _bits | (~Mask(MaxLength, Length) & AllOnes(MaxLength));

    /// <summary>The network address.</summary>
    public IPAddress Address => ToAddress(Family, _bits);

    /// <summary>Creates a prefix from an address and a length; host bits are cleared.</summary>
    public static IpPrefix Create(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        var family = address.AddressFamily;
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address.", nameof(address));
        }

        var max = MaxLengthOf(family);
        if (length < 0 || length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A prefix length must be 0 to {max}.");
        }

        return new IpPrefix(family, ToNumber(address), length);
    }

    /// <summary>Creates a prefix from a number (IPv4 in the low 32 bits) and a length.</summary>
    public static IpPrefix FromNumber(AddressFamily family, UInt128 first, int length)
    {
        var max = MaxLengthOf(family);
        if (length < 0 || length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A prefix length must be 0 to {max}.");
        }

        return new IpPrefix(family, first & AllOnes(max), length);
    }

    /// <summary>The host prefix (/32 or /128) of one address.</summary>
    public static IpPrefix Host(IPAddress address) =>
        Create(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    /// <summary>
    /// Parses the canonical notation "a.b.c.d/len", "x::y/len" or a bare address (a host prefix).
    /// Strict: host bits must be clear. For operator input with lenient spellings use the
    /// control plane's validation, which normalises first.
    /// </summary>
    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    /// <summary>Parses like <see cref="Parse"/>, returning false and a reason instead of throwing.</summary>
    public static bool TryParse(string? text, out IpPrefix prefix, [NotNullWhen(false)] out string? error)
    {
        prefix = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an empty prefix";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            error = $"'{addressText.ToString()}' is not an IP address";
            return false;
        }

        var max = MaxLengthOf(address.AddressFamily);
        var length = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
        {
            error = $"'{text[(slash + 1)..]}' is not a prefix length from 0 to {max}";
            return false;
        }

        var bits = ToNumber(address);
        if ((bits & ~Mask(max, length) & AllOnes(max)) != 0)
        {
            error = $"'{text}' has host bits set; the network is {FromNumber(address.AddressFamily, bits, length)}";
            return false;
        }

        prefix = new IpPrefix(address.AddressFamily, bits, length);
        error = null;
        return true;
    }

    /// <summary>Whether the address lies in this prefix (same family only).</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == Family && Contains(ToNumber(address));
    }

    /// <summary>Whether the numbered address lies in this prefix.</summary>
    public bool Contains(UInt128 number) => number >= First && number <= Last;

    /// <summary>Whether <paramref name="other"/> lies wholly inside this prefix.</summary>
    public bool Contains(IpPrefix other) =>
        other.Family == Family && other.Length >= Length && Contains(other.First);

    /// <summary>Whether the two prefixes share an address.</summary>
    public bool Overlaps(IpPrefix other) => other.Family == Family && (Contains(other) || other.Contains(this));

    /// <summary>
    /// Writes the canonical text (<see cref="ToString"/>) into <paramref name="destination"/>, for comparing a spelling
    /// with it without making a string; false when it does not fit.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        int n;
        if (IsIPv4)
        {
            // Dotted decimal straight from the number: no IPAddress made.
            n = 0;
            var v4 = (uint)_bits;
            for (var shift = 24; shift >= 0; shift -= 8)
            {
                if (!((v4 >> shift) & 0xFF).TryFormat(destination[n..], out var octet, default, CultureInfo.InvariantCulture) || n + octet + 1 > destination.Length)
                {
                    return false;
                }

                n += octet;
                if (shift > 0)
                {
                    destination[n++] = '.';
                }
            }
        }
        else if (!Address.TryFormat(destination, out n))
        {
            return false;
        }

        if (n + 4 > destination.Length)
        {
            return false;
        }

        destination[n++] = '/';
        if (!Length.TryFormat(destination[n..], out var digits, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        charsWritten = n + digits;
        return true;
    }

    /// <summary>Canonical text: "203.0.113.0/24", "2001:db8::/32".</summary>
    public override string ToString() => $"{Address}/{Length.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>IPv4 before IPv6, then by first address, then shorter prefixes first.</summary>
    public int CompareTo(IpPrefix other)
    {
        var c = ((int)Family).CompareTo((int)other.Family);
        if (c != 0)
        {
            return c;
        }

        c = _bits.CompareTo(other._bits);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <(IpPrefix left, IpPrefix right) => left.CompareTo(right) < 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <=(IpPrefix left, IpPrefix right) => left.CompareTo(right) <= 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >(IpPrefix left, IpPrefix right) => left.CompareTo(right) > 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >=(IpPrefix left, IpPrefix right) => left.CompareTo(right) >= 0;

    /// <summary>The address as a number (IPv4 in the low 32 bits).</summary>
    public static UInt128 ToNumber(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"'{address}' cannot be written as bytes.", nameof(address));
        }

        return new UInt128(0, 0) | ReadBigEndian(bytes[..written]);
    }

    /// <summary>The address of a number in a family.</summary>
    public static IPAddress ToAddress(AddressFamily family, UInt128 number)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            var n = (uint)(number & uint.MaxValue);
            v4[0] = (byte)(n >> 24);
            v4[1] = (byte)(n >> 16);
            v4[2] = (byte)(n >> 8);
            v4[3] = (byte)n;
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        for (var i = 15; i >= 0; i--)
        {
            v6[i] = (byte)(number & 0xFF);
            number >>= 8;
        }

        return new IPAddress(v6);
    }

    /// <summary>32 for IPv4, 128 for IPv6.</summary>
    public static int MaxLengthOf(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    private static UInt128 ReadBigEndian(ReadOnlySpan<byte> bytes)
    {
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static UInt128 AllOnes(int max) => max == 128 ? UInt128.MaxValue : (UInt128.One << max) - 1;

    private static UInt128 Mask(int max, int length) =>
        length == 0 ? UInt128.Zero : AllOnes(max) ^ (length == max ? UInt128.Zero : AllOnes(max - length));
}
