using Microsoft.Extensions.Configuration;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>
/// The control plane's configuration: one YAML file (<c>--config</c>, alias <c>-server-conf-path</c>),
/// every key also settable as an environment variable <c>OUTPUTGUARD_&lt;KEY&gt;</c> and the common
/// ones as flags. The <c>db_*</c> keys are those of the system OutputGuard replaces.
/// </summary>
public sealed class ControlPlaneOptions
{
    /// <summary>MySQL/MariaDB host; without it the embedded SQLite store in <see cref="DataDir"/> is used.</summary>
    [ConfigurationKeyName("db_server")]
    public string? DbServer { get; set; }

    /// <summary>MySQL/MariaDB port.</summary>
    [ConfigurationKeyName("db_port")]
    public int DbPort { get; set; } = 3306;

    /// <summary>MySQL/MariaDB user.</summary>
    [ConfigurationKeyName("db_user")]
    public string? DbUser { get; set; }

    /// <summary>MySQL/MariaDB password.</summary>
    [ConfigurationKeyName("db_password")]
    public string? DbPassword { get; set; }

    /// <summary>MySQL/MariaDB database name.</summary>
    [ConfigurationKeyName("db_name")]
    public string? DbName { get; set; }

    /// <summary>Where the embedded SQLite store lives.</summary>
    [ConfigurationKeyName("data_dir")]
    public string DataDir { get; set; } = "outputguard-data";

    /// <summary>HTTP/1.1 listener: admin page, JSON API, /healthz, /metrics.</summary>
    [ConfigurationKeyName("http_address")]
    public string HttpAddress { get; set; } = "0.0.0.0:8080";

    /// <summary>HTTP/2 listener: gRPC services, reflection, health.</summary>
    [ConfigurationKeyName("grpc_address")]
    public string GrpcAddress { get; set; } = "0.0.0.0:8081";

    /// <summary>PEM certificate; with <see cref="TlsKey"/>, both listeners serve TLS.</summary>
    [ConfigurationKeyName("tls_cert")]
    public string? TlsCert { get; set; }

    /// <summary>PEM private key of <see cref="TlsCert"/>.</summary>
    [ConfigurationKeyName("tls_key")]
    public string? TlsKey { get; set; }

    /// <summary>Bearer tokens. With none, the first start creates an admin token and prints it once.</summary>
    [ConfigurationKeyName("tokens")]
    public List<TokenOptions> Tokens { get; set; } = [];

    /// <summary>Extra internal CIDRs (pod and service ranges), never allowed.</summary>
    [ConfigurationKeyName("internal_ranges")]
    public List<string> InternalRanges { get; set; } = [];

    /// <summary>CIDRs that count as public although the defaults call them internal (labs: the documentation ranges).</summary>
    [ConfigurationKeyName("treat_as_public")]
    public List<string> TreatAsPublic { get; set; } = [];

    /// <summary>The shortest IPv4 prefix an entry may have (a broader CIDR is refused).</summary>
    [ConfigurationKeyName("max_ipv4_prefix_breadth")]
    public int MaxIPv4PrefixBreadth { get; set; } = 8;

    /// <summary>The shortest IPv6 prefix an entry may have.</summary>
    [ConfigurationKeyName("max_ipv6_prefix_breadth")]
    public int MaxIPv6PrefixBreadth { get; set; } = 32;

    /// <summary>How many revisions the change log keeps for gateways that were away.</summary>
    [ConfigurationKeyName("change_log_revisions")]
    public long ChangeLogRevisions { get; set; } = 100_000;

    /// <summary>Messages queued per gateway stream before the gateway is caught up by a snapshot instead.</summary>
    [ConfigurationKeyName("stream_queue_capacity")]
    public int StreamQueueCapacity { get; set; } = 64;

    /// <summary>Destinations per snapshot message.</summary>
    [ConfigurationKeyName("snapshot_part_size")]
    public int SnapshotPartSize { get; set; } = 5_000;

