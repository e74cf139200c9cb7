using OutputGuard.Configuration.Schema;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// The agent's settings. Every public read-write property is a setting of the configuration pipeline: a key
/// (<c>report_interval_ms</c>), a variable (<c>OUTPUTGUARD_REPORT_INTERVAL_MS</c>) and a flag
/// (<c>--report-interval-ms</c>); <see cref="SettingAttribute"/> gives its help text.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The control plane's gRPC address.</summary>
    [Setting("the control plane's gRPC address (http://HOST:8081; ws:// and wss:// of the old flag are read as http:// and https://)",
        Aliases = ["-iptables-wss-server"], ValueName = "URL")]
    public string? ControlPlane { get; set; }

    /// <summary>The gateway token.</summary>
    [Setting("the gateway token (prefer token_file: a flag shows in the process list)", Secret = true, ValueName = "TOKEN")]
    public string? Token { get; set; }

    /// <summary>A file holding the gateway token.</summary>
    [Setting("a file holding the gateway token (mode 0600)", ValueName = "FILE")]
    public string? TokenFile { get; set; }

    /// <summary>Where Prometheus scrapes <c>/metrics</c>.</summary>
    [Setting("where Prometheus scrapes /metrics and /healthz answers", ValueName = "ADDRESS:PORT")]
    public string MetricsAddress { get; set; } = "0.0.0.0:9900";

    /// <summary>Record denied traffic but let it pass.</summary>
    [Setting("observe mode: record denied traffic but let it pass, only while this gateway runs (logged, in /healthz and outputguard_observe_mode)")]
    public bool Observe { get; set; }

    /// <summary>The last applied state.</summary>
    [Setting("the last applied state, enforced at start when the control plane is away", ValueName = "FILE")]
    public string StateFile { get; set; } = "/var/lib/outputguard/gateway-state";

    /// <summary>The client source ranges (default: the internal ranges).</summary>
    [Setting("client source range whose traffic the gateway forwards (default: the internal ranges)", ValueName = "CIDR")]
    public List<string> ClientRanges { get; set; } = [];

    /// <summary>Extra internal CIDRs.</summary>
    [Setting("extra internal range, left alone and never allowed (pod and service CIDRs)", Flag = "--internal", Aliases = ["--internal-ranges"], ValueName = "CIDR")]
    public List<string> InternalRanges { get; set; } = [];

    /// <summary>CIDRs counted as public (labs).</summary>
    [Setting("count a range that is internal by default as public (labs: 192.0.2.0/24)", ValueName = "CIDR")]
    public List<string> TreatAsPublic { get; set; } = [];

    /// <summary>Remove the table and exit.</summary>
    [Setting("remove the table inet outputguard and exit (refused while another gateway holds it)")]
    public bool Cleanup { get; set; }

    /// <summary>Stable id (default: the host name).</summary>
    [Setting("the gateway's stable id at the control plane (default: the host name)", ValueName = "ID")]
    public string? GatewayId { get; set; }

    /// <summary>The <c>hostname</c> label (default: the host name).</summary>
    [Setting("the hostname label of the metrics (default: the host name)", ValueName = "NAME")]
    public string? Hostname { get; set; }

    /// <summary>Run the enforcer in a named network namespace (tests, benchmarks).</summary>
    [Setting("enforce in /var/run/netns/NAME instead of the agent's own network namespace", ValueName = "NAME")]
    public string? Netns { get; set; }

    /// <summary>How often a background loop reads the kernel's counters (scrapes and reports serve the latest reading).</summary>
    [Setting("how often the kernel's counters are read in the background, in milliseconds (0-3600000; longer when a read costs more than a tenth of a core)")]
    public int CountersIntervalMs { get; set; } = 10_000;

    /// <summary>How often counters and denied destinations are sent to the control plane.</summary>
    [Setting("how often the per-destination counters and denied destinations are sent to the control plane, in milliseconds (100 or more)")]
    public int ReportIntervalMs { get; set; } = 10_000;

    /// <summary>At most this many denied destinations are exported.</summary>
    [Setting("at most this many denied destinations are exported as metrics (0-10000)")]
    public int DeniedMetricsLimit { get; set; } = 100;

    /// <summary>The busiest destinations (and entries) exported as series; the rest are summed under <c>other</c>.</summary>
    [Setting("the iptables_* series are exported for the busiest N destinations by recent bytes, the rest summed as ip=\"other\"; the same N bounds outputguard_entry_* (1-100000)", ValueName = "N")]
    public int MetricsDestinations { get; set; } = 1000;

    /// <summary>How long a choice of the busiest destinations stands.</summary>
    [Setting("how often the busiest destinations are chosen again, by the bytes counted since the last choice, in milliseconds (0-86400000)", ValueName = "N")]
    public int MetricsRechooseMs { get; set; } = 300_000;

    /// <summary>
    /// <c>--drift-verify-interval-ms</c>: how often the ruleset generation is checked for changes no nf_tables event
    /// announced (events trigger a verification at once; this is the safety net).
    /// </summary>
    [Setting("how often the ruleset generation is checked for changes no nf_tables event announced, in milliseconds", ValueName = "N")]
    public int DriftVerifyIntervalMs { get; set; } = 5000;

    /// <summary>Where the DNS proxy listens (client-facing addresses only); none: no proxy.</summary>
    [Setting("the DNS proxy listens here, UDP and TCP (a client-facing address, never 0.0.0.0 or ::), e.g. 10.0.0.1:53; none: no proxy", ValueName = "ADDRESS:PORT")]
    public List<string> DnsListen { get; set; } = [];

    /// <summary>The DNS proxy's upstream resolvers (default: the host's, from /etc/resolv.conf).</summary>
    [Setting("upstream resolver of the DNS proxy, ADDRESS[:PORT] or [IPv6]:PORT, asked in order (default: the nameservers of /etc/resolv.conf)", ValueName = "ADDR")]
    public List<string> DnsUpstream { get; set; } = [];

    /// <summary>Redirect the clients' DNS to public resolvers to the proxy.</summary>
    [Setting("redirect DNS (UDP and TCP port 53) that clients send to public resolvers through the gateway to the DNS proxy (nf_tables dnat)")]
    public bool DnsRedirect { get; set; }

    /// <summary>Seconds a learned address stays allowed past its TTL.</summary>
    [Setting("seconds a learned address stays allowed after its TTL ran out (0-86400)", ValueName = "N")]
    public int DnsGraceS { get; set; } = 300;

    /// <summary>Addresses learned per wildcard entry at a time.</summary>
    [Setting("at most this many addresses are learned per wildcard entry at a time; more are dropped and counted (1-1000000)", ValueName = "N")]
    public int DnsWildcardCap { get; set; } = 1024;

    /// <summary>Addresses learned per exact name at a time.</summary>
    [Setting("at most this many addresses are learned per exact domain entry at a time; more are dropped and counted (1-1000000)", ValueName = "N")]
    public int DnsNameCap { get; set; } = 256;

    /// <summary>How long the proxy waits for one upstream.</summary>
    [Setting("how long the DNS proxy waits for one upstream before it asks the next, in milliseconds (100-30000)", ValueName = "N")]
    public int DnsUpstreamTimeoutMs { get; set; } = 2000;

    /// <summary>The host name in effect.</summary>
    public string EffectiveHostname => string.IsNullOrWhiteSpace(Hostname) ? Environment.MachineName : Hostname;

    /// <summary>The gateway id in effect.</summary>
    public string EffectiveGatewayId => string.IsNullOrWhiteSpace(GatewayId) ? EffectiveHostname : GatewayId;
}
