using Microsoft.Extensions.Configuration;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>
/// The control plane's configuration: one YAML file (<c>--config</c>, alias <c>-server-conf-path</c>), every key
/// also an environment variable <c>OUTPUTGUARD_&lt;KEY&gt;</c> and a flag (the shared configuration pipeline;
/// every public read-write property is a setting). The <c>db_*</c> keys are those of the system OutputGuard replaces.
/// </summary>
public sealed class ControlPlaneOptions
{
    /// <summary>MySQL/MariaDB host; without it the embedded SQLite store in <see cref="DataDir"/> is used.</summary>
    [Setting("MySQL/MariaDB host; without it the embedded SQLite store in data_dir is used", ValueName = "HOST")]
    [ConfigurationKeyName("db_server")]
    public string? DbServer { get; set; }

    /// <summary>MySQL/MariaDB port.</summary>
    [Setting("MySQL/MariaDB port", ValueName = "PORT")]
    [ConfigurationKeyName("db_port")]
    public int DbPort { get; set; } = 3306;

    /// <summary>MySQL/MariaDB user.</summary>
    [Setting("MySQL/MariaDB user", ValueName = "USER")]
    [ConfigurationKeyName("db_user")]
    public string? DbUser { get; set; }

    /// <summary>MySQL/MariaDB password.</summary>
    [Setting("MySQL/MariaDB password (prefer OUTPUTGUARD_DB_PASSWORD or the file: a flag shows in the process list)", Secret = true, ValueName = "PASSWORD")]
    [ConfigurationKeyName("db_password")]
    public string? DbPassword { get; set; }

    /// <summary>MySQL/MariaDB database name.</summary>
    [Setting("MySQL/MariaDB database", ValueName = "NAME")]
    [ConfigurationKeyName("db_name")]
    public string? DbName { get; set; }

    /// <summary>
    /// MySQL/MariaDB: the most connections this replica opens (its pool). Keep replicas × this (plus a few) under the
    /// server's max_connections; a call that finds every connection busy waits, then answers UNAVAILABLE.
    /// </summary>
    [ConfigurationKeyName("db_pool_size")]
    [Setting("MySQL/MariaDB: the most connections this replica opens; keep replicas x this under max_connections (2-1000)", ValueName = "N")]
    public int DbPoolSize { get; set; } = 32;

    /// <summary>Where the embedded SQLite store lives.</summary>
    [Setting("directory of the embedded SQLite store (relative to the configuration file when given there)", ValueName = "DIR")]
    [ConfigurationKeyName("data_dir")]
    public string DataDir { get; set; } = "outputguard-data";

    /// <summary>HTTP/1.1 listener: admin page, JSON API, /healthz, /metrics.</summary>
    [Setting("admin page, JSON API, /healthz and /metrics: HTTP/1.1 listener", ValueName = "HOST:PORT")]
    [ConfigurationKeyName("http_address")]
    public string HttpAddress { get; set; } = "0.0.0.0:8080";

    /// <summary>HTTP/2 listener: gRPC services, reflection, health.</summary>
    [Setting("gRPC, reflection and health: HTTP/2 listener", ValueName = "HOST:PORT")]
    [ConfigurationKeyName("grpc_address")]
    public string GrpcAddress { get; set; } = "0.0.0.0:8081";

    /// <summary>PEM certificate; with <see cref="TlsKey"/>, both listeners serve TLS.</summary>
    [Setting("PEM certificate; with tls_key both listeners serve TLS", ValueName = "FILE")]
    [ConfigurationKeyName("tls_cert")]
    public string? TlsCert { get; set; }

    /// <summary>PEM private key of <see cref="TlsCert"/>.</summary>
    [Setting("PEM private key of tls_cert (mode 0600)", ValueName = "FILE")]
    [ConfigurationKeyName("tls_key")]
    public string? TlsKey { get; set; }

    /// <summary>Bearer tokens. With none, the first start creates an admin token and prints it once.</summary>
    [Setting("bearer tokens: - { name, role, sha256 } (or secret, 16+ characters, for labs); none: the first start creates an admin token")]
    [ConfigurationKeyName("tokens")]
    public List<TokenOptions> Tokens { get; set; } = [];

    /// <summary>Extra internal CIDRs (pod and service ranges), never allowed.</summary>
    [Setting("extra internal range, never allowed (pod and service CIDRs)", Flag = "--internal", Aliases = ["--internal-ranges"], ValueName = "CIDR")]
    [ConfigurationKeyName("internal_ranges")]
    public List<string> InternalRanges { get; set; } = [];

    /// <summary>CIDRs that count as public although the defaults call them internal (labs: the documentation ranges).</summary>
    [Setting("count a range that is internal by default as public (labs: 192.0.2.0/24)", ValueName = "CIDR")]
    [ConfigurationKeyName("treat_as_public")]
    public List<string> TreatAsPublic { get; set; } = [];

