using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration;

/// <summary>
/// A configuration the program refuses: the key, the layer it came from (file:line, variable or flag) and what
/// is wrong, phrased with the fix. Printed as one line: <c>internal_ranges (file /etc/og.yaml:4): …</c>.
/// </summary>
/// <param name="Key">The key (<c>tokens[0].role</c>), or null for a problem of no single key.</param>
/// <param name="Origin">Where the value came from, or null.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ConfigurationProblem(string? Key, ValueOrigin? Origin, string Message)
{
    /// <summary>
    /// A validator's failure (<c>key: what is wrong</c>) as a problem naming the layer the key's value came from;
    /// a failure that names no known key is kept as it is.
    /// </summary>
    public static ConfigurationProblem FromFailure(string failure, SettingsSchema schema, ConfigurationSources sources)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(sources);
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0 || failure.AsSpan(0, colon).ContainsAny(' ', '\t'))
        {
            return new ConfigurationProblem(null, null, failure);
        }

        var key = failure[..colon];
        var top = key.Split('[', '.', '/')[0];
        return schema.Find(top) is null
            ? new ConfigurationProblem(null, null, failure)
            : new ConfigurationProblem(key, sources.OriginOf(key), failure[(colon + 2)..]);
    }

    /// <inheritdoc />
    public override string ToString() => Key is null
        ? Message
        : Origin is null || Origin.Layer == ValueLayer.Default ? $"{Key}: {Message}" : $"{Key} ({Origin}): {Message}";
}
