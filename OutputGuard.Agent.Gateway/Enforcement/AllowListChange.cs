using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>What one delta changed in an <see cref="AllowList"/>.</summary>
public sealed class AllowListChange
{
    /// <summary>Hosts (every port) added.</summary>
    public List<Destination> HostsAdded { get; } = [];

    /// <summary>Hosts (every port) removed.</summary>
    public List<Destination> HostsRemoved { get; } = [];

    /// <summary>Every destination the delta added (that was not there).</summary>
    public List<Destination> Added { get; } = [];

    /// <summary>Every destination the delta removed (that was there).</summary>
    public List<Destination> Removed { get; } = [];

    /// <summary>Whether any CIDR with every port changed.</summary>
    public bool NetsChanged { get; private set; }

    /// <summary>Whether any port-restricted destination changed.</summary>
    public bool PortsChanged { get; private set; }

    /// <summary>Whether nothing changed.</summary>
    public bool IsEmpty => HostsAdded.Count == 0 && HostsRemoved.Count == 0 && !NetsChanged && !PortsChanged;

    internal void Note(Destination d, bool added)
    {
        (added ? Added : Removed).Add(d);
        if (!d.AllPorts)
        {
            PortsChanged = true;
        }
        else if (!d.Prefix.IsHost)
        {
            NetsChanged = true;
        }
        else
        {
            (added ? HostsAdded : HostsRemoved).Add(d);
        }
    }
}
