namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// A set key's data type as nft numbers them (ipv4_addr = 7 …) with its length; a concatenation packs the
/// field types 6 bits apart and pads each field to 4 bytes, as nft does.
/// </summary>
public sealed record NftKeyType
{
    private const int TypeBits = 6;

    private NftKeyType(uint id, uint length, IReadOnlyList<int> fields)
    {
        Id = id;
        Length = length;
        Fields = fields;
    }

    /// <summary>NFTA_SET_KEY_TYPE.</summary>
    public uint Id { get; }

    /// <summary>NFTA_SET_KEY_LEN in bytes (padded fields for concatenations).</summary>
    public uint Length { get; }

    /// <summary>The unpadded byte length of each field (one entry unless concatenated).</summary>
    public IReadOnlyList<int> Fields { get; }

    /// <summary>Whether this is a concatenation of several fields.</summary>
    public bool IsConcat => Fields.Count > 1;

    /// <summary>ipv4_addr.</summary>
    public static NftKeyType Ipv4Addr { get; } = Of(7, 4);

    /// <summary>ipv6_addr.</summary>
    public static NftKeyType Ipv6Addr { get; } = Of(8, 16);

    /// <summary>ether_addr.</summary>
    public static NftKeyType EtherAddr { get; } = Of(9, 6);

    /// <summary>inet_proto (one byte).</summary>
    public static NftKeyType InetProto { get; } = Of(12, 1);

    /// <summary>inet_service (a port, two bytes, network order).</summary>
    public static NftKeyType InetService { get; } = Of(13, 2);

    /// <summary>mark (4 bytes, host order, as <c>meta mark</c> loads it).</summary>
    public static NftKeyType Mark { get; } = Of(19, 4);

    /// <summary>The basic types above, for <see cref="FromKernel"/> (after them: statics initialise in order).</summary>
    private static readonly NftKeyType[] Basic = [Ipv4Addr, Ipv6Addr, EtherAddr, InetProto, InetService, Mark];

    /// <summary>A basic type by number and length.</summary>
    public static NftKeyType Of(uint id, int length) => new(id, (uint)length, [length]);

    /// <summary>A concatenation such as <c>ipv4_addr . inet_proto . inet_service</c>.</summary>
    public static NftKeyType Concat(params NftKeyType[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length < 2)
        {
            throw new ArgumentException("A concatenation needs two fields or more.", nameof(parts));
        }

        uint id = 0, length = 0;
        var fields = new List<int>();
        foreach (var p in parts)
        {
            id = (id << TypeBits) | p.Id;
            length += (p.Length + 3) & ~3u;
            fields.AddRange(p.Fields);
        }

        return new NftKeyType(id, length, fields);
    }

    /// <summary>Rebuilds a key type read from the kernel.</summary>
    internal static NftKeyType FromKernel(uint id, uint length, IReadOnlyList<int> fields)
    {
        if (fields.Count > 0)
        {
            return new(id, length, fields);
        }

        // nft sends no field description for hash concatenations: recover the fields from the type id.
        var parts = new List<int>();
        for (var rest = id; rest != 0; rest >>= TypeBits)
        {
            var known = KnownLength(rest & ((1u << TypeBits) - 1));
            if (known == 0)
            {
                return new(id, length, [(int)length]);
            }

            parts.Insert(0, known);
        }

        return parts.Count > 1 && parts.Sum(p => (p + 3) & ~3) == length ? new(id, length, parts) : new(id, length, [(int)length]);
    }

    /// <summary>The length of a basic type this library names, or 0.</summary>
    private static int KnownLength(uint type) => Basic.FirstOrDefault(b => b.Id == type)?.Fields[0] ?? 0;

    /// <inheritdoc />
    public bool Equals(NftKeyType? other) =>
        other is not null && other.Id == Id && other.Length == Length && other.Fields.SequenceEqual(Fields);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Length, Fields.Count);
}
