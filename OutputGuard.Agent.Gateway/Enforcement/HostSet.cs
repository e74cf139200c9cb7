using System.Collections;
using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The single addresses (every port) of an <see cref="AllowList"/>, held as numbers: an IPv4 host is 4 bytes in a
/// hash set of <see cref="uint"/> (about 16 bytes per host with the set's own entry and bucket), an IPv6 host two
/// <see cref="ulong"/> (about 28 bytes), where a set of <see cref="Destination"/> values took about 60. It reads as a set
/// of destinations: <see cref="Contains"/> takes one, enumeration yields them (IPv4 first), and a destination that is
/// not a host with every port is never in it.
/// </summary>
public sealed class HostSet : IReadOnlyCollection<Destination>
{
    private readonly HashSet<uint> _v4;
    private readonly HashSet<V6Host> _v6;

    /// <summary>An empty set.</summary>
    public HostSet()
        : this([], [])
    {
    }

    private HostSet(HashSet<uint> v4, HashSet<V6Host> v6) => (_v4, _v6) = (v4, v6);

    /// <summary>How many hosts there are.</summary>
    public int Count => _v4.Count + _v6.Count;

    /// <summary>How many hosts of <paramref name="family"/> there are.</summary>
    public int CountOf(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetwork ? _v4.Count : _v6.Count;

    /// <summary>Whether <paramref name="destination"/>, a host with every port, is here.</summary>
    public bool Contains(Destination destination) =>
        IsHost(destination) && (destination.Prefix.IsIPv4
            ? _v4.Contains((uint)destination.Prefix.First)
            : _v6.Contains(new V6Host(destination.Prefix.First)));

    /// <summary>The hosts: IPv4 first, then IPv6, each in no particular order.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Destination> IEnumerable<Destination>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether <paramref name="destination"/> belongs in a host set: one address, every port.</summary>
    internal static bool IsHost(Destination destination) => destination.AllPorts && destination.Prefix.IsHost;

    internal bool Add(Destination host) => host.Prefix.IsIPv4
        ? _v4.Add((uint)host.Prefix.First)
        : _v6.Add(new V6Host(host.Prefix.First));

    internal bool Remove(Destination host) => host.Prefix.IsIPv4
        ? _v4.Remove((uint)host.Prefix.First)
        : _v6.Remove(new V6Host(host.Prefix.First));

    internal void EnsureCapacity(int v4, int v6)
    {
        _v4.EnsureCapacity(v4);
        _v6.EnsureCapacity(v6);
    }

    /// <summary>A copy with sets of its own (copied whole, not host by host).</summary>
    internal HostSet Clone() => new(new HashSet<uint>(_v4), new HashSet<V6Host>(_v6));

    /// <summary>Walks the hosts without allocating: the IPv4 set, then the IPv6 set.</summary>
    public struct Enumerator : IEnumerator<Destination>
    {
        private HashSet<uint>.Enumerator _v4;
        private HashSet<V6Host>.Enumerator _v6;
        private bool _inV6;

        internal Enumerator(HostSet set)
        {
            _v4 = set._v4.GetEnumerator();
            _v6 = set._v6.GetEnumerator();
            _inV6 = false;
            Current = default;
        }

        /// <summary>The host at the enumerator's position.</summary>
        public Destination Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next host.</summary>
        public bool MoveNext()
        {
            if (!_inV6)
            {
                if (_v4.MoveNext())
                {
                    Current = Destination.Any(IpPrefix.FromNumber(AddressFamily.InterNetwork, _v4.Current, 32));
                    return true;
                }

                _inV6 = true;
            }

            if (_v6.MoveNext())
            {
                Current = Destination.Any(IpPrefix.FromNumber(AddressFamily.InterNetworkV6, _v6.Current.Number, 128));
                return true;
            }

            return false;
        }

        /// <summary>Not supported (as for a hash set's enumerator wrapped by LINQ, a new one is taken instead).</summary>
        public readonly void Reset() => throw new NotSupportedException();

        /// <summary>Releases the set enumerators.</summary>
        public void Dispose()
        {
            _v4.Dispose();
            _v6.Dispose();
        }
    }

    /// <summary>
    /// An IPv6 address as two 8-byte halves: 16 bytes aligned to 8, where <see cref="UInt128"/> is aligned to 16 and
    /// pads a hash set's entry (two ints and the value) from 24 to 32 bytes.
    /// </summary>
    internal readonly record struct V6Host(ulong Upper, ulong Lower)
    {
        internal V6Host(UInt128 number)
            : this((ulong)(number >> 64), (ulong)number)
        {
        }

        internal UInt128 Number => new(Upper, Lower);

        public bool Equals(V6Host other) => Upper == other.Upper && Lower == other.Lower;

        public override int GetHashCode() => HashCode.Combine(Upper, Lower);
    }
}