    /// <summary>The shortest IPv4 prefix an entry may have (a broader CIDR is refused).</summary>
    [Setting("the shortest IPv4 prefix an entry may have; broader CIDRs are refused (0-32)")]
    [ConfigurationKeyName("max_ipv4_prefix_breadth")]
    public int MaxIPv4PrefixBreadth { get; set; } = 8;

    /// <summary>The shortest IPv6 prefix an entry may have.</summary>
    [Setting("the shortest IPv6 prefix an entry may have (0-128)")]
    [ConfigurationKeyName("max_ipv6_prefix_breadth")]
    public int MaxIPv6PrefixBreadth { get; set; } = 32;

    /// <summary>How many revisions the change log keeps for gateways that were away.</summary>
    [Setting("revisions the change log keeps for gateways that were away")]
    [ConfigurationKeyName("change_log_revisions")]
    public long ChangeLogRevisions { get; set; } = 100_000;

    /// <summary>Messages queued per gateway stream before the gateway is caught up by a snapshot instead.</summary>
    [Setting("messages queued per gateway stream; a gateway that falls behind gets a snapshot")]
    [ConfigurationKeyName("stream_queue_capacity")]
    public int StreamQueueCapacity { get; set; } = 64;

    /// <summary>Destinations per snapshot message.</summary>
    [Setting("destinations per snapshot message")]
    [ConfigurationKeyName("snapshot_part_size")]
    public int SnapshotPartSize { get; set; } = 5_000;

    /// <summary>The Public Suffix List file; wildcard entries over a public suffix are refused.</summary>
    [Setting("the Public Suffix List (Debian's publicsuffix package); wildcard entries over a public suffix (*.co.uk) are refused", ValueName = "FILE")]
    [ConfigurationKeyName("public_suffix_list")]
    public string PublicSuffixList { get; set; } = "/usr/share/publicsuffix/public_suffix_list.dat";

    /// <summary>How often a replica looks for revisions committed by other replicas, in milliseconds.</summary>
    [Setting("how often a replica looks for revisions of other replicas, in milliseconds")]
    [ConfigurationKeyName("change_poll_interval_ms")]
    public int ChangePollIntervalMs { get; set; } = 250;

    /// <summary>Name servers the resolver asks, <c>ADDRESS</c> or <c>ADDRESS:PORT</c> (<c>[v6]:PORT</c>); all are asked and the union published. Empty: the host's.</summary>
    [Setting("name server of the resolver, ADDRESS[:PORT] or [IPv6]:PORT; all are asked, the union is published (default: the host's)", Flag = "--name-server", Aliases = ["--resolver-name-servers"], ValueName = "ADDR")]
    [ConfigurationKeyName("resolver_name_servers")]
    public List<string> ResolverNameServers { get; set; } = [];

    /// <summary>How often each exact domain is resolved again, in seconds (sooner when its TTL runs out first).</summary>
    [Setting("re-resolve every exact domain this often, in seconds (sooner when its TTL runs out)")]
    [ConfigurationKeyName("resolver_interval_s")]
    public int ResolverIntervalSeconds { get; set; } = 300;

    /// <summary>The shortest time between two lookups of one domain, in seconds, however short its TTL.</summary>
    [Setting("never resolve one domain more often than this, in seconds")]
    [ConfigurationKeyName("resolver_ttl_floor_s")]
    public int ResolverTtlFloorSeconds { get; set; } = 30;

    /// <summary>How long an address that vanished from DNS stays allowed after it was last seen, in seconds.</summary>
    [Setting("an address that vanished from DNS stays allowed this long after it was last seen, in seconds")]
    [ConfigurationKeyName("resolver_grace_period_s")]
    public int ResolverGracePeriodSeconds { get; set; } = 3600;

    /// <summary>The most addresses one domain entry publishes; the excess is reported on the entry.</summary>
    [Setting("the most addresses one domain entry publishes")]
    [ConfigurationKeyName("resolver_max_addresses")]
    public int ResolverMaxAddresses { get; set; } = 256;

    /// <summary>The longest CNAME chain the resolver follows.</summary>
    [Setting("the longest CNAME chain followed (1-32)")]
    [ConfigurationKeyName("resolver_cname_depth")]
    public int ResolverCnameDepth { get; set; } = 8;

    /// <summary>Per-query timeout of a name server, in milliseconds.</summary>
    [Setting("per-query timeout of a name server, in milliseconds")]
    [ConfigurationKeyName("resolver_timeout_ms")]
    public int ResolverTimeoutMs { get; set; } = 2000;

    /// <summary>Lookups in flight at once.</summary>
    [Setting("lookups in flight at once (1-1024)")]
    [ConfigurationKeyName("resolver_concurrency")]
    public int ResolverConcurrency { get; set; } = 32;

