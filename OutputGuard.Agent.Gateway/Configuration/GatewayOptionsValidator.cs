using System.Globalization;
using Microsoft.Extensions.Options;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>Checks the settings at start; every failure starts with its key (the pipeline adds where the value came from).</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!options.Cleanup)
        {
            if (string.IsNullOrWhiteSpace(options.ControlPlane))
            {
                errors.Add("control_plane: the control plane's gRPC address is required (--control-plane http://HOST:8081, OUTPUTGUARD_CONTROL_PLANE or control_plane in the file)");
            }
            else if (ControlPlaneUri(options.ControlPlane) is null)
            {
                errors.Add($"control_plane: '{options.ControlPlane}' is not an http://, https://, ws:// or wss:// address of the control plane's gRPC port");
            }

            if (string.IsNullOrWhiteSpace(options.Token) && string.IsNullOrWhiteSpace(options.TokenFile))
            {
                errors.Add("token_file: the gateway token is required (token_file, or token)");
            }
            else if (!string.IsNullOrWhiteSpace(options.TokenFile) && !File.Exists(options.TokenFile))
            {
                errors.Add($"token_file: '{options.TokenFile}' does not exist; give the file that holds the gateway token");
            }

            if (!System.Net.IPEndPoint.TryParse(options.MetricsAddress ?? string.Empty, out var ep) || !options.MetricsAddress!.Contains(':', StringComparison.Ordinal) || ep.Port == 0)
            {
                errors.Add($"metrics_address: '{options.MetricsAddress}' is not ADDRESS:PORT (e.g. 0.0.0.0:9900)");
            }

            if (string.IsNullOrWhiteSpace(options.StateFile))
            {
                errors.Add("state_file: a path is required");
            }
        }

        if (options.Netns is { } netns && (netns.Length == 0 || netns.Contains('/', StringComparison.Ordinal) || netns is "." or ".."))
        {
            errors.Add($"netns: '{netns}' is not a namespace name (a file under /var/run/netns)");
        }

        Prefixes("client_ranges", options.ClientRanges, errors);
        Prefixes("internal_ranges", options.InternalRanges, errors);
        Prefixes("treat_as_public", options.TreatAsPublic, errors);
        if (options.CountersIntervalMs is < 0 or > 3_600_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"counters_interval_ms: {options.CountersIntervalMs} is outside 0-3600000"));
        }

        if (options.ReportIntervalMs < 100)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"report_interval_ms: {options.ReportIntervalMs} is too short; give 100 or more"));
        }

        if (options.DeniedMetricsLimit is < 0 or > 10000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"denied_metrics_limit: {options.DeniedMetricsLimit} is outside 0-10000"));
        }

        if (options.MetricsDestinations is < 1 or > 100_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"metrics_destinations: {options.MetricsDestinations} is outside 1-100000"));
        }

        if (options.MetricsRechooseMs is < 0 or > 86_400_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"metrics_rechoose_ms: {options.MetricsRechooseMs} is outside 0-86400000"));
        }

        Dns.DnsProxySettings.Validate(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The gRPC address (ws/wss of the legacy flag read as http/https); null when not an address.</summary>
    public static Uri? ControlPlaneUri(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var scheme = uri.Scheme switch
        {
            "http" or "ws" => "http",
            "https" or "wss" => "https",
            _ => null,
        };
        return scheme is null ? null : new UriBuilder(uri) { Scheme = scheme, Path = "/" }.Uri;
    }

    /// <summary>Parses a validated prefix list.</summary>
    public static List<IpPrefix> ParsePrefixes(IEnumerable<string> values) => [.. values.Select(IpPrefix.Parse)];

    private static void Prefixes(string key, List<string> values, List<string> errors)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!IpPrefix.TryParse(values[i], out _, out var error))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]: {error}"));
            }
        }
    }
}
