using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OutputGuard.Configuration;
using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>
/// Builds <see cref="ControlPlaneOptions"/> with the shared configuration pipeline — the YAML file (<c>--config</c>,
/// alias <c>-server-conf-path</c>) &lt; <c>OUTPUTGUARD_&lt;KEY&gt;</c> environment &lt; flags — bound once and
/// validated (<see cref="Validate"/>) before anything starts, every problem naming its key and layer.
/// </summary>
public static class ControlPlaneConfiguration
{
    /// <summary>The program as the pipeline sees it.</summary>
    public static ProgramDefinition Program { get; } = new ProgramDefinition
    {
        Name = "outputguard-control-plane",
        Summary = "OutputGuard's control plane: the allow-list API (gRPC and JSON), the admin page, the gateways' sync stream, "
            + "the DNS resolver; MySQL/MariaDB (db_*) or the embedded SQLite store. Exit codes: 0 stopped, 1 cannot start "
            + "(store unreachable, port in use), 2 configuration error.",
        Schema = SettingsSchema.For<ControlPlaneOptions>().WithItems<TokenOptions>("tokens"),
        ConfigAliases = ["-server-conf-path", "--server-conf-path"],
        Notes = """
            Examples:
              outputguard-control-plane --config /etc/outputguard/control-plane.yaml
              OUTPUTGUARD_DB_PASSWORD=… outputguard-control-plane -server-conf-path /etc/outputguard/control-plane.yaml
              outputguard-control-plane --data-dir ./outputguard-data --http-address 127.0.0.1:8080
              outputguard-control-plane import-legacy --from "user:pass@tcp(old-db:3306)/proxy" --dry-run --config FILE   (import-legacy --help)
            Tokens (file only): sha256 is the lower-case hex SHA-256 of the secret (printf %s "$SECRET" | sha256sum);
            a plain secret must be at least 16 characters.
            """,
    }.WithVersionOf(typeof(ControlPlaneConfiguration).Assembly);

    /// <summary>
    /// Reads, binds once and validates; help, version and completions are written to <paramref name="output"/>.
    /// A relative <c>data_dir</c> from the file is taken relative to the file.
    /// </summary>
    public static LoadedConfiguration<ControlPlaneOptions> Load(
        IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string?>> environment, TextWriter output)
    {
        var loaded = ConfigurationPipeline.Load<ControlPlaneOptions>(
            Program, args, environment, (options, configuration) => options.Bind(configuration), new Validator(), output);
        if (loaded.Options is { } o && loaded.Sources.ConfigFile is { } file && loaded.Sources.OriginOf("data_dir").Layer == ValueLayer.File
            && !Path.IsPathRooted(o.DataDir))
        {
            o.DataDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, o.DataDir);
        }

        return loaded;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> naming the first bad key.</summary>
    public static void Validate(ControlPlaneOptions o)
    {
        ListenAddress.Parse(o.HttpAddress, "http_address");
        ListenAddress.Parse(o.GrpcAddress, "grpc_address");
        if (o.UsesMySql)
        {
            Require(o.DbUser, "db_user", "db_server is set, so MySQL is used and db_user is required");
            Require(o.DbName, "db_name", "db_server is set, so MySQL is used and db_name is required");
        }
        else if (!string.IsNullOrEmpty(o.DbUser) || !string.IsNullOrEmpty(o.DbName))
        {
            throw new ConfigurationException("db_server: db_user/db_name are set but db_server is not; set db_server to use MySQL, or remove them to use the embedded store");
        }

        if (o.DbPort is < 1 or > 65535)
        {
            throw new ConfigurationException($"db_port: {o.DbPort} is not a port (1-65535)");
        }

        if (o.DbPoolSize is < 2 or > 1000)
        {
            throw new ConfigurationException($"db_pool_size: {o.DbPoolSize} is not from 2 to 1000");
        }

        if (string.IsNullOrWhiteSpace(o.DataDir))
        {
            throw new ConfigurationException("data_dir: must not be empty");
        }

        if ((o.TlsCert is null) != (o.TlsKey is null))
        {
            throw new ConfigurationException("tls_cert/tls_key: give both to serve TLS, or neither");
        }

        if (o.MaxIPv4PrefixBreadth is < 0 or > 32)
        {
            throw new ConfigurationException("max_ipv4_prefix_breadth: must be 0 to 32");
        }

        if (o.MaxIPv6PrefixBreadth is < 0 or > 128)
        {
            throw new ConfigurationException("max_ipv6_prefix_breadth: must be 0 to 128");
        }

        Positive(o.ChangeLogRevisions, "change_log_revisions");
        Positive(o.StreamQueueCapacity, "stream_queue_capacity");
        Positive(o.SnapshotPartSize, "snapshot_part_size");
        Positive(o.ChangePollIntervalMs, "change_poll_interval_ms");
        Positive(o.MaxStreamsPerToken, "max_streams_per_token");
        Positive(o.StreamWriteTimeoutSeconds, "stream_write_timeout_s");
        if (o.GatewayGoneAfterSeconds < 3)
        {
            throw new ConfigurationException($"gateway_gone_after_s: must be 3 or more, not {o.GatewayGoneAfterSeconds}");
        }

        if (o.GatewayRetentionSeconds < o.GatewayGoneAfterSeconds)
        {
            throw new ConfigurationException(
                $"gateway_retention_s: {o.GatewayRetentionSeconds} is shorter than gateway_gone_after_s ({o.GatewayGoneAfterSeconds})");
        }

        Positive(o.TrafficWriteRowsPerSecond, "traffic_write_rows_per_s");
        Positive(o.TrafficLinkCapacityBitsPerSecond, "traffic_link_capacity_bps");
        ValidateResolver(o);
        ValidateTokens(o.Tokens);
        Legacy.LegacyApiSettings.Validate(o);
    }

