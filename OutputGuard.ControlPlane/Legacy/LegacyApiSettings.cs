using System.Globalization;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>The <c>legacy_api</c> settings, checked at start with messages that name the key.</summary>
public static class LegacyApiSettings
{
    /// <summary>Throws <see cref="ConfigurationException"/> naming the first bad <c>legacy_api_*</c> key.</summary>
    public static void Validate(ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = AllowedSources(options);
        if (options.LegacyApiRole is not (Roles.Viewer or Roles.Editor or Roles.Admin))
        {
            throw new ConfigurationException($"legacy_api_role: '{options.LegacyApiRole}' is not one of viewer, editor, admin (legacy_api: {{ role }} in the file)");
        }

        if (options.LegacyApiMaxSocketsPerSource is < 1 or > 10_000)
        {
            throw new ConfigurationException(string.Create(
                CultureInfo.InvariantCulture, $"legacy_api_max_sockets_per_source: must be 1 to 10000, not {options.LegacyApiMaxSocketsPerSource}"));
        }

        if (options.LegacyApiSendQueue is < 1 or > 100_000)
        {
            throw new ConfigurationException(string.Create(
                CultureInfo.InvariantCulture, $"legacy_api_send_queue: must be 1 to 100000, not {options.LegacyApiSendQueue}"));
        }
    }

    /// <summary>The parsed <c>legacy_api_allow_from</c> ranges (a bare address is its host prefix).</summary>
    public static IReadOnlyList<IpPrefix> AllowedSources(ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefixes = new List<IpPrefix>(options.LegacyApiAllowFrom.Count);
        for (var i = 0; i < options.LegacyApiAllowFrom.Count; i++)
        {
            var text = options.LegacyApiAllowFrom[i]?.Trim() ?? string.Empty;
            if (IpPrefix.TryParse(text, out var prefix, out var error))
            {
                prefixes.Add(prefix);
            }
            else
            {
                throw new ConfigurationException(string.Create(
                    CultureInfo.InvariantCulture, $"legacy_api_allow_from[{i}]: '{text}' is not a CIDR or an address ({error}); e.g. 10.0.0.0/8"));
            }
        }

        return prefixes;
    }
}
