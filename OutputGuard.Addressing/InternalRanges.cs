using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Addressing;

/// <summary>
/// The address ranges that are never allowed and never routed to a gateway: IANA's special-purpose
/// ranges that are not globally reachable, plus the operator's own internal ranges (pod and service
/// CIDRs), minus the ranges the operator treats as public (labs use the documentation ranges as
/// "the internet"). IPv4 addresses embedded in IPv6 are as internal as the IPv4 address: the
/// NAT64 well-known prefix 64:ff9b::/96 and 6to4 2002::/16 are internal exactly where their
/// embedded IPv4 address is, and IPv4-mapped addresses are checked as IPv4.
/// Immutable and safe to share between threads; lookups are binary searches.
/// </summary>
public sealed class InternalRanges
{
    /// <summary>The name of a range the operator configured as internal.</summary>
    public const string ConfiguredInternalName = "configured internal";

    private static readonly Lazy<InternalRanges> DefaultRanges = new(() => Create([], []));

    private readonly RangeIndex _v4;
    private readonly RangeIndex _v6;
    private readonly IReadOnlyList<IpPrefix> _publicV4;
    private readonly IReadOnlyList<IpPrefix> _publicV6;

    private InternalRanges(List<NamedRange> v4, List<NamedRange> v6)
    {
        _v4 = new RangeIndex(v4);
        _v6 = new RangeIndex(v6);
        Ranges = v4.Concat(v6).ToList().AsReadOnly();
        _publicV4 = PrefixMath.Complement(v4.Select(r => r.Prefix), AddressFamily.InterNetwork);
        _publicV6 = PrefixMath.Complement(v6.Select(r => r.Prefix), AddressFamily.InterNetworkV6);
    }

    /// <summary>IANA's special-purpose ranges that are not globally reachable, and nothing else.</summary>
    public static InternalRanges Defaults => DefaultRanges.Value;

    /// <summary>Every internal range as disjoint CIDRs, sorted (IPv4 first), each with its name.</summary>
    public IReadOnlyList<NamedRange> Ranges { get; }

    /// <summary>
    /// The defaults plus <paramref name="extraInternal"/> (named "configured internal" where no
    /// default already covers them), minus <paramref name="treatAsPublic"/>. A range that
    /// <paramref name="treatAsPublic"/> covers in part is kept as its remaining pieces, with its name.
    /// </summary>
    public static InternalRanges Create(IEnumerable<IpPrefix> extraInternal, IEnumerable<IpPrefix> treatAsPublic)
    {
        ArgumentNullException.ThrowIfNull(extraInternal);
        ArgumentNullException.ThrowIfNull(treatAsPublic);
        IpPrefix[] extra = [.. extraInternal];
        IpPrefix[] holes = [.. treatAsPublic];

        var v4 = Layers(AddressFamily.InterNetwork, SpecialPurposeRegistry.IPv4, extra, holes, []);
        var embedded = v4.SelectMany(r => new[]
        {
            (Embed(SpecialPurposeRegistry.Nat64, 96, r.Prefix), $"{r.Name}, embedded in NAT64 {SpecialPurposeRegistry.Nat64} as {r.Prefix} (RFC 6052)"),
            (Embed(SpecialPurposeRegistry.SixToFour, 16, r.Prefix), $"{r.Name}, embedded in 6to4 {SpecialPurposeRegistry.SixToFour} as {r.Prefix} (RFC 3056)"),
        });
        var v6 = Layers(AddressFamily.InterNetworkV6, SpecialPurposeRegistry.IPv6, extra, holes, embedded);
        return new InternalRanges(v4, v6);
    }

    /// <summary>
    /// Whether the address is internal. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked
    /// as the IPv4 address it carries.
    /// </summary>
    public bool IsInternal(IPAddress address) => TryFind(address, out _);

    /// <summary>
    /// The internal range holding the address, if any. An IPv4-mapped IPv6 address is looked up as
    /// the IPv4 address it carries.
    /// </summary>
    public bool TryFind(IPAddress address, [MaybeNullWhen(false)] out NamedRange range)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => _v4.TryFind(IpPrefix.ToNumber(address), out range),
            AddressFamily.InterNetworkV6 => _v6.TryFind(IpPrefix.ToNumber(address), out range),
            _ => throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address.", nameof(address)),
        };
    }

    /// <summary>
    /// The first (lowest) internal range that shares an address with <paramref name="prefix"/>:
    /// a prefix inside an internal range, and a prefix that merely contains one, both overlap.
    /// This is the table itself: IPv6 prefixes are not unmapped first, so any prefix touching
    /// ::ffff:0:0/96 overlaps "IPv4-mapped" (use <see cref="OperatorAddress"/> to read operator input).
    /// </summary>
    public bool TryFindOverlap(IpPrefix prefix, [MaybeNullWhen(false)] out NamedRange range) =>
        (prefix.IsIPv4 ? _v4 : _v6).TryFindOverlap(prefix.First, prefix.Last, out range);

    /// <summary>
    /// The exact complement of the internal ranges within <paramref name="family"/> as the fewest
    /// CIDRs, sorted: what the route agent sends to the gateway.
    /// </summary>
    public IReadOnlyList<IpPrefix> PublicPrefixes(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => _publicV4,
        AddressFamily.InterNetworkV6 => _publicV6,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Only InterNetwork and InterNetworkV6 have prefixes."),
    };

    private static List<NamedRange> Layers(
        AddressFamily family,
        (string Cidr, string? Name)[] registry,
        IpPrefix[] extra,
        IpPrefix[] holes,
        IEnumerable<(IpPrefix Prefix, string Name)> embedded)
    {
        var map = new RangeMap(family);
        foreach (var (cidr, name) in registry)
        {
            var range = AddressRange.Of(IpPrefix.Parse(cidr));
            if (name is null)
            {
                map.Clear(range);
            }
            else
            {
                map.Paint(range, name);
            }
        }

        foreach (var (prefix, name) in embedded)
        {
            map.Paint(AddressRange.Of(prefix), name);
        }

        foreach (var prefix in extra.Where(p => p.Family == family))
        {
            map.Fill(AddressRange.Of(prefix), ConfiguredInternalName);
        }

        foreach (var prefix in holes.Where(p => p.Family == family))
        {
            map.Clear(AddressRange.Of(prefix));
        }

        return map.ToNamedRanges();
    }

    /// <summary>The IPv6 prefix that carries the IPv4 prefix <paramref name="v4"/> at bit <paramref name="offset"/> of <paramref name="carrier"/>.</summary>
    private static IpPrefix Embed(IpPrefix carrier, int offset, IpPrefix v4) =>
        IpPrefix.FromNumber(AddressFamily.InterNetworkV6, carrier.First | (v4.First << (96 - offset)), offset + v4.Length);
}