    /// <summary>The lower-case hex SHA-256 of a secret.</summary>
    public static string Sha256Hex(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static void ValidateResolver(ControlPlaneOptions o)
    {
        for (var i = 0; i < o.ResolverNameServers.Count; i++)
        {
            if (!Resolver.NameServerAddress.TryParse(o.ResolverNameServers[i], out _))
            {
                throw new ConfigurationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"resolver_name_servers[{i}]: '{o.ResolverNameServers[i]}' is not ADDRESS, ADDRESS:PORT or [IPv6]:PORT"));
            }
        }

        Positive(o.ResolverIntervalSeconds, "resolver_interval_s");
        Positive(o.ResolverTtlFloorSeconds, "resolver_ttl_floor_s");
        if (o.ResolverTtlFloorSeconds > o.ResolverIntervalSeconds)
        {
            throw new ConfigurationException(
                $"resolver_ttl_floor_s: {o.ResolverTtlFloorSeconds} is longer than resolver_interval_s ({o.ResolverIntervalSeconds})");
        }

        if (o.ResolverGracePeriodSeconds < 0)
        {
            throw new ConfigurationException($"resolver_grace_period_s: must be 0 or more, not {o.ResolverGracePeriodSeconds}");
        }

        Positive(o.ResolverMaxAddresses, "resolver_max_addresses");
        if (o.ResolverCnameDepth is < 1 or > 32)
        {
            throw new ConfigurationException($"resolver_cname_depth: must be 1 to 32, not {o.ResolverCnameDepth}");
        }

        Positive(o.ResolverTimeoutMs, "resolver_timeout_ms");
        if (o.ResolverConcurrency is < 1 or > 1024)
        {
            throw new ConfigurationException($"resolver_concurrency: must be 1 to 1024, not {o.ResolverConcurrency}");
        }

        if (o.ResolverLeaseSeconds is < 3 or > 3600)
        {
            throw new ConfigurationException($"resolver_lease_s: must be 3 to 3600, not {o.ResolverLeaseSeconds}");
        }
    }

    private static void ValidateTokens(List<TokenOptions> tokens)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"tokens[{i}]");
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                throw new ConfigurationException($"{key}.name: every token needs a name (it is the actor in the audit log)");
            }

            if (!names.Add(t.Name))
            {
                throw new ConfigurationException($"{key}.name: the name '{t.Name}' is used twice");
            }

            if (!Roles.IsKnown(t.Role))
            {
                throw new ConfigurationException($"{key}.role: '{t.Role}' is not one of {string.Join(", ", Roles.All)}");
            }

            var hasHash = !string.IsNullOrWhiteSpace(t.Sha256);
            var hasSecret = !string.IsNullOrEmpty(t.Secret);
            if (hasHash == hasSecret)
            {
                throw new ConfigurationException($"{key}: give exactly one of sha256 or secret for token '{t.Name}'");
            }

            if (hasHash && (t.Sha256!.Length != 64 || !t.Sha256.All(Uri.IsHexDigit)))
            {
                throw new ConfigurationException($"{key}.sha256: token '{t.Name}' needs 64 hex digits (sha256sum of the secret)");
            }

            if (hasSecret && t.Secret!.Length < 16)
            {
                throw new ConfigurationException($"{key}.secret: token '{t.Name}' is shorter than 16 characters");
            }

            ValidateGatewayIds(t, key);
        }
    }

    private static void ValidateGatewayIds(TokenOptions t, string key)
    {
        if (t.GatewayIds.Count > 0 && t.Role != Roles.Gateway)
        {
            throw new ConfigurationException($"{key}.gateway_ids: token '{t.Name}' has role {t.Role}; only gateway tokens claim gateway ids");
        }

        if (t.GatewayIds.Count == 0 && t.Role == Roles.Gateway && !Auth.GatewayScope.IsValidId(t.Name))
        {
            throw new ConfigurationException(
                $"{key}.name: gateway token '{t.Name}' may claim only its own name as gateway id, which must be 1 to {Api.InputLimits.MaxGatewayId} printable ASCII characters; rename it or give gateway_ids");
        }

        for (var j = 0; j < t.GatewayIds.Count; j++)
        {
            if (!Auth.GatewayScope.IsValidPattern(t.GatewayIds[j]))
            {
                throw new ConfigurationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{key}.gateway_ids[{j}]: '{t.GatewayIds[j]}' is not a gateway id (1 to {Api.InputLimits.MaxGatewayId} printable ASCII characters) or a prefix ending in '*'"));
            }
        }
    }

    private static void Require(string? value, string key, string why)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigurationException($"{key}: {why}");
        }
    }

    private static void Positive(long value, string key)
    {
        if (value <= 0)
        {
            throw new ConfigurationException($"{key}: must be greater than 0, not {value}");
        }
    }

    /// <summary>The validation of <see cref="Validate"/> and of the internal ranges, as Options validation.</summary>
    private sealed class Validator : IValidateOptions<ControlPlaneOptions>
    {
        public ValidateOptionsResult Validate(string? name, ControlPlaneOptions options)
        {
            try
            {
                ControlPlaneConfiguration.Validate(options);
                _ = EntryValidator.FromOptions(options);
                return ValidateOptionsResult.Success;
            }
            catch (ConfigurationException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
