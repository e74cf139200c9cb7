using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>
/// Builds <see cref="ControlPlaneOptions"/> from, in rising precedence: the YAML file, environment
/// variables <c>OUTPUTGUARD_&lt;KEY&gt;</c>, and command-line flags; then validates it so that a bad
/// configuration stops the process before it serves, with a message that names the key.
/// </summary>
public static class ControlPlaneConfiguration
{
    /// <summary>The YAML keys the options understand.</summary>
    public static IReadOnlySet<string> KnownKeys { get; } = typeof(ControlPlaneOptions)
        .GetProperties()
        .Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "data_dir",
        ["--http-address"] = "http_address",
        ["--grpc-address"] = "grpc_address",
        ["--tls-cert"] = "tls_cert",
        ["--tls-key"] = "tls_key",
        ["--treat-as-public"] = "treat_as_public",
        ["--internal"] = "internal_ranges",
        ["--name-server"] = "resolver_name_servers",
    };

    private static readonly HashSet<string> ListKeys = ["treat_as_public", "internal_ranges", "resolver_name_servers"];

    /// <summary>The flags, for --help.</summary>
    public const string Usage = """
        usage: outputguard-control-plane [--config FILE] [flags]
          --config FILE, -server-conf-path FILE   YAML configuration (keys below; db_* select MySQL/MariaDB)
          --data-dir DIR                          embedded SQLite store directory (default ./outputguard-data)
          --http-address HOST:PORT                admin page and JSON API, HTTP/1.1 (default 0.0.0.0:8080)
          --grpc-address HOST:PORT                gRPC, reflection, health, HTTP/2 (default 0.0.0.0:8081)
          --tls-cert FILE --tls-key FILE          serve TLS on both listeners
          --treat-as-public CIDR                  count CIDR as public (repeatable, or comma-separated)
          --internal CIDR                         extra internal CIDR, e.g. pod and service ranges (repeatable)
          --name-server ADDR[:PORT]               name server of the resolver (repeatable; default: the host's)
        Every key is also read from the environment as OUTPUTGUARD_<KEY> (e.g. OUTPUTGUARD_DB_SERVER).
        """;

    /// <summary>Loads and validates; throws <see cref="ConfigurationException"/> on a bad configuration.</summary>
    public static ControlPlaneOptions Load(IReadOnlyList<string> args, IDictionary<string, string?>? environment = null)
    {
        var (configFile, flagValues) = ParseArgs(args);
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddInMemoryCollection(YamlSettings.Read(configFile, KnownKeys));
        }

        builder.AddInMemoryCollection(FromEnvironment(environment ?? ReadEnvironment()));
        builder.AddInMemoryCollection(flagValues);
        var configuration = builder.Build();

        var options = new ControlPlaneOptions();
        try
        {
            configuration.Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"configuration: {e.Message}", e);
        }

        if (options.DataDir.Length > 0 && configFile is not null && !Path.IsPathRooted(options.DataDir) && !flagValues.ContainsKey("data_dir"))
        {
            options.DataDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile))!, options.DataDir);
        }

        Validate(options);
        return options;
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

    private static (string? ConfigFile, Dictionary<string, string?> Values) ParseArgs(IReadOnlyList<string> args)
    {
        string? configFile = null;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith('-') && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ConfigurationException($"{arg}: needs a value");
                }

                return args[++i];
            }

            if (arg is "--config" or "-server-conf-path" or "--server-conf-path")
            {
                configFile = Value();
            }
            else if (Flags.TryGetValue(arg, out var key))
            {
                if (ListKeys.Contains(key))
                {
                    if (!lists.TryGetValue(key, out var list))
                    {
                        lists[key] = list = [];
                    }

                    list.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
                else
                {
                    values[key] = Value();
                }
            }
            else
            {
                throw new ConfigurationException($"{args[i]}: unknown flag\n{Usage}");
            }
        }

        foreach (var (key, list) in lists)
        {
            for (var j = 0; j < list.Count; j++)
            {
                values[FormattableString.Invariant($"{key}:{j}")] = list[j];
            }
        }

        return (configFile, values);
    }

    private static Dictionary<string, string?> FromEnvironment(IDictionary<string, string?> environment)
    {
        const string prefix = "OUTPUTGUARD_";
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = name[prefix.Length..].ToLowerInvariant().Replace("__", ":", StringComparison.Ordinal);
            var top = key.Split(':')[0];
            if (!KnownKeys.Contains(top))
            {
                continue;
            }

            if (ListKeys.Contains(key) && value is not null)
            {
                var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var j = 0; j < parts.Length; j++)
                {
                    values[FormattableString.Invariant($"{key}:{j}")] = parts[j];
                }
            }
            else
            {
                values[key] = value;
            }
        }

        return values;
    }

    private static Dictionary<string, string?> ReadEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            result[(string)e.Key] = (string?)e.Value;
        }

        return result;
    }
}
