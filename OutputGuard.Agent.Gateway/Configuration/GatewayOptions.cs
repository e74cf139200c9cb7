namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>The agent's settings (flags; see <see cref="GatewayArguments"/>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway";

    /// <summary><c>--control-plane</c> (alias <c>-iptables-wss-server</c>): the control plane's gRPC address.</summary>
    public string? ControlPlane { get; set; }

    /// <summary><c>--token</c>: the gateway token.</summary>
    public string? Token { get; set; }

    /// <summary><c>--token-file</c>: a file holding the gateway token.</summary>
    public string? TokenFile { get; set; }

    /// <summary><c>--metrics-address</c>: where Prometheus scrapes <c>/metrics</c>.</summary>
    public string MetricsAddress { get; set; } = "0.0.0.0:9900";

    /// <summary><c>--observe</c>: record denied traffic but let it pass.</summary>
    public bool Observe { get; set; }

    /// <summary><c>--state-file</c>: the last applied state.</summary>
    public string StateFile { get; set; } = "/var/lib/outputguard/gateway-state";

    /// <summary><c>--client-ranges</c>: comma-separated client CIDRs (default: the internal ranges).</summary>
    public string? ClientRanges { get; set; }

    /// <summary><c>--internal</c>: comma-separated extra internal CIDRs.</summary>
    public string? Internal { get; set; }

    /// <summary><c>--treat-as-public</c>: comma-separated CIDRs counted as public (labs).</summary>
    public string? TreatAsPublic { get; set; }

    /// <summary><c>--cleanup</c>: remove the table and exit.</summary>
    public bool Cleanup { get; set; }

    /// <summary><c>--gateway-id</c>: stable id (default: the host name).</summary>
    public string? GatewayId { get; set; }

    /// <summary><c>--hostname</c>: the <c>hostname</c> label (default: the host name).</summary>
    public string? Hostname { get; set; }

    /// <summary><c>--netns</c>: run the enforcer in a named network namespace (tests, benchmarks).</summary>
    public string? Netns { get; set; }

    /// <summary><c>--counters-interval-ms</c>: the shortest time between two kernel counter reads.</summary>
    public int CountersIntervalMs { get; set; } = 1000;

    /// <summary><c>--report-interval-ms</c>: how often the per-destination counters and denied destinations are sent to the control plane.</summary>
    public int ReportIntervalMs { get; set; } = 10_000;

    /// <summary><c>--denied-metrics-limit</c>: at most this many denied destinations are exported.</summary>
    public int DeniedMetricsLimit { get; set; } = 100;

    /// <summary><c>--max-destination-series</c>: series per iptables_* metric (two per destination), preallocated.</summary>
    public int MaxDestinationSeries { get; set; } = 250_000;

    /// <summary>
    /// <c>--drift-verify-interval-ms</c>: how often the ruleset generation is checked for changes no nf_tables event
    /// announced (events trigger a verification at once; this is the safety net).
    /// </summary>
    public int DriftVerifyIntervalMs { get; set; } = 5000;

    /// <summary>The host name in effect.</summary>
    public string EffectiveHostname => string.IsNullOrWhiteSpace(Hostname) ? Environment.MachineName : Hostname;

    /// <summary>The gateway id in effect.</summary>
    public string EffectiveGatewayId => string.IsNullOrWhiteSpace(GatewayId) ? EffectiveHostname : GatewayId;
}
