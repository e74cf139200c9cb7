using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>What the enforcer needs besides the allow-list.</summary>
public sealed record EnforcerSettings
{
    /// <summary>Record denied traffic without dropping it.</summary>
    public bool Observe { get; init; }

    /// <summary>The internal ranges (left alone, never allowed).</summary>
    public InternalRanges Internal { get; init; } = InternalRanges.Defaults;

    /// <summary>The client source ranges; empty means the internal ranges.</summary>
    public IReadOnlyList<IpPrefix> Clients { get; init; } = [];

    /// <summary>Who creates the table, recorded in its userdata (<c>nft list table</c> shows it as the comment); null: nothing recorded.</summary>
    public string? Owner { get; init; }

    /// <summary>Where the clients' DNS to public resolvers is redirected (one proxy address per family); empty: no redirect.</summary>
    public IReadOnlyList<System.Net.IPEndPoint> DnsRedirect { get; init; } = [];

    /// <summary>The smallest size a hosts set is made with (see <see cref="HostsCapacity"/>).</summary>
    public uint HostsSizeMinimum { get; init; } = HostsCapacity.DefaultMinimum;

    /// <summary>
    /// The most hosts of one family the enforcer applies: a list with more is refused before any work, and the kernel
    /// keeps what it held. At most <see cref="FamilyLayout.SeenSize"/>, so that a seen set always has room for every host.
    /// </summary>
    public uint HostsMaximum { get; init; } = HostsCapacity.DefaultMaximum;

    /// <summary>The client ranges in effect.</summary>
    public IReadOnlyList<IpPrefix> EffectiveClients => Clients.Count > 0 ? Clients : [.. Internal.Ranges.Select(r => r.Prefix)];
}
