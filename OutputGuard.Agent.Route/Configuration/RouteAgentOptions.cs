using System.Net;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Route.Configuration;

/// <summary>What the route agent does, typed and validated (from <see cref="RouteAgentSettings"/>).</summary>
public sealed record RouteAgentOptions
{
    /// <summary>The route protocol number that marks the agent's routes (0xC5: unused by the kernel and iproute2).</summary>
    public const byte DefaultProtocol = 197;

    /// <summary>The gateways (<c>--gateway</c>, <c>-iptables-gateway</c>); IPv4 and/or IPv6.</summary>
    public IReadOnlyList<GatewayAddress> Gateways { get; init; } = [];

    /// <summary>Extra internal CIDRs (<c>--internal</c>, <c>OUTPUTGUARD_INTERNAL_RANGES</c>): pod and service ranges.</summary>
    public IReadOnlyList<IpPrefix> Internal { get; init; } = [];

    /// <summary>CIDRs counted as public although a default calls them internal (<c>--treat-as-public</c>).</summary>
    public IReadOnlyList<IpPrefix> TreatAsPublic { get; init; } = [];

    /// <summary>How often the routes are re-checked without an event (<c>--interval</c>).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Remove the agent's own routes and exit (<c>--cleanup</c>).</summary>
    public bool Cleanup { get; init; }

    /// <summary>Remove the agent's own routes when it stops on SIGTERM/SIGINT (<c>--cleanup-on-stop</c>).</summary>
    public bool CleanupOnStop { get; init; }

    /// <summary>Print the routes and change nothing (<c>--dry-run</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>Act inside /var/run/netns/NAME (<c>--netns</c>); null for the agent's own namespace.</summary>
    public string? Netns { get; init; }

    /// <summary>The route protocol number of the agent's routes (<c>--protocol</c>).</summary>
    public byte Protocol { get; init; } = DefaultProtocol;

    /// <summary>The routing table (<c>--table</c>); 254 is main.</summary>
    public uint Table { get; init; } = 254;

    /// <summary>The metric of the agent's routes (<c>--metric</c>); a foreign route with another metric never collides.</summary>
    public uint Metric { get; init; } = 1024;

    /// <summary>The TCP port a healthy gateway accepts connections on (<c>--probe-port</c>); null: no probe.</summary>
    public int? ProbePort { get; init; }

    /// <summary>How often each gateway is probed (<c>--probe-interval</c>).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed probes after which a gateway leaves the multipath set (<c>--probe-failures</c>).</summary>
    public int ProbeFailures { get; init; } = 3;

    /// <summary>Also log every re-check that changed nothing (<c>--verbose</c>).</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// The problems that stop the agent before it changes anything, each starting with its key; empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Gateways.Count == 0 && !Cleanup)
        {
            errors.Add("gateway: at least one gateway address is required: --gateway ADDR, OUTPUTGUARD_GATEWAY or gateway: [ADDR] in the file");
        }

        foreach (var group in Gateways.GroupBy(g => g.Address).Where(g => g.Count() > 1))
        {
            errors.Add($"gateway: {group.Key} is given more than once; give each gateway once");
        }

        foreach (var g in Gateways.Where(g => IPAddress.IsLoopback(g.Address) || g.Address.Equals(IPAddress.Any) || g.Address.Equals(IPAddress.IPv6Any)))
        {
            errors.Add($"gateway: {g} cannot be a gateway (a loopback or unspecified address); give the gateway's address");
        }

        if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"interval: {Interval.TotalSeconds}s is outside 0.1s to 1h");
        }

        if (Protocol <= 4)
        {
            errors.Add($"protocol: {Protocol} is reserved for the kernel (0-4); pick a number above 4, such as {DefaultProtocol}");
        }

        if (Table is 0 or 253 or 255)
        {
            errors.Add($"table: {Table} is reserved (0 unspec, 253 default, 255 local); use 254 (main) or a table of your own");
        }

        if (ProbePort is < 1 or > 65535)
        {
            errors.Add($"probe_port: {ProbePort} is not a TCP port (1-65535)");
        }

        if (ProbeInterval < TimeSpan.FromMilliseconds(100) || ProbeInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"probe_interval: {ProbeInterval.TotalSeconds}s is outside 0.1s to 10m");
        }

        if (ProbeFailures is < 1 or > 100)
        {
            errors.Add($"probe_failures: {ProbeFailures} is outside 1-100");
        }

        if (Cleanup && DryRun)
        {
            errors.Add("cleanup: --cleanup and --dry-run cannot be combined; pick one");
        }

        return errors;
    }
}