    /// <summary>
    /// MySQL: within how many seconds another replica takes over the resolver when its holder dies or loses
    /// the database (the holder's lock connection times out after this long).
    /// </summary>
    [Setting("MySQL: another replica takes over the resolver within this long, in seconds (3-3600)")]
    [ConfigurationKeyName("resolver_lease_s")]
    public int ResolverLeaseSeconds { get; set; } = 15;

    /// <summary>The most sync streams one token may hold open at once (a gateway token serves one gateway, or a fleet).</summary>
    [ConfigurationKeyName("max_streams_per_token")]
    [Setting("sync streams one token may hold open at once", ValueName = "N")]
    public int MaxStreamsPerToken { get; set; } = 64;

    /// <summary>A sync stream whose gateway has not taken a message for this long, in seconds, is ended (it reconnects).</summary>
    [ConfigurationKeyName("stream_write_timeout_s")]
    [Setting("a gateway stream that takes no message for this long, in seconds, is cut (it reconnects)", ValueName = "N")]
    public int StreamWriteTimeoutSeconds { get; set; } = 30;

    /// <summary>A gateway whose replica has not vouched for its stream for this long, in seconds, is shown as gone.</summary>
    [ConfigurationKeyName("gateway_gone_after_s")]
    [Setting("a registry row no replica vouched for this long, in seconds, shows as gone", ValueName = "N")]
    public int GatewayGoneAfterSeconds { get; set; } = 60;

    /// <summary>How long the registry keeps a gone gateway's row, in seconds, before it is pruned.</summary>
    [ConfigurationKeyName("gateway_retention_s")]
    [Setting("rows of gateways gone this long, in seconds, are pruned with their traffic", ValueName = "N")]
    public int GatewayRetentionSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>The most traffic-report rows written per second (reports are coalesced per gateway, the latest wins).</summary>
    [ConfigurationKeyName("traffic_write_rows_per_s")]
    [Setting("traffic-report rows written per second; reports are coalesced per gateway, the latest wins", ValueName = "N")]
    public int TrafficWriteRowsPerSecond { get; set; } = 20_000;

    /// <summary>
    /// The most a gateway's links carry, in bits per second each way: a report whose counters grew by more than
    /// twice that over the time since the gateway's previous report is refused.
    /// </summary>
    [ConfigurationKeyName("traffic_link_capacity_bps")]
    [Setting("the most a gateway link carries, bits per second: a report that grew faster than twice this is refused", ValueName = "N")]
    public long TrafficLinkCapacityBitsPerSecond { get; set; } = 100_000_000_000;

    /// <summary>The legacy HTTP API and gateway WebSocket of the replaced system (YAML <c>legacy_api: { enabled }</c>).</summary>
    [ConfigurationKeyName("legacy_api_enabled")]
    [Setting("serve the replaced system's HTTP API (/api, /show-all, /ping) and gateway WebSocket (/ws); YAML legacy_api: { enabled }")]
    public bool LegacyApiEnabled { get; set; }

    /// <summary>Sources that may call the legacy endpoints without a token (YAML <c>legacy_api: { allow_from }</c>).</summary>
    [ConfigurationKeyName("legacy_api_allow_from")]
    [Setting("source range that may call the legacy endpoints without a token; YAML legacy_api: { allow_from }", Flag = "--legacy-api-allow-from", ValueName = "CIDR")]
    public List<string> LegacyApiAllowFrom { get; set; } = [];

    /// <summary>The role of a tokenless legacy call (YAML <c>legacy_api: { role }</c>).</summary>
    [ConfigurationKeyName("legacy_api_role")]
    [Setting("role of a tokenless legacy call: viewer, editor or admin (nonDeletable=true needs admin); YAML legacy_api: { role }", ValueName = "ROLE")]
    public string LegacyApiRole { get; set; } = Roles.Editor;

    /// <summary>The most legacy gateway WebSockets open at once from one source address.</summary>
    [ConfigurationKeyName("legacy_api_max_sockets_per_source")]
    [Setting("legacy gateway WebSockets open at once from one source address; YAML legacy_api: { max_sockets_per_source }", ValueName = "N")]
    public int LegacyApiMaxSocketsPerSource { get; set; } = 4;

    /// <summary>Revisions queued per legacy gateway WebSocket; a socket that falls behind is brought up to date by a diff.</summary>
    [ConfigurationKeyName("legacy_api_send_queue")]
    [Setting("revisions queued per legacy gateway WebSocket; one that falls behind gets the difference; YAML legacy_api: { send_queue }", ValueName = "N")]
    public int LegacyApiSendQueue { get; set; } = 256;

    /// <summary>Whether a MySQL database is configured.</summary>
    public bool UsesMySql => !string.IsNullOrWhiteSpace(DbServer);
}
