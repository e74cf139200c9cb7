namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// Turns the command line into configuration keys under <see cref="GatewayOptions.Section"/>: <c>--name value</c>,
/// <c>--name=value</c>, bare boolean flags, and the legacy alias <c>-iptables-wss-server</c>.
/// </summary>
public static class GatewayArguments
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["control-plane"] = nameof(GatewayOptions.ControlPlane),
        ["iptables-wss-server"] = nameof(GatewayOptions.ControlPlane),
        ["token"] = nameof(GatewayOptions.Token),
        ["token-file"] = nameof(GatewayOptions.TokenFile),
        ["metrics-address"] = nameof(GatewayOptions.MetricsAddress),
        ["observe"] = nameof(GatewayOptions.Observe),
        ["state-file"] = nameof(GatewayOptions.StateFile),
        ["client-ranges"] = nameof(GatewayOptions.ClientRanges),
        ["internal"] = nameof(GatewayOptions.Internal),
        ["treat-as-public"] = nameof(GatewayOptions.TreatAsPublic),
        ["cleanup"] = nameof(GatewayOptions.Cleanup),
        ["gateway-id"] = nameof(GatewayOptions.GatewayId),
        ["hostname"] = nameof(GatewayOptions.Hostname),
        ["netns"] = nameof(GatewayOptions.Netns),
        ["counters-interval-ms"] = nameof(GatewayOptions.CountersIntervalMs),
        ["report-interval-ms"] = nameof(GatewayOptions.ReportIntervalMs),
        ["denied-metrics-limit"] = nameof(GatewayOptions.DeniedMetricsLimit),
        ["max-destination-series"] = nameof(GatewayOptions.MaxDestinationSeries),
        ["drift-verify-interval-ms"] = nameof(GatewayOptions.DriftVerifyIntervalMs),
    };

    private static readonly HashSet<string> Booleans = ["observe", "cleanup"];

    /// <summary>The configuration keys and values; throws <see cref="ArgumentException"/> naming an unknown flag.</summary>
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!Names.TryGetValue(name, out var key))
            {
                throw new ArgumentException($"unknown flag '{arg}'; known: {string.Join(", ", Names.Keys.Select(n => "--" + n))}");
            }

            if (value is null)
            {
                if (Booleans.Contains(name))
                {
                    value = i + 1 < args.Count && bool.TryParse(args[i + 1], out _) ? args[++i] : "true";
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new ArgumentException($"the flag '{arg}' needs a value");
                }
            }

            result[$"{GatewayOptions.Section}:{key}"] = value;
        }

        return result;
    }
}