    /// <summary>How often a replica looks for revisions committed by other replicas, in milliseconds.</summary>
    [ConfigurationKeyName("change_poll_interval_ms")]
    public int ChangePollIntervalMs { get; set; } = 250;

    /// <summary>Name servers the resolver asks, <c>ADDRESS</c> or <c>ADDRESS:PORT</c> (<c>[v6]:PORT</c>); all are asked and the union published. Empty: the host's.</summary>
    [ConfigurationKeyName("resolver_name_servers")]
    public List<string> ResolverNameServers { get; set; } = [];

    /// <summary>How often each exact domain is resolved again, in seconds (sooner when its TTL runs out first).</summary>
    [ConfigurationKeyName("resolver_interval_s")]
    public int ResolverIntervalSeconds { get; set; } = 300;

    /// <summary>The shortest time between two lookups of one domain, in seconds, however short its TTL.</summary>
    [ConfigurationKeyName("resolver_ttl_floor_s")]
    public int ResolverTtlFloorSeconds { get; set; } = 30;

    /// <summary>How long an address that vanished from DNS stays allowed after it was last seen, in seconds.</summary>
    [ConfigurationKeyName("resolver_grace_period_s")]
    public int ResolverGracePeriodSeconds { get; set; } = 3600;

    /// <summary>The most addresses one domain entry publishes; the excess is reported on the entry.</summary>
    [ConfigurationKeyName("resolver_max_addresses")]
    public int ResolverMaxAddresses { get; set; } = 256;

    /// <summary>The longest CNAME chain the resolver follows.</summary>
    [ConfigurationKeyName("resolver_cname_depth")]
    public int ResolverCnameDepth { get; set; } = 8;

    /// <summary>Per-query timeout of a name server, in milliseconds.</summary>
    [ConfigurationKeyName("resolver_timeout_ms")]
    public int ResolverTimeoutMs { get; set; } = 2000;

    /// <summary>Lookups in flight at once.</summary>
    [ConfigurationKeyName("resolver_concurrency")]
    public int ResolverConcurrency { get; set; } = 32;

    /// <summary>
    /// MySQL: within how many seconds another replica takes over the resolver when its holder dies or loses
    /// the database (the holder's lock connection times out after this long).
    /// </summary>
    [ConfigurationKeyName("resolver_lease_s")]
    public int ResolverLeaseSeconds { get; set; } = 15;

    /// <summary>The most sync streams one token may hold open at once (a gateway token serves one gateway, or a fleet).</summary>
    [ConfigurationKeyName("max_streams_per_token")]
    public int MaxStreamsPerToken { get; set; } = 64;

    /// <summary>A sync stream whose gateway has not taken a message for this long, in seconds, is ended (it reconnects).</summary>
    [ConfigurationKeyName("stream_write_timeout_s")]
    public int StreamWriteTimeoutSeconds { get; set; } = 30;

    /// <summary>A gateway whose replica has not vouched for its stream for this long, in seconds, is shown as gone.</summary>
    [ConfigurationKeyName("gateway_gone_after_s")]
    public int GatewayGoneAfterSeconds { get; set; } = 60;

    /// <summary>How long the registry keeps a gone gateway's row, in seconds, before it is pruned.</summary>
    [ConfigurationKeyName("gateway_retention_s")]
    public int GatewayRetentionSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>The most traffic-report rows written per second (reports are coalesced per gateway, the latest wins).</summary>
    [ConfigurationKeyName("traffic_write_rows_per_s")]
    public int TrafficWriteRowsPerSecond { get; set; } = 20_000;

    /// <summary>
    /// The most a gateway's links carry, in bits per second each way: a report whose counters grew by more than
    /// twice that over the time since the gateway's previous report is refused.
    /// </summary>
    [ConfigurationKeyName("traffic_link_capacity_bps")]
    public long TrafficLinkCapacityBitsPerSecond { get; set; } = 100_000_000_000;

    /// <summary>Whether a MySQL database is configured.</summary>
    public bool UsesMySql => !string.IsNullOrWhiteSpace(DbServer);
}
