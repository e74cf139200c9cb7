using System.Globalization;
using OutputGuard.Addressing;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Agent.Route.Configuration;

/// <summary>
/// The route agent's settings as the operator writes them (file, <c>OUTPUTGUARD_*</c>, flags), bound by the
/// configuration pipeline; <see cref="ToOptions"/> turns them into the validated <see cref="RouteAgentOptions"/>.
/// </summary>
public sealed class RouteAgentSettings
{
    /// <summary>The gateways.</summary>
    [Setting("gateway for the public ranges; several give one multipath (ECMP) route; an IPv6 gateway also routes the IPv6 public ranges (fe80::1%eth0 for link-local)",
        Aliases = ["-iptables-gateway"], ValueName = "ADDR")]
    public List<string> Gateway { get; set; } = [];

    /// <summary>Extra internal CIDRs.</summary>
    [Setting("extra internal range, never routed to the gateway (pod and service CIDRs)", Flag = "--internal", Aliases = ["--internal-ranges"], ValueName = "CIDR")]
    public List<string> InternalRanges { get; set; } = [];

    /// <summary>CIDRs counted as public.</summary>
    [Setting("count a range that is internal by default as public (labs: 192.0.2.0/24)", ValueName = "CIDR")]
    public List<string> TreatAsPublic { get; set; } = [];

    /// <summary>The re-check interval.</summary>
    [Setting("re-check the routes without an event this often (500ms, 10s, 2m)", ValueName = "DURATION")]
    public string Interval { get; set; } = "10s";

    /// <summary>Remove the agent's routes and exit.</summary>
    [Setting("remove the agent's own routes and exit")]
    public bool Cleanup { get; set; }

    /// <summary>Remove the routes on SIGTERM/SIGINT.</summary>
    [Setting("remove the agent's own routes when it stops on SIGTERM or SIGINT")]
    public bool CleanupOnStop { get; set; }

    /// <summary>Print the plan and change nothing.</summary>
    [Setting("check the gateways, print the routes it would install, and change nothing")]
    public bool DryRun { get; set; }

    /// <summary>The namespace to act in.</summary>
    [Setting("act inside /var/run/netns/NAME instead of the agent's own network namespace", ValueName = "NAME")]
    public string? Netns { get; set; }

    /// <summary>The route protocol number.</summary>
    [Setting("route protocol number that marks the agent's routes (5-255)")]
    public int Protocol { get; set; } = RouteAgentOptions.DefaultProtocol;

    /// <summary>The routing table.</summary>
    [Setting("routing table of the agent's routes (254 is main)")]
    public uint Table { get; set; } = 254;

    /// <summary>The route metric.</summary>
    [Setting("metric of the agent's routes")]
    public uint Metric { get; set; } = 1024;

    /// <summary>The health probe's TCP port.</summary>
    [Setting("probe each gateway with a TCP connect to this port; one that stops answering leaves the multipath set", ValueName = "PORT")]
    public int? ProbePort { get; set; }

    /// <summary>How often gateways are probed.</summary>
    [Setting("how often each gateway is probed", ValueName = "DURATION")]
    public string ProbeInterval { get; set; } = "1s";

    /// <summary>Failed probes before a gateway leaves the set.</summary>
    [Setting("failed probes in a row after which a gateway leaves the multipath set")]
    public int ProbeFailures { get; set; } = 3;

    /// <summary>Log every re-check.</summary>
    [Setting("also log re-checks that changed nothing")]
    public bool Verbose { get; set; }

    /// <summary>
    /// The validated options, or null with every problem in <paramref name="errors"/>, each starting with its key
    /// (<c>gateway[1]: …</c>) so that the pipeline can name the layer it came from.
    /// </summary>
    public RouteAgentOptions? ToOptions(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var start = errors.Count;
        var gateways = new List<GatewayAddress>();
        for (var i = 0; i < Gateway.Count; i++)
        {
            if (GatewayAddress.TryParse(Gateway[i], out var gateway, out var error))
            {
                gateways.Add(gateway!);
            }
            else
            {
                errors.Add(Item("gateway", i, error!));
            }
        }

        var options = new RouteAgentOptions
        {
            Gateways = gateways,
            Internal = Prefixes("internal_ranges", InternalRanges, errors),
            TreatAsPublic = Prefixes("treat_as_public", TreatAsPublic, errors),
            Interval = Duration("interval", Interval, errors),
            Cleanup = Cleanup,
            CleanupOnStop = CleanupOnStop,
            DryRun = DryRun,
            Netns = NetnsName(Netns, errors),
            Protocol = Protocol is >= 0 and <= 255 ? (byte)Protocol : Fail<byte>($"protocol: {Protocol} is not a route protocol number (5-255)", errors),
            Table = Table,
            Metric = Metric,
            ProbePort = ProbePort,
            ProbeInterval = Duration("probe_interval", ProbeInterval, errors),
            ProbeFailures = ProbeFailures,
            Verbose = Verbose,
        };
        if (errors.Count == start)
        {
            errors.AddRange(options.Validate());
        }

        return errors.Count == start ? options : null;
    }

    /// <summary>Parses "500ms", "10s", "2m", "1h" or a bare number of seconds ("1.5").</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 1e6)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }

    private static string Item(string key, int index, string error) => string.Create(CultureInfo.InvariantCulture, $"{key}[{index}]: {error}");

    private static List<IpPrefix> Prefixes(string key, List<string> values, List<string> errors)
    {
        var prefixes = new List<IpPrefix>();
        for (var i = 0; i < values.Count; i++)
        {
            if (IpPrefix.TryParse(values[i], out var prefix, out var error))
            {
                prefixes.Add(prefix);
            }
            else
            {
                errors.Add(Item(key, i, error));
            }
        }

        return prefixes;
    }

    private static TimeSpan Duration(string key, string text, List<string> errors) =>
        TryParseDuration(text, out var d) ? d : Fail<TimeSpan>($"{key}: '{text}' is not a duration (500ms, 10s, 2m)", errors);

    private static string? NetnsName(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length == 0 || text.Contains('/', StringComparison.Ordinal) || text is "." or "..")
        {
            errors.Add($"netns: '{text}' is not a namespace name (a file under /var/run/netns)");
            return null;
        }

        return text;
    }

    private static T Fail<T>(string error, List<string> errors)
        where T : struct
    {
        errors.Add(error);
        return default;
    }
}
