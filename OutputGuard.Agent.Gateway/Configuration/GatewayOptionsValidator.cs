using Microsoft.Extensions.Options;
using OutputGuard.Netlink.Addressing;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>Checks the settings at start; every failure names the flag.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!options.Cleanup)
        {
            if (string.IsNullOrWhiteSpace(options.ControlPlane) || ControlPlaneUri(options.ControlPlane) is null)
            {
                errors.Add($"--control-plane: '{options.ControlPlane}' is not an http://, https://, ws:// or wss:// address of the control plane's gRPC port");
            }

            if (string.IsNullOrWhiteSpace(options.Token) && string.IsNullOrWhiteSpace(options.TokenFile))
            {
                errors.Add("--token or --token-file: the gateway token is required");
            }
            else if (!string.IsNullOrWhiteSpace(options.TokenFile) && !File.Exists(options.TokenFile))
            {
                errors.Add($"--token-file: '{options.TokenFile}' does not exist");
            }

            if (!System.Net.IPEndPoint.TryParse(options.MetricsAddress ?? string.Empty, out var ep) || !options.MetricsAddress!.Contains(':', StringComparison.Ordinal) || ep.Port == 0)
            {
                errors.Add($"--metrics-address: '{options.MetricsAddress}' is not ADDRESS:PORT");
            }

            if (string.IsNullOrWhiteSpace(options.StateFile))
            {
                errors.Add("--state-file: a path is required");
            }
        }

        Prefixes("--client-ranges", options.ClientRanges, errors);
        Prefixes("--internal", options.Internal, errors);
        Prefixes("--treat-as-public", options.TreatAsPublic, errors);
        if (options.CountersIntervalMs < 0)
        {
            errors.Add("--counters-interval-ms: must not be negative");
        }

        if (options.ReportIntervalMs < 100)
        {
            errors.Add("--report-interval-ms: must be at least 100");
        }

        if (options.DeniedMetricsLimit is < 0 or > 10000)
        {
            errors.Add("--denied-metrics-limit: must be between 0 and 10000");
        }

        if (options.MaxDestinationSeries is < 1000 or > 10_000_000)
        {
            errors.Add("--max-destination-series: must be between 1000 and 10000000");
        }

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

    /// <summary>Parses a comma-separated prefix list.</summary>
    public static List<IpPrefix> ParsePrefixes(string? text) =>
        [.. (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IpPrefix.Parse)];

    private static void Prefixes(string flag, string? text, List<string> errors)
    {
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IpPrefix.TryParse(part, out _, out var error))
            {
                errors.Add($"{flag}: '{part}' is not a CIDR ({error})");
            }
        }
    }
}
